/* "sourcesContent" referenced, not copied (src/contents.c): entries are
 * slices of the input a view keeps (lsm_view_from_path's mapping, or bytes
 * promised with LSM_LOAD_BORROW) or of one copy of them, unescaped on
 * first access, once, whatever the number of threads asking. */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t, mkdtemp */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "util.h"

/* Fails the subtest unless got[0..got_len) is want[0..want_len). */
#define CHECK_BYTES(got, got_len, want, want_len)                                         \
    check_bytes_(__FILE__, __LINE__, #got, (got), (got_len), (want), (want_len))

static void check_bytes_(const char *file, int line, const char *expr, const char *got,
                         size_t got_len, const char *want, size_t want_len) {
    check_state.total_checks++;
    if (!got || got_len != want_len || memcmp(got, want, want_len) != 0)
        check_fail(file, line, "%s: got %zu bytes%s, want %zu", expr, got_len,
                   got ? "" : " (NULL)", want_len);
}

static bool inside(const char *p, const char *buf, size_t len) {
    return p >= buf && p < buf + len;
}

static char tmpdir[256];

static const char *tmp_path(const char *name) {
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        check_bail("cannot write a temporary file");
}

/* A map of `count` sources whose contents are texts[i] (lens[i] bytes, or
 * null for NULL), each written with sb_json_string() unless raw[i] gives
 * its JSON literal. One mapping per source. */
static char *map_of(uint32_t count, const char *const *texts, const size_t *lens,
                    const char *const *raw, size_t *out_len) {
    sb_t sb = {0};
    sb_puts(&sb, "{\"version\":3,\"sources\":[");
    for (uint32_t i = 0; i < count; i++)
        sb_printf(&sb, "%s\"s%u.js\"", i ? "," : "", i);
    sb_puts(&sb, "],\"sourcesContent\":[");
    for (uint32_t i = 0; i < count; i++) {
        if (i)
            sb_puts(&sb, ",");
        if (raw && raw[i])
            sb_puts(&sb, raw[i]);
        else if (!texts[i])
            sb_puts(&sb, "null");
        else
            sb_json_string(&sb, texts[i], lens[i]);
    }
    sb_puts(&sb, "],\"names\":[],\"mappings\":\"");
    mappings_writer_t mw = {0};
    for (uint32_t i = 0; i < count; i++)
        mw_segment(&mw, 0, i * 2, 4, i, 0, 0, 0);
    sb_append(&sb, mw.sb.s ? mw.sb.s : "", mw.sb.len);
    sb_free(&mw.sb);
    sb_puts(&sb, "\"}");
    *out_len = sb.len;
    return sb.s;
}

/* ------------------------------------------------- 8 threads at once */

#define NSRC 48
#define NTHREADS 8
#define ROUNDS 12

static char *thread_texts[NSRC];
static size_t thread_lens[NSRC];

typedef struct reader_arg {
    const lsm_view_t *view;
    pthread_barrier_t *start;
    int id;
    const char *got[NSRC];
    int mismatches;
} reader_arg_t;

static void *reader(void *p) {
    reader_arg_t *a = p;
    pthread_barrier_wait(a->start);
    for (int k = 0; k < NSRC; k++) {
        /* Each thread its own order, so that first accesses collide. */
        uint32_t i = (uint32_t)((k * 7 + a->id * 5) % NSRC);
        lsm_error_t err;
        size_t len = 0;
        const char *s = lsm_view_source_contents(a->view, i, &len, &err);
        if (!s || err.code || len != thread_lens[i] || memcmp(s, thread_texts[i], len) != 0 ||
            s[len] != 0)
            a->mismatches++;
        a->got[i] = s;
    }
    return NULL;
}

static void test_eight_threads(void) {
    for (int i = 0; i < NSRC; i++) {
        sb_t sb = {0};
        /* Quotes, backslashes, tabs and newlines: every entry has escapes;
         * a third are short enough to be read by yajl rather than in place. */
        int lines = i % 3 == 0 ? 1 : 40 + i;
        for (int l = 0; l < lines; l++)
            sb_printf(&sb, "var s%d = \"line %d\\\\\";\t// é 😀\n", i, l);
        thread_lens[i] = sb.len;
        thread_texts[i] = sb.s;
    }
    size_t len;
    char *json = map_of(NSRC, (const char *const *)thread_texts, thread_lens, NULL, &len);
    int64_t live = lsm_alloc_live();
    for (int round = 0; round < ROUNDS; round++) {
        lsm_error_t err;
        uint32_t flags = round % 2 ? LSM_LOAD_BORROW : LSM_LOAD_DEFAULT;
        lsm_view_t *view = lsm_view_from_json_ex(json, len, flags, &err);
        if (!CHECK_CALL(view != NULL, err))
            break;
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, NTHREADS);
        pthread_t threads[NTHREADS];
        reader_arg_t *args = calloc(NTHREADS, sizeof *args);
        if (!args)
            abort();
        for (int t = 0; t < NTHREADS; t++) {
            args[t].view = view;
            args[t].start = &start;
            args[t].id = t;
            CHECK_EQ(pthread_create(&threads[t], NULL, reader, &args[t]), 0);
        }
        for (int t = 0; t < NTHREADS; t++) {
            CHECK_EQ(pthread_join(threads[t], NULL), 0);
            CHECK_EQ(args[t].mismatches, 0);
        }
        /* One published string per source, the same for every thread. */
        for (int t = 1; t < NTHREADS; t++)
            for (int i = 0; i < NSRC; i++)
                CHECK(args[t].got[i] == args[0].got[i]);
        pthread_barrier_destroy(&start);
        free(args);
        lsm_view_free(view);
        CHECK_EQ(lsm_alloc_live(), live);
    }
    free(json);
    for (int i = 0; i < NSRC; i++)
        free(thread_texts[i]);
}

