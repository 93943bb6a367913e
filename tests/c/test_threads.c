/* Thread safety as the header states it: many threads reading one view
 * at once get the answers a single thread gets, and threads loading and
 * freeing different views at once do not disturb one another, and many
 * threads naming positions through one namer get a single thread's names
 * while it builds each source's scopes on first use. Most useful
 * under a sanitizer or valgrind (helgrind/drd also work on it). */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

#define THREADS 4
#define PROBES 6000

static uint32_t probe_line[PROBES], probe_col[PROBES];
static lsm_token_t expected[3][PROBES];
static int expected_rc[3][PROBES];

/* A map of a few thousand tokens over a few hundred lines, some lines
 * unsorted, some empty, 1-, 4- and 5-field segments. */
static char *big_map(uint64_t seed, size_t *len) {
    mappings_writer_t mw = {0};
    uint64_t x = seed;
    for (uint32_t line = 0; line < 300; line++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t count = (uint32_t)(x >> 60);   /* 0..15, lines with none too */
        for (uint32_t i = 0; i < count; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t col = (uint32_t)(x >> 40) % 200;
            int fields = (x >> 20) % 7 == 0 ? 1 : (x >> 22) % 2 ? 5 : 4;
            mw_segment(&mw, line, col, fields, (uint32_t)(x >> 24) % 5, line + i,
                       (uint32_t)(x >> 28) % 80, (uint32_t)(x >> 32) % 7);
        }
    }
    sb_t sb = {0};
    sb_printf(&sb,
              "{\"version\":3,\"sourceRoot\":\"root\",\"sources\":[\"a\",\"b\",null,\"d\",\"e\"],"
              "\"names\":[\"n0\",\"n1\",\"n2\",\"n3\",\"n4\",\"n5\",\"n6\"],\"mappings\":\"%s\"}",
              sb_str(&mw.sb));
    sb_free(&mw.sb);
    *len = sb.len;
    return sb.s;
}

typedef struct reader_arg {
    const lsm_view_t *view;
    int index;
    int mismatches;
} reader_arg_t;

static void *reader(void *p) {
    reader_arg_t *arg = p;
    lsm_token_t *many = malloc(PROBES * sizeof *many);
    if (!many)
        abort();
    for (int round = 0; round < 4; round++) {
        /* Each thread walks the probes from a different start. */
        for (int k = 0; k < PROBES; k++) {
            int i = (k + arg->index * PROBES / THREADS) % PROBES;
            int rule = (i + round) % 3;
            lsm_token_t t;
            lsm_error_t err;
            int rc = lsm_lookup_ex(arg->view, probe_line[i], probe_col[i], rule, &t, &err);
            if (rc != expected_rc[rule][i] || !token_equal(&t, &expected[rule][i], true) ||
                err.code != LSM_OK)
                arg->mismatches++;
        }
        int rule = round % 3;
        int64_t found = lsm_lookup_many(arg->view, probe_line, probe_col, PROBES, rule, many, NULL);
        int64_t want = 0;
        for (int i = 0; i < PROBES; i++) {
            want += expected_rc[rule][i] == 1;
            if (expected_rc[rule][i] == 1 ? !token_equal(&many[i], &expected[rule][i], true)
                                          : !token_is_none(&many[i]))
                arg->mismatches++;
        }
        if (found != want)
            arg->mismatches++;
        /* Token reads and strings too. */
        for (uint32_t i = 0; i < lsm_view_token_count(arg->view); i += 7) {
            lsm_token_t t;
            if (lsm_view_get_token(arg->view, i, &t, NULL) != 0)
                arg->mismatches++;
        }
        for (uint32_t i = 0; i < lsm_view_source_count(arg->view); i++)
            (void)lsm_view_source_url(arg->view, i, NULL, NULL);
    }
    free(many);
    return NULL;
}

static void test_shared_view(void) {
    size_t len;
    char *json = big_map(42, &len);
    lsm_view_t *view = lsm_view_from_json(json, len, NULL);
    free(json);
    if (!view) {
        check_fail(__FILE__, __LINE__, "the map does not load");
        return;
    }
    printf("# %u tokens on %u lines\n", lsm_view_token_count(view), lsm_view_line_count(view));
    uint64_t x = 7;
    for (int i = 0; i < PROBES; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        probe_line[i] = (uint32_t)(x >> 40) % 310;
        probe_col[i] = (uint32_t)(x >> 20) % 210;
    }
    for (int rule = 0; rule < 3; rule++)
        for (int i = 0; i < PROBES; i++)
            expected_rc[rule][i] =
                lsm_lookup_ex(view, probe_line[i], probe_col[i], rule, &expected[rule][i], NULL);

    pthread_t threads[THREADS];
    reader_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (reader_arg_t){view, i, 0};
        CHECK_EQ(pthread_create(&threads[i], NULL, reader, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
        if (args[i].mismatches)
            check_fail(__FILE__, __LINE__, "thread %d: %d answers differ", i, args[i].mismatches);
    }
    lsm_view_free(view);
}

/* Threads each loading, reading and freeing their own views, built from
 * different maps; each compares with a dump made before the threads. */
typedef struct loader_arg {
    char *json;
    size_t len;
    char *want;          /* the token dump */
    int failures;
} loader_arg_t;

static void *loader(void *p) {
    loader_arg_t *arg = p;
    for (int round = 0; round < 6; round++) {
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_json(arg->json, arg->len, &err);
        if (!view) {
            arg->failures++;
            continue;
        }
        sb_t have = {0};
        view_tokens_text(view, &have);
        if (strcmp(have.s, arg->want) != 0)
            arg->failures++;
        sb_free(&have);
        /* An error path too. */
        if (lsm_view_from_json(arg->json, arg->len / 2, &err) != NULL || err.code != LSM_ERR_JSON)
            arg->failures++;
        lsm_view_free(view);
    }
    return NULL;
}

static void test_parallel_loads(void) {
    int64_t live = lsm_alloc_live();
    loader_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i].json = big_map(1000 + (uint64_t)i, &args[i].len);
        args[i].failures = 0;
        lsm_view_t *view = lsm_view_from_json(args[i].json, args[i].len, NULL);
        sb_t dump = {0};
        view_tokens_text(view, &dump);
        args[i].want = dump.s;
        lsm_view_free(view);
    }
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, loader, &args[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
        if (args[i].failures)
            check_fail(__FILE__, __LINE__, "thread %d: %d failures", i, args[i].failures);
        free(args[i].json);
        free(args[i].want);
    }
    /* The allocation counters are atomic: balanced after the threads. */
    CHECK_EQ(lsm_alloc_live(), live);
}

/* ------------------------------------------------------------ one namer */

#define NAMER_THREADS 8
#define NAMER_ROUNDS 8

/* Original names of the esbuild fixture's functions, for a position just
 * inside each body (its first `{` after `function <minified>(`). */
static const struct {
    const char *minified, *original;
} namer_expected[] = {
    {"f", "gr\xc3\xbc\xc3\x9f" "e"}, {"g", "words"},         {"w", "isEmail"},
    {"x", "slugify"},                    {"y", "html"},          {"$", "stats"},
    {"F", "checkRange"},                 {"I", "normalizeEntry"}, {"M", "normalizeAll"},
    {"d", "processBatch"},               {"h", "tryProcess"},    {"L", "fetchItem"},
    {"E", "retry"},                      {"z", "geometryDemo"},  {"b", "textDemo"},
    {"k", "errorDemo"},                  {"S", "crash"},         {"v", "asyncDemo"},
    {"B", "run"},
};
#define NAMER_EXPECTED (sizeof namer_expected / sizeof namer_expected[0])

typedef struct namer_probe {
    uint32_t line, col;
    int rc, how;
    char name[64];
    size_t len;
} namer_probe_t;

typedef struct namer_arg {
    lsm_js_namer_t *namer;
    const lsm_view_t *view;
    pthread_barrier_t *start;
    const namer_probe_t *probes;
    size_t nprobes;
    int index;
    int mismatches;
} namer_arg_t;

static int name_probe(lsm_js_namer_t *N, const namer_probe_t *want) {
    char buf[64];
    size_t len = 0;
    int how = -1;
    lsm_error_t err;
    int rc = lsm_js_namer_name_at(N, want->line, want->col, buf, sizeof buf, &len, &how, &err);
    if (rc != want->rc || how != want->how || err.code != LSM_OK)
        return 1;
    return rc == 1 && (len != want->len || memcmp(buf, want->name, len) != 0);
}

static void *namer_worker(void *p) {
    namer_arg_t *arg = p;
    pthread_barrier_wait(arg->start);
    for (size_t k = 0; k < arg->nprobes; k++) {
        /* Each thread walks the positions from a different start. */
        size_t i = (k + (size_t)arg->index * arg->nprobes / NAMER_THREADS) % arg->nprobes;
        arg->mismatches += name_probe(arg->namer, &arg->probes[i]);
        if (arg->index == 0 && k == arg->nprobes / 2) {
            /* Replacing a source with the same text while the others
             * read it changes no answer. */
            size_t len = 0;
            const char *text = lsm_view_source_contents(arg->view, 0, &len, NULL);
            if (!text || lsm_js_namer_set_source(arg->namer, 0, text, len, NULL) != 0)
                arg->mismatches++;
        }
    }
    return NULL;
}