/* ------------------------------------------------- borrowing or not */

#define LONG_PLAIN "function plainLongSourceWithoutAnyEscape() { return 42 + 17 + 99 + 1000; }"
#define LONG_ESCAPED_JSON "\"function f() {\\n\\treturn \\\"quoted\\\" + '\\\\' + '\\u00e9\\ud83d\\ude00';\\n}\\n\""
#define LONG_ESCAPED "function f() {\n\treturn \"quoted\" + '\\' + '\xc3\xa9\xf0\x9f\x98\x80';\n}\n"

static const char *const FIVE_RAW[] = {"\"" LONG_PLAIN "\"", LONG_ESCAPED_JSON, "\"short\"",
                                       "\"a\\tb\"", "null"};
static const char *const FIVE_TEXT[] = {LONG_PLAIN, LONG_ESCAPED, "short", "a\tb", NULL};

static void check_five(const lsm_view_t *view) {
    for (uint32_t i = 0; i < 5; i++) {
        lsm_error_t err;
        POISON(err);
        size_t len = 99;
        const char *s = lsm_view_source_contents(view, i, &len, &err);
        CHECK_OK(err);
        if (FIVE_TEXT[i])
            CHECK_BYTES(s, len, FIVE_TEXT[i], strlen(FIVE_TEXT[i]));
        else
            CHECK(s == NULL && len == 0);
        POISON(err);
        CHECK_EQ(lsm_view_has_source_contents(view, i, &err), FIVE_TEXT[i] != NULL);
        CHECK_OK(err);
    }
}