static void test_shared_namer(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    size_t gen_len = 0, map_len = 0;
    char *gen = read_file(path_join(dir, "esbuild/app.min.js"), &gen_len);
    char *json = read_file(path_join(dir, "esbuild/app.min.js.map"), &map_len);
    lsm_error_t err;
    lsm_view_t *view = json ? lsm_view_from_json(json, map_len, &err) : NULL;
    if (!gen || !view) {
        check_fail(__FILE__, __LINE__, "cannot read the esbuild fixture");
        free(gen);
        free(json);
        lsm_view_free(view);
        return;
    }
    free(json);
    /* The view unescapes contents on first access and keeps them: read
     * them all once, so that what follows must allocate nothing lasting. */
    for (uint32_t i = 0; i < lsm_view_source_count(view); i++)
        CHECK_CALL(lsm_view_source_contents(view, i, NULL, &err) != NULL || err.code == 0, err);
    int64_t live = lsm_alloc_live();

    /* The positions: every column of every line, answered by one thread
     * with its own namer. */
    lsm_js_namer_t *N = lsm_js_namer_new(view, gen, gen_len, LSM_NAMES_DEFAULT, &err);
    CHECK_CALL(N != NULL, err);
    namer_probe_t *probes = calloc(gen_len + 1, sizeof *probes);
    if (!N || !probes)
        abort();
    size_t nprobes = 0, named = 0;
    uint32_t line = 0, col = 0;
    for (size_t i = 0; i < gen_len; i++) {
        namer_probe_t *q = &probes[nprobes++];
        q->line = line;
        q->col = col;
        q->rc = lsm_js_namer_name_at(N, line, col, q->name, sizeof q->name, &q->len, &q->how,
                                     NULL);
        named += q->rc == 1;
        if (gen[i] == '\n') {
            line++;
            col = 0;
        } else if (((uint8_t)gen[i] & 0xC0) != 0x80) {
            col += ((uint8_t)gen[i] & 0xF8) == 0xF0 ? 2 : 1;
        }
    }
    printf("# %zu positions, %zu named\n", nprobes, named);
    CHECK(named > nprobes / 2);

    /* Exact names at the known positions. */
    for (size_t e = 0; e < NAMER_EXPECTED; e++) {
        char marker[32];
        snprintf(marker, sizeof marker, "function %s(", namer_expected[e].minified);
        const char *at = strstr(gen, marker);
        const char *body = at ? strchr(at, '{') : NULL;
        if (!body) {
            check_fail(__FILE__, __LINE__, "no %s in the fixture", marker);
            continue;
        }
        size_t off = (size_t)(body + 1 - gen);
        const namer_probe_t *q = &probes[off];
        CHECK_EQ(q->rc, 1);
        CHECK_EQ(q->how, LSM_NAME_FROM_ORIGINAL);
        CHECK_STR(q->name, q->len, namer_expected[e].original);
    }
    lsm_js_namer_free(N);

    /* Each round a fresh namer, so that the threads race to build each
     * source's scopes and line starts. */
    for (int round = 0; round < NAMER_ROUNDS; round++) {
        N = lsm_js_namer_new(view, gen, gen_len, LSM_NAMES_DEFAULT, NULL);
        if (!N)
            abort();
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, NAMER_THREADS);
        pthread_t threads[NAMER_THREADS];
        namer_arg_t args[NAMER_THREADS];
        for (int i = 0; i < NAMER_THREADS; i++) {
            args[i] = (namer_arg_t){N, view, &start, probes, nprobes, i, 0};
            CHECK_EQ(pthread_create(&threads[i], NULL, namer_worker, &args[i]), 0);
        }
        for (int i = 0; i < NAMER_THREADS; i++) {
            CHECK_EQ(pthread_join(threads[i], NULL), 0);
            if (args[i].mismatches)
                check_fail(__FILE__, __LINE__, "round %d thread %d: %d names differ", round, i,
                           args[i].mismatches);
        }
        pthread_barrier_destroy(&start);
        lsm_js_namer_free(N);
    }
    CHECK_EQ(lsm_alloc_live(), live);
    free(probes);
    free(gen);
    lsm_view_free(view);
}

int main(void) {
    RUN(test_shared_view);
    RUN(test_parallel_loads);
    RUN(test_shared_namer);
    return check_finish();
}