static void test_borrow_flag(void) {
    size_t len;
    char *json = map_of(5, NULL, NULL, FIVE_RAW, &len);
    lsm_error_t err;

    /* Borrowed: what has no escape is read in place, not NUL-terminated. */
    POISON(err);
    lsm_view_t *view = lsm_view_from_json_ex(json, len, LSM_LOAD_BORROW, &err);
    if (CHECK_CALL(view != NULL, err)) {
        check_five(view);
        size_t n;
        const char *s = lsm_view_source_contents(view, 0, &n, NULL);
        CHECK(s == strstr(json, LONG_PLAIN));
        CHECK_EQ(s[n], '"');
        s = lsm_view_source_contents(view, 2, &n, NULL);
        CHECK(inside(s, json, len) && memcmp(s, "short\"", 6) == 0);
        /* Escaped entries are unescaped into the view's memory, once. */
        s = lsm_view_source_contents(view, 1, &n, NULL);
        CHECK(s && !inside(s, json, len) && s[n] == 0);
        CHECK(lsm_view_source_contents(view, 1, NULL, NULL) == s);
        s = lsm_view_source_contents(view, 3, &n, NULL);
        CHECK(s && !inside(s, json, len) && s[n] == 0);
        lsm_view_free(view);
    }

    /* Not borrowed: nothing points into the input, which may change. */
    char *copy = malloc(len);
    if (!copy)
        abort();
    memcpy(copy, json, len);
    POISON(err);
    view = lsm_view_from_json_ex(copy, len, LSM_LOAD_DEFAULT, &err);
    if (CHECK_CALL(view != NULL, err)) {
        for (uint32_t i = 0; i < 4; i++) {
            size_t n;
            const char *s = lsm_view_source_contents(view, i, &n, NULL);
            CHECK(s && !inside(s, copy, len) && s[n] == 0);
        }
        memset(copy, 'x', len);
        check_five(view);
        lsm_view_free(view);
    }
    free(copy);

    /* From a path: read in the mapping the view keeps. */
    const char *path = tmp_path("five.map");
    write_file(path, json, len);
    POISON(err);
    view = lsm_view_from_path(path, LSM_LOAD_DEFAULT, &err);
    if (CHECK_CALL(view != NULL, err)) {
        unlink(path); /* the mapping outlives the name */
        check_five(view);
        lsm_view_free(view);
    }
    /* The flag is accepted (and changes nothing) for a path too. */
    write_file(path, json, len);
    POISON(err);
    view = lsm_view_from_path(path, LSM_LOAD_BORROW | LSM_LOAD_REJECT_INDEX, &err);
    if (CHECK_CALL(view != NULL, err)) {
        check_five(view);
        lsm_view_free(view);
    }
    unlink(path);
    free(json);

    /* No contents at all, and an empty borrowed input. */
    const char *plain = "{\"version\":3,\"sources\":[\"a.js\"],\"mappings\":\"AAAA\"}";
    POISON(err);
    view = lsm_view_from_json_ex(plain, strlen(plain), LSM_LOAD_BORROW, &err);
    if (CHECK_CALL(view != NULL, err)) {
        CHECK(lsm_view_source_contents(view, 0, NULL, &err) == NULL);
        CHECK_OK(err);
        CHECK(lsm_view_source_contents(view, 1, NULL, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
        lsm_view_free(view);
    }
    POISON(err);
    CHECK(lsm_view_from_json_ex(NULL, 0, LSM_LOAD_BORROW, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_JSON);
}

/* A bad string in "sourcesContent" is reported at its exact byte, however
 * the input is held. */
static void test_error_offsets(void) {
    const char *raw[] = {"\"" LONG_PLAIN "\"",
                         "\"" LONG_PLAIN " and then a bad escape \\q in a long string\""};
    size_t len;
    char *json = map_of(2, NULL, NULL, raw, &len);
    int64_t want = (int64_t)(strstr(json, "\\q") - json);
    const char *path = tmp_path("bad.map");
    write_file(path, json, len);
    for (int how = 0; how < 3; how++) {
        lsm_error_t err;
        POISON(err);
        lsm_view_t *view = how == 2 ? lsm_view_from_path(path, 0, &err)
                                    : lsm_view_from_json_ex(json, len,
                                                            how ? LSM_LOAD_BORROW : 0, &err);
        CHECK(view == NULL);
        CHECK_ERR(err, LSM_ERR_JSON);
        CHECK_EQ(err.offset, want);
    }
    unlink(path);
    free(json);
}

/* ------------------------------------------------ escapes everywhere */

static const struct {
    const char *json;
    const char *text;
    size_t text_len;
} ESCAPES[] = {
    {"\\n", "\n", 1},        {"\\\"", "\"", 1},         {"\\\\", "\\", 1},
    {"\\/", "/", 1},          {"\\b", "\b", 1},          {"\\f", "\f", 1},
    {"\\r", "\r", 1},         {"\\t", "\t", 1},          {"\\u00e9", "\xc3\xa9", 2},
    {"\\u0000", "\0", 1},     {"\\u20AC", "\xe2\x82\xac", 3},
    {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4}, {"\\u0041", "A", 1},
};

static void test_escapes_everywhere(void) {
    static const char BASE[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"; /* 73 bytes */
    const size_t base_len = sizeof BASE - 1;
    const size_t short_len = 20;
    /* Long (read in place) and short (through yajl) strings, the escape at
     * every position of each, twice (two escapes side by side) too. */
    enum { MAXSRC = 4 * 74 };
    for (size_t e = 0; e < sizeof ESCAPES / sizeof ESCAPES[0]; e++) {
        char *raws[MAXSRC];
        char *texts[MAXSRC];
        size_t lens[MAXSRC];
        uint32_t n = 0;
        for (int twice = 0; twice < 2; twice++) {
            for (int longish = 0; longish < 2; longish++) {
                size_t blen = longish ? base_len : short_len;
                for (size_t at = 0; at <= blen; at++) {
                    sb_t raw = {0}, text = {0};
                    sb_puts(&raw, "\"");
                    sb_append(&raw, BASE, at);
                    sb_append(&text, BASE, at);
                    for (int k = 0; k <= twice; k++) {
                        sb_puts(&raw, ESCAPES[e].json);
                        sb_append(&text, ESCAPES[e].text, ESCAPES[e].text_len);
                    }
                    sb_append(&raw, BASE + at, blen - at);
                    sb_append(&text, BASE + at, blen - at);
                    sb_puts(&raw, "\"");
                    raws[n] = raw.s;
                    texts[n] = text.s;
                    lens[n] = text.len;
                    n++;
                }
            }
        }
        size_t len;
        char *json = map_of(n, (const char *const *)texts, lens, (const char *const *)raws, &len);
        for (int borrow = 0; borrow < 2; borrow++) {
            lsm_error_t err;
            lsm_view_t *view =
                lsm_view_from_json_ex(json, len, borrow ? LSM_LOAD_BORROW : 0, &err);
            if (!CHECK_CALL(view != NULL, err))
                continue;
            for (uint32_t i = 0; i < n; i++) {
                size_t got_len;
                const char *got = lsm_view_source_contents(view, i, &got_len, &err);
                CHECK_OK(err);
                CHECK_BYTES(got, got_len, texts[i], lens[i]);
            }
            lsm_view_free(view);
        }
        free(json);
        for (uint32_t i = 0; i < n; i++) {
            free(raws[i]);
            free(texts[i]);
        }
    }
}

/* ---------------------------------------------------- index maps */

static void test_index_map(void) {
    const char *json =
        "{\"version\":3,\"sections\":["
        "{\"offset\":{\"line\":0,\"column\":0},\"map\":{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],"
        "\"sourcesContent\":[\"" LONG_PLAIN "\",null],\"mappings\":\"AAAA,CCAA\"}},"
        "{\"offset\":{\"line\":1,\"column\":0},\"map\":{\"version\":3,\"sources\":[\"c.js\"],"
        "\"sourcesContent\":[" LONG_ESCAPED_JSON "],\"mappings\":\"AAAA\"}}]}";
    for (int borrow = 0; borrow < 2; borrow++) {
        lsm_error_t err;
        lsm_view_t *view =
            lsm_view_from_json_ex(json, strlen(json), borrow ? LSM_LOAD_BORROW : 0, &err);
        if (!CHECK_CALL(view != NULL, err))
            continue;
        CHECK_EQ(lsm_view_source_count(view), 3);
        size_t n;
        const char *s = lsm_view_source_contents(view, 0, &n, &err);
        CHECK_BYTES(s, n, LONG_PLAIN, strlen(LONG_PLAIN));
        CHECK(lsm_view_source_contents(view, 1, &n, &err) == NULL);
        CHECK_OK(err);
        s = lsm_view_source_contents(view, 2, &n, &err);
        CHECK_BYTES(s, n, LONG_ESCAPED, strlen(LONG_ESCAPED));
        lsm_view_free(view);
    }
}

/* ----------------------------------------------------- cache files */

/* The cache of a view reading its contents in place is the cache of one
 * that copied them, byte for byte, and reads back the same texts. */
static void test_cache_same_contents(void) {
    size_t len;
    char *json = map_of(5, NULL, NULL, FIVE_RAW, &len);
    const char *path = tmp_path("cache-src.map");
    write_file(path, json, len);
    uint8_t *caches[3] = {NULL, NULL, NULL};
    size_t cache_len[3] = {0, 0, 0};
    for (int how = 0; how < 3; how++) {
        lsm_error_t err;
        lsm_view_t *view = how == 2 ? lsm_view_from_path(path, 0, &err)
                                    : lsm_view_from_json_ex(json, len,
                                                            how ? LSM_LOAD_BORROW : 0, &err);
        if (!CHECK_CALL(view != NULL, err))
            continue;
        /* Half the escaped entries already unescaped, half not. */
        if (how == 1)
            (void)lsm_view_source_contents(view, 1, NULL, NULL);
        CHECK_CALL(lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &caches[how], &cache_len[how],
                                       &err) == 0,
                   err);
        lsm_view_free(view);
    }
    unlink(path);
    for (int how = 1; how < 3; how++)
        CHECK(caches[how] && cache_len[how] == cache_len[0] &&
              memcmp(caches[how], caches[0], cache_len[0]) == 0);
    lsm_error_t err;
    lsm_view_t *cached = caches[0] ? lsm_view_from_cache(caches[0], cache_len[0], &err) : NULL;
    if (CHECK_CALL(cached != NULL, err)) {
        check_five(cached);
        lsm_view_free(cached);
    }
    for (int how = 0; how < 3; how++)
        lsm_buffer_free(caches[how]);
    free(json);
}

/* ------------------------------------------------ allocation failures */

static void test_allocation_failures(void) {
    size_t len;
    char *json = map_of(5, NULL, NULL, FIVE_RAW, &len);
    int64_t base = lsm_alloc_live();
    for (int borrow = 0; borrow < 2; borrow++) {
        lsm_view_t *view = NULL;
        int rounds = 0;
        for (uint64_t n = 1; n < 10000 && !view; n++, rounds++) {
            lsm_error_t err;
            POISON(err);
            lsm_alloc_fail_after(n);
            view = lsm_view_from_json_ex(json, len, borrow ? LSM_LOAD_BORROW : 0, &err);
            lsm_alloc_fail_after(0);
            if (!view) {
                CHECK_ERR(err, LSM_ERR_NOMEM);
                CHECK_EQ(lsm_alloc_live(), base);
            }
        }
        CHECK(rounds > 3);
        if (!view)
            continue;
        /* The first unescaping fails, the next one succeeds. */
        int64_t live = lsm_alloc_live();
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(1);
        size_t n = 7;
        CHECK(lsm_view_source_contents(view, 1, &n, &err) == NULL);
        lsm_alloc_fail_after(0);
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(n, 0);
        CHECK_EQ(lsm_alloc_live(), live);
        /* Asking whether there are contents allocates nothing. */
        lsm_alloc_fail_after(1);
        CHECK_EQ(lsm_view_has_source_contents(view, 1, &err), 1);
        lsm_alloc_fail_after(0);
        /* A cache or JSON written meanwhile fails as out of memory. */
        uint8_t *out = NULL;
        size_t out_len = 0;
        bool failed_once = false;
        for (uint64_t k = 1; k < 100; k++) {
            lsm_alloc_fail_after(k);
            int rc = lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &out, &out_len, &err);
            lsm_alloc_fail_after(0);
            if (rc == 0)
                break;
            failed_once = true;
            CHECK_ERR(err, LSM_ERR_NOMEM);
        }
        CHECK(failed_once && out != NULL);
        lsm_buffer_free(out);
        check_five(view);
        lsm_view_free(view);
        CHECK_EQ(lsm_alloc_live(), base);
    }
    free(json);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "%s/lsm-contents-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(tmpdir))
        check_bail("cannot make a temporary directory");
    RUN(test_eight_threads);
    RUN(test_borrow_flag);
    RUN(test_error_offsets);
    RUN(test_escapes_everywhere);
    RUN(test_index_map);
    RUN(test_cache_same_contents);
    RUN(test_allocation_failures);
    rmdir(tmpdir);
    return check_finish();
}
