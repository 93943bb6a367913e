/* The public API, function by function, against the contracts written in
 * include/libsourcemap.h: arguments that are NULL or out of range, the
 * error struct (poisoned before every fallible call, every field checked
 * after it), borrowed strings, properties, tokens and the lookup rules. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

/* -------------------------------------------------------------- helpers */

/* Parses `json` (which must be valid) or fails the subtest. */
static lsm_view_t *load_len(const char *json, size_t len, int line) {
    lsm_error_t err;
    POISON(err);
    lsm_view_t *view = lsm_view_from_json(json, len, &err);
    if (!view) {
        check_fail(__FILE__, line, "loading a map failed");
        check_print_error(&err);
        return NULL;
    }
    check_cleared(__FILE__, line, "load", &err);
    return view;
}
#define LOAD(json) load_len((json), strlen(json), __LINE__)

/* Parses `json`, which must fail with `code`; returns the error. */
static lsm_error_t load_fail_len(const char *json, size_t len, int code, int line) {
    lsm_error_t err;
    POISON(err);
    lsm_view_t *view = lsm_view_from_json(json, len, &err);
    if (view) {
        check_fail(__FILE__, line, "expected %s, but the map loaded", lsm_error_name(code));
        lsm_view_free(view);
    } else {
        check_filled(__FILE__, line, "load", &err, code);
    }
    return err;
}
#define LOAD_FAIL(json, code) load_fail_len((json), strlen(json), (code), __LINE__)

static size_t slen(const char *s) {
    return s ? strlen(s) : 0;
}

static void expect_token(const char *file, int line, const lsm_token_t *t, uint32_t dst_line,
                         uint32_t dst_col, uint32_t src_id, uint32_t src_line, uint32_t src_col,
                         uint32_t name_id, const char *src, const char *name, size_t name_len) {
    lsm_token_t want = {dst_line, dst_col, src_line, src_col, src_id, name_id,
                        src,      src ? strlen(src) : 0,     name, name ? name_len : 0};
    check_state.total_checks++;
    if (!token_equal(t, &want, false)) {
        check_fail(file, line, "token differs");
        token_print("got ", t);
        token_print("want", &want);
    }
    if (t->src && t->src[t->src_len] != 0)
        check_fail(file, line, "token src not NUL-terminated");
    if (t->name && t->name[t->name_len] != 0)
        check_fail(file, line, "token name not NUL-terminated");
}
#define EXPECT_TOKEN(t, dl, dc, sid, sl, sc, nid, src, name)                                 \
    expect_token(__FILE__, __LINE__, (t), (dl), (dc), (sid), (sl), (sc), (nid), (src), (name), \
                 slen(name))
#define EXPECT_UNMAPPED(t, dl, dc)                                                           \
    expect_token(__FILE__, __LINE__, (t), (dl), (dc), LSM_NO_ID, LSM_NO_ID, LSM_NO_ID,       \
                 LSM_NO_ID, NULL, NULL, 0)
#define EXPECT_NONE(t)                                                                       \
    do {                                                                                     \
        check_state.total_checks++;                                                          \
        if (!token_is_none(t)) {                                                             \
            check_fail(__FILE__, __LINE__, "expected a token of LSM_NO_ID fields");          \
            token_print("got", (t));                                                         \
        }                                                                                    \
    } while (0)

/* ------------------------------------------------------------ the map */

#define N_NAME1 "b\0r"
#define N_NAME2 "\xc3\xa9\xf0\x9f\x98\x80"
#define DEBUG_ID "85314830-023f-4cf1-a267-535f4e37bb17"

/* A regular map with a bit of everything; its tokens in generated order:
 *   0 (0,0)  src 0 (0,0)
 *   1 (0,5)  src 0 (1,2)  name 0 "foo"
 *   2 (0,9)  1-field
 *   3 (0,12) src 2 (3,4)  name 1 "b\0r"
 *     line 1 empty
 *   4 (2,3)  src 2 (5,6)
 *   5 (2,3)  src 0 (7,8)  name 2 (same position as 4, later in the file)
 *   6 (2,10) src 0 (9,10)
 *   7 (3,0)  1-field
 *   8 (4,7)  src 0 (11,0)
 * Line 2 is written out of order (10 before 3) to exercise the sort. */
static char *full_map(void) {
    mappings_writer_t mw = {0};
    mw_segment(&mw, 0, 0, 4, 0, 0, 0, 0);
    mw_segment(&mw, 0, 5, 5, 0, 1, 2, 0);
    mw_segment(&mw, 0, 9, 1, 0, 0, 0, 0);
    mw_segment(&mw, 0, 12, 5, 2, 3, 4, 1);
    mw_segment(&mw, 2, 10, 4, 0, 9, 10, 0);
    mw_segment(&mw, 2, 3, 4, 2, 5, 6, 0);
    mw_segment(&mw, 2, 3, 5, 0, 7, 8, 2);
    mw_segment(&mw, 3, 0, 1, 0, 0, 0, 0);
    mw_segment(&mw, 4, 7, 4, 0, 11, 0, 0);
    sb_t sb = {0};
    sb_printf(&sb,
              "{\"version\":3,\"file\":\"out.js\",\"sourceRoot\":\"src\","
              "\"sources\":[\"a.js\",null,\"b.js\"],"
              "\"sourcesContent\":[\"A\\u0000B\",null],"
              "\"names\":[\"foo\",\"b\\u0000r\",\"\\u00e9\\ud83d\\ude00\"],"
              "\"mappings\":\"%s\",\"ignoreList\":[2],\"debugId\":\"%s\"}",
              sb_str(&mw.sb), DEBUG_ID);
    sb_free(&mw.sb);
    return sb.s;
}

static lsm_view_t *load_full(void) {
    char *json = full_map();
    lsm_view_t *view = LOAD(json);
    free(json);
    if (!view)
        check_bail("the main test map does not load");
    return view;
}

static const char MINIMAL[] = "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\"}";

/* ------------------------------------------------------------- version */

static void test_version(void) {
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", LSM_VERSION_MAJOR, LSM_VERSION_MINOR,
             LSM_VERSION_PATCH);
    CHECK_CSTR(LSM_VERSION_STRING, want);
    CHECK_CSTR(lsm_version(), LSM_VERSION_STRING);
    CHECK_EQ(LSM_VERSION_NUMBER,
             LSM_VERSION_MAJOR * 10000 + LSM_VERSION_MINOR * 100 + LSM_VERSION_PATCH);
    CHECK_EQ(lsm_version_number(), LSM_VERSION_NUMBER);
    CHECK(lsm_version() == lsm_version()); /* static, never freed */
}

/* -------------------------------------------------------------- errors */

#define CODE(c) {c, #c}
static const struct {
    int code;
    const char *name;
} CODES[] = {
    CODE(LSM_OK),
    CODE(LSM_ERR_NOMEM),
    CODE(LSM_ERR_INVALID_ARGUMENT),
    CODE(LSM_ERR_OUT_OF_RANGE),
    CODE(LSM_ERR_IO),
    CODE(LSM_ERR_TOO_LARGE),
    CODE(LSM_ERR_JSON),
    CODE(LSM_ERR_JSON_DEPTH),
    CODE(LSM_ERR_INVALID_UTF8),
    CODE(LSM_ERR_NOT_AN_OBJECT),
    CODE(LSM_ERR_MISSING_VERSION),
    CODE(LSM_ERR_UNSUPPORTED_VERSION),
    CODE(LSM_ERR_BAD_FILE),
    CODE(LSM_ERR_BAD_SOURCE_ROOT),
    CODE(LSM_ERR_BAD_SOURCES),
    CODE(LSM_ERR_BAD_SOURCES_CONTENT),
    CODE(LSM_ERR_BAD_NAMES),
    CODE(LSM_ERR_BAD_IGNORE_LIST),
    CODE(LSM_ERR_IGNORE_LIST_OUT_OF_RANGE),
    CODE(LSM_ERR_MISSING_MAPPINGS),
    CODE(LSM_ERR_BAD_MAPPINGS),
    CODE(LSM_ERR_BAD_DEBUG_ID),
    CODE(LSM_ERR_VLQ_INVALID_DIGIT),
    CODE(LSM_ERR_VLQ_UNTERMINATED),
    CODE(LSM_ERR_VLQ_OVERFLOW),
    CODE(LSM_ERR_NEGATIVE_VALUE),
    CODE(LSM_ERR_SEGMENT_LENGTH),
    CODE(LSM_ERR_SOURCE_OUT_OF_RANGE),
    CODE(LSM_ERR_NAME_OUT_OF_RANGE),
    CODE(LSM_ERR_BAD_SECTIONS),
    CODE(LSM_ERR_BAD_OFFSET),
    CODE(LSM_ERR_SECTION_ORDER),
    CODE(LSM_ERR_SECTION_URL),
    CODE(LSM_ERR_NESTED_INDEX),
    CODE(LSM_ERR_INDEX_AND_MAPPINGS),
    CODE(LSM_ERR_INDEX_MAP),
    CODE(LSM_ERR_CACHE_MAGIC),
    CODE(LSM_ERR_CACHE_VERSION),
    CODE(LSM_ERR_CACHE_TRUNCATED),
    CODE(LSM_ERR_CACHE_CORRUPT),
    CODE(LSM_ERR_NO_SOURCE),
};
#define N_CODES (sizeof CODES / sizeof CODES[0])

static void check_description(int code, const char *name) {
    const char *d = lsm_error_describe(code);
    CHECK(d != NULL);
    if (!d)
        return;
    size_t n = strlen(d);
    if (n == 0 || d[n - 1] == '.' || strchr(d, '\n') || strcmp(d, lsm_error_describe(-12345)) == 0)
        check_fail(__FILE__, __LINE__, "%s: bad description \"%s\"", name, d);
}

static void test_error_names(void) {
    for (size_t i = 0; i < N_CODES; i++) {
        CHECK_CSTR(lsm_error_name(CODES[i].code), CODES[i].name);
        check_description(CODES[i].code, CODES[i].name);
        for (size_t k = 0; k < i; k++)
            if (CODES[k].code == CODES[i].code)
                check_fail(__FILE__, __LINE__, "%s and %s share number %d", CODES[k].name,
                           CODES[i].name, CODES[i].code);
    }
    /* Pinned numbers (a code keeps its number forever). */
    CHECK_EQ(LSM_ERR_NOMEM, 10);
    CHECK_EQ(LSM_ERR_JSON, 20);
    CHECK_EQ(LSM_ERR_MISSING_VERSION, 30);
    CHECK_EQ(LSM_ERR_VLQ_INVALID_DIGIT, 50);
    CHECK_EQ(LSM_ERR_BAD_SECTIONS, 60);
    CHECK_EQ(LSM_ERR_CACHE_MAGIC, 70);
    CHECK_EQ(LSM_ERR_NO_SOURCE, 80);
    CHECK_EQ(LSM_NO_ID, 4294967295u);
}

/* Every "#define LSM_OK|LSM_ERR_* <number>" in the header as it is now, so
 * that a code added there without an entry in the library's table (in
 * src/error.c) is caught. */
static void test_error_names_from_header(void) {
    const char *path = getenv("LSM_HEADER");
    if (!path) {
        printf("# LSM_HEADER not set, skipping\n");
        return;
    }
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        check_fail(__FILE__, __LINE__, "cannot read %s: %s", path, strerror(errno));
        return;
    }
    int seen = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64];
        int code;
        if (sscanf(line, "#define %63s %d", name, &code) != 2)
            continue;
        if (strcmp(name, "LSM_OK") != 0 && strncmp(name, "LSM_ERR_", 8) != 0)
            continue;
        seen++;
        CHECK_CSTR(lsm_error_name(code), name);
        check_description(code, name);
    }
    /* Every code of this test's table is still in the header. */
    CHECK(seen >= (int)N_CODES);
    free(text);
}

static void test_error_names_unknown(void) {
    const int unknown[] = {-1, 1, 9, 15, 19, 24, 29, 43, 49, 57, 67, 74, 79, 81, 99, 1000,
                           INT_MAX, INT_MIN};
    const char *generic = lsm_error_describe(unknown[0]);
    CHECK(generic != NULL && generic[0] != 0);
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_CSTR(lsm_error_name(unknown[i]), "LSM_ERR_UNKNOWN");
        CHECK_CSTR(lsm_error_describe(unknown[i]), generic);
    }
}

/* ------------------------------------------------ arguments and misuse */

static void test_null_view(void) {
    lsm_error_t err;
    lsm_token_t tok;
    size_t len;
    uint32_t count;
    uint32_t lines[1] = {0}, cols[1] = {0};

    CHECK_EQ(lsm_view_is_index(NULL), 0);
    CHECK_EQ(lsm_view_token_count(NULL), 0);
    CHECK_EQ(lsm_view_line_count(NULL), 0);
    CHECK_EQ(lsm_view_source_count(NULL), 0);
    CHECK_EQ(lsm_view_name_count(NULL), 0);
    lsm_view_free(NULL);

    POISON(err);
    CHECK_EQ(lsm_view_get_token(NULL, 0, &tok, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup(NULL, 0, 0, &tok, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    for (int rule = 0; rule < 3; rule++) {
        POISON(err);
        CHECK_EQ(lsm_lookup_ex(NULL, 0, 0, rule, &tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
        POISON(err);
        CHECK_EQ(lsm_lookup_many(NULL, lines, cols, 1, rule, &tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    }

    const char *(*getters[])(const lsm_view_t *, uint32_t, size_t *, lsm_error_t *) = {
        lsm_view_source_name, lsm_view_source_url, lsm_view_source_contents, lsm_view_name};
    for (size_t i = 0; i < sizeof getters / sizeof getters[0]; i++) {
        POISON(err);
        len = 12345;
        CHECK(getters[i](NULL, 0, &len, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
        POISON(err);
        CHECK(getters[i](NULL, 0, NULL, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    }
    POISON(err);
    CHECK_EQ(lsm_view_has_source_contents(NULL, 0, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);

    const char *(*props[])(const lsm_view_t *, size_t *) = {lsm_view_file, lsm_view_source_root,
                                                            lsm_view_debug_id};
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        len = 12345;
        CHECK(props[i](NULL, &len) == NULL);
        CHECK_EQ(len, 0);
        CHECK(props[i](NULL, NULL) == NULL);
    }
    count = 12345;
    CHECK(lsm_view_ignore_list(NULL, &count) == NULL);
    CHECK_EQ(count, 0);
    CHECK_EQ(lsm_view_is_ignored(NULL, 0), 0);
}

static void test_null_out_and_arrays(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t toks[2];
    uint32_t lines[2] = {0, 2}, cols[2] = {0, 3};

    POISON(err);
    CHECK_EQ(lsm_view_get_token(view, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup(view, 0, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_ex(view, 0, 0, LSM_RULE_SAME_LINE, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);

    /* NULL arrays with a nonzero count are misuse; with 0 they are fine. */
    POISON(err);
    CHECK_EQ(lsm_lookup_many(view, NULL, cols, 2, 0, toks, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_many(view, lines, NULL, 2, 0, toks, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_many(view, lines, cols, 2, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_many(view, NULL, NULL, 0, 0, NULL, &err), 0);
    CHECK_OK(err);

    /* `len` may be NULL everywhere. */
    POISON(err);
    CHECK_CSTR(lsm_view_source_name(view, 0, NULL, &err), "a.js");
    CHECK_OK(err);
    POISON(err);
    CHECK_CSTR(lsm_view_source_url(view, 0, NULL, &err), "src/a.js");
    CHECK_OK(err);
    POISON(err);
    CHECK(lsm_view_source_contents(view, 0, NULL, &err) != NULL);
    CHECK_OK(err);
    POISON(err);
    CHECK_CSTR(lsm_view_name(view, 0, NULL, &err), "foo");
    CHECK_OK(err);
    CHECK_CSTR(lsm_view_file(view, NULL), "out.js");
    CHECK_CSTR(lsm_view_source_root(view, NULL), "src");
    CHECK_CSTR(lsm_view_debug_id(view, NULL), DEBUG_ID);
    lsm_view_free(view);
}

static void test_out_of_range(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t tok;
    size_t len;
    const uint32_t bad_tokens[] = {9, 10, UINT32_MAX - 1, UINT32_MAX};
    CHECK_EQ(lsm_view_token_count(view), 9);
    for (size_t i = 0; i < sizeof bad_tokens / sizeof bad_tokens[0]; i++) {
        POISON(err);
        CHECK_EQ(lsm_view_get_token(view, bad_tokens[i], &tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    }
    const char *(*getters[])(const lsm_view_t *, uint32_t, size_t *, lsm_error_t *) = {
        lsm_view_source_name, lsm_view_source_url, lsm_view_source_contents};
    const uint32_t bad_sources[] = {3, 4, UINT32_MAX};
    for (size_t g = 0; g < 3; g++) {
        for (size_t i = 0; i < 3; i++) {
            POISON(err);
            len = 12345;
            CHECK(getters[g](view, bad_sources[i], &len, &err) == NULL);
            CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
            CHECK_EQ(len, 0);
        }
    }
    for (size_t i = 0; i < 3; i++) {
        POISON(err);
        CHECK_EQ(lsm_view_has_source_contents(view, bad_sources[i], &err), -1);
        CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
        CHECK_EQ(lsm_view_is_ignored(view, bad_sources[i]), 0);
    }
    const uint32_t bad_names[] = {3, 4, UINT32_MAX};
    for (size_t i = 0; i < 3; i++) {
        POISON(err);
        CHECK(lsm_view_name(view, bad_names[i], &len, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    }
    lsm_view_free(view);
}

static void test_unknown_flags(void) {
    const uint32_t flags[] = {8, 9, 16, 0x80000000u, UINT32_MAX};
    lsm_error_t err;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        POISON(err);
        CHECK(lsm_view_from_json_ex(MINIMAL, strlen(MINIMAL), flags[i], &err) == NULL);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    }
    /* The known flags are accepted, alone and together. */
    for (uint32_t f = 0; f <= (LSM_LOAD_REJECT_INDEX | LSM_LOAD_STRICT_SCOPES | LSM_LOAD_BORROW); f++) {
        POISON(err);
        lsm_view_t *view = lsm_view_from_json_ex(MINIMAL, strlen(MINIMAL), f, &err);
        CHECK_CALL(view != NULL, err);
        CHECK_OK(err);
        lsm_view_free(view);
    }
}

static void test_unknown_rule(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t tok[1];
    uint32_t line = 0, col = 0;
    const int rules[] = {-1, 3, 4, 100, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        POISON(err);
        CHECK_EQ(lsm_lookup_ex(view, 0, 0, rules[i], tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
        POISON(err);
        CHECK_EQ(lsm_lookup_many(view, &line, &col, 1, rules[i], tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
        POISON(err);
        CHECK_EQ(lsm_lookup_many(view, NULL, NULL, 0, rules[i], NULL, &err), -1);
        CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    }
    lsm_view_free(view);
}

static void test_load_arguments(void) {
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_view_from_json(NULL, 10, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_view_from_json_ex(NULL, 1, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* NULL with length 0 is an empty input: not JSON. */
    POISON(err);
    CHECK(lsm_view_from_json(NULL, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_JSON);
    POISON(err);
    CHECK(lsm_view_from_json("", 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_JSON);
    POISON(err);
    CHECK(lsm_view_from_path(NULL, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* Only `len` bytes are read: a valid map followed by garbage. */
    char buf[sizeof MINIMAL + 8];
    memcpy(buf, MINIMAL, sizeof MINIMAL - 1);
    memcpy(buf + sizeof MINIMAL - 1, "garbage!", 8);
    POISON(err);
    lsm_view_t *view = lsm_view_from_json(buf, sizeof MINIMAL - 1, &err);
    CHECK_CALL(view != NULL, err);
    CHECK_OK(err);
    lsm_view_free(view);
    /* ... and the view keeps no pointer into them. */
    char *copy = strdup(MINIMAL);
    view = LOAD(copy);
    memset(copy, 'x', strlen(copy));
    free(copy);
    lsm_token_t tok;
    POISON(err);
    CHECK_EQ(lsm_lookup(view, 0, 0, &tok, &err), 1);
    CHECK_OK(err);
    EXPECT_TOKEN(&tok, 0, 0, 0, 0, 0, LSM_NO_ID, "a.js", NULL);
    lsm_view_free(view);
}

/* Every fallible function with err == NULL, on success and failure. */
static void test_null_err_accepted(void) {
    lsm_view_t *view = lsm_view_from_json(MINIMAL, strlen(MINIMAL), NULL);
    CHECK(view != NULL);
    CHECK(lsm_view_from_json("{", 1, NULL) == NULL);
    CHECK(lsm_view_from_json_ex(MINIMAL, strlen(MINIMAL), 99, NULL) == NULL);
    CHECK(lsm_view_from_path("/nonexistent/libsourcemap-test.map", 0, NULL) == NULL);
    lsm_token_t tok;
    uint32_t line = 0, col = 0;
    CHECK_EQ(lsm_view_get_token(view, 0, &tok, NULL), 0);
    CHECK_EQ(lsm_view_get_token(view, 5, &tok, NULL), -1);
    CHECK_EQ(lsm_lookup(view, 0, 0, &tok, NULL), 1);
    CHECK_EQ(lsm_lookup(NULL, 0, 0, &tok, NULL), -1);
    CHECK_EQ(lsm_lookup_ex(view, 0, 0, 7, &tok, NULL), -1);
    CHECK_EQ(lsm_lookup_many(view, &line, &col, 1, 0, &tok, NULL), 1);
    CHECK_EQ(lsm_lookup_many(view, &line, &col, 1, 9, &tok, NULL), -1);
    CHECK(lsm_view_source_name(view, 0, NULL, NULL) != NULL);
    CHECK(lsm_view_source_name(view, 1, NULL, NULL) == NULL);
    CHECK(lsm_view_source_url(view, 1, NULL, NULL) == NULL);
    CHECK(lsm_view_source_contents(view, 0, NULL, NULL) == NULL);
    CHECK_EQ(lsm_view_has_source_contents(view, 0, NULL), 0);
    CHECK_EQ(lsm_view_has_source_contents(view, 1, NULL), -1);
    CHECK(lsm_view_name(view, 0, NULL, NULL) == NULL);
    uint8_t *buf = (uint8_t *)&line;
    size_t buf_len = 1;
    (void)lsm_view_dump_cache(NULL, LSM_CACHE_DEFAULT, &buf, &buf_len, NULL);
    CHECK(buf == NULL);
    CHECK_EQ(buf_len, 0);
    lsm_view_free(view);
}

/* The brief's poison is 0xff, which leaves the int64 fields at -1 (their
 * cleared value): poison with another byte too, to see them written. */
static void test_error_struct_every_field(void) {
    const int patterns[] = {0xff, 0x5a, 0x00};
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        lsm_error_t err;
        lsm_token_t tok;
        memset(&err, patterns[p], sizeof err);
        lsm_view_t *view = lsm_view_from_json(MINIMAL, strlen(MINIMAL), &err);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK_EQ(lsm_view_get_token(view, 0, &tok, &err), 0);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK_EQ(lsm_lookup(view, 3, 3, &tok, &err), 1);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK_EQ(lsm_lookup_ex(view, 3, 3, LSM_RULE_SAME_LINE, &tok, &err), 0);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK(lsm_view_source_name(view, 0, NULL, &err) != NULL);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK(lsm_view_source_contents(view, 0, NULL, &err) == NULL);
        CHECK_OK(err);
        memset(&err, patterns[p], sizeof err);
        CHECK_EQ(lsm_view_has_source_contents(view, 0, &err), 0);
        CHECK_OK(err);

        /* Failures: the position fields are -1 where they do not apply. */
        memset(&err, patterns[p], sizeof err);
        CHECK_EQ(lsm_view_get_token(view, 1, &tok, &err), -1);
        CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
        CHECK_EQ(err.offset, -1);
        CHECK_EQ(err.line, -1);
        CHECK_EQ(err.segment, -1);
        memset(&err, patterns[p], sizeof err);
        CHECK(lsm_view_from_json("{\"version\":4}", 13, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_UNSUPPORTED_VERSION);
        CHECK_EQ(err.line, -1);
        CHECK_EQ(err.segment, -1);
        memset(&err, patterns[p], sizeof err);
        CHECK(lsm_view_from_path("/nonexistent/x.map", 0, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_IO);
        CHECK_EQ(err.offset, -1);
        CHECK_EQ(err.line, -1);
        CHECK_EQ(err.segment, -1);
        lsm_view_free(view);
    }
}

/* --------------------------------------------------- borrowed strings */

static void test_borrowed_strings(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    size_t len;
    const char *s;

    POISON(err);
    s = lsm_view_name(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_STR(s, len, "foo");
    POISON(err);
    s = lsm_view_name(view, 1, &len, &err);
    CHECK_OK(err);
    CHECK_MEM(s, len, N_NAME1, 3);   /* "\u0000" inside: length 3, NUL after */
    POISON(err);
    s = lsm_view_name(view, 2, &len, &err);
    CHECK_OK(err);
    CHECK_MEM(s, len, N_NAME2, 6);   /* é and a surrogate pair, as UTF-8 */
    CHECK_EQ(lsm_view_name_count(view), 3);

    POISON(err);
    s = lsm_view_source_contents(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_MEM(s, len, "A\0B", 3);
    /* A JSON null entry, and an entry past a short sourcesContent. */
    for (uint32_t i = 1; i < 3; i++) {
        POISON(err);
        len = 12345;
        CHECK(lsm_view_source_contents(view, i, &len, &err) == NULL);
        CHECK_OK(err);
        CHECK_EQ(len, 0);
    }
    POISON(err);
    CHECK_EQ(lsm_view_has_source_contents(view, 0, &err), 1);
    CHECK_OK(err);
    for (uint32_t i = 1; i < 3; i++) {
        POISON(err);
        CHECK_EQ(lsm_view_has_source_contents(view, i, &err), 0);
        CHECK_OK(err);
    }

    /* The same pointer every time: borrowed, not copied per call. */
    const char *a = lsm_view_name(view, 0, NULL, NULL);
    const char *b = lsm_view_name(view, 0, NULL, NULL);
    CHECK(a == b);

    /* Tokens borrow the same strings. */
    lsm_token_t tok;
    POISON(err);
    CHECK_EQ(lsm_view_get_token(view, 3, &tok, &err), 0);
    CHECK_OK(err);
    CHECK_MEM(tok.name, tok.name_len, N_NAME1, 3);
    CHECK(tok.name == lsm_view_name(view, 1, NULL, NULL));
    CHECK(tok.src == lsm_view_source_url(view, 2, NULL, NULL));
    lsm_view_free(view);

    /* NULs and non-ASCII in file, sourceRoot, debugId and sources. */
    static const char json[] =
        "{\"version\":3,\"file\":\"o\\u0000t\",\"sourceRoot\":\"r\\u0000\","
        "\"debugId\":\"\\u00e9\",\"sources\":[\"\\u0000\",\"\"],\"names\":[\"\"],"
        "\"sourcesContent\":[\"\"],\"mappings\":\"AAAAA\"}";
    view = LOAD(json);
    if (!view)
        return;
    s = lsm_view_file(view, &len);
    CHECK_MEM(s, len, "o\0t", 3);
    s = lsm_view_source_root(view, &len);
    CHECK_MEM(s, len, "r\0", 2);
    s = lsm_view_debug_id(view, &len);
    CHECK_MEM(s, len, "\xc3\xa9", 2);
    POISON(err);
    s = lsm_view_source_name(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_MEM(s, len, "\0", 1);
    POISON(err);
    s = lsm_view_source_url(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_MEM(s, len, "r\0/\0", 4);
    /* Empty strings are strings, not absent. */
    POISON(err);
    s = lsm_view_source_name(view, 1, &len, &err);
    CHECK_OK(err);
    CHECK_STR(s, len, "");
    POISON(err);
    s = lsm_view_name(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_STR(s, len, "");
    POISON(err);
    s = lsm_view_source_contents(view, 0, &len, &err);
    CHECK_OK(err);
    CHECK_STR(s, len, "");
    CHECK_EQ(lsm_view_has_source_contents(view, 0, NULL), 1);
    lsm_view_free(view);
}

/* ---------------------------------------------------------- sourceRoot */

static void check_urls(const char *file, int line, const char *root_json,
                       const char *const *want, size_t n) {
    sb_t sb = {0};
    sb_printf(&sb,
              "{\"version\":3,%s\"sources\":[\"a.js\",null,\"d/b.js\",\"\"],\"names\":[],"
              "\"mappings\":\"AAAA,CCAA,CCAA\"}",
              root_json);
    lsm_view_t *view = load_len(sb.s, sb.len, line);
    sb_free(&sb);
    if (!view)
        return;
    const char *names[] = {"a.js", NULL, "d/b.js", ""};
    for (uint32_t i = 0; i < n; i++) {
        lsm_error_t err;
        size_t len;
        POISON(err);
        const char *got = lsm_view_source_url(view, i, &len, &err);
        check_cleared(file, line, "source_url", &err);
        check_bytes_eq(file, line, root_json, got, len, want[i], want[i] ? strlen(want[i]) : 0);
        POISON(err);
        got = lsm_view_source_name(view, i, &len, &err);
        check_cleared(file, line, "source_name", &err);
        check_bytes_eq(file, line, "source_name", got, len, names[i],
                       names[i] ? strlen(names[i]) : 0);
    }
    lsm_view_free(view);
}
#define CHECK_URLS(root_json, ...)                                                           \
    do {                                                                                     \
        const char *const want_[] = {__VA_ARGS__};                                           \
        check_urls(__FILE__, __LINE__, root_json, want_, sizeof want_ / sizeof want_[0]);    \
    } while (0)

static void test_source_root(void) {
    CHECK_URLS("", "a.js", NULL, "d/b.js", "");
    CHECK_URLS("\"sourceRoot\":null,", "a.js", NULL, "d/b.js", "");
    CHECK_URLS("\"sourceRoot\":\"\",", "a.js", NULL, "d/b.js", "");
    CHECK_URLS("\"sourceRoot\":\"src\",", "src/a.js", NULL, "src/d/b.js", "src/");
    CHECK_URLS("\"sourceRoot\":\"src/\",", "src/a.js", NULL, "src/d/b.js", "src/");
    CHECK_URLS("\"sourceRoot\":\"/\",", "/a.js", NULL, "/d/b.js", "/");
    CHECK_URLS("\"sourceRoot\":\"https://h/x\",", "https://h/x/a.js", NULL, "https://h/x/d/b.js",
               "https://h/x/");
    CHECK_URLS("\"sourceRoot\":\"https://h/x//\",", "https://h/x//a.js", NULL,
               "https://h/x//d/b.js", "https://h/x//");
    /* A root that is only whitespace is still a non-empty root. */
    CHECK_URLS("\"sourceRoot\":\" \",", " /a.js", NULL, " /d/b.js", " /");
}

/* lsm_view_source_joined() and every token's src: the sourceRoot joined as
 * libsourcemap 0.8.2 joined it (each expectation below is 0.8.2's answer,
 * recorded by tests/tools/record_08_sources.py). */
static void check_joined(const char *file, int line, const char *root_json,
                         const char *sources_json, const char *const *want, uint32_t n) {
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,%s\"sources\":%s,\"names\":[],\"mappings\":\"AAAA", root_json,
              sources_json);
    for (uint32_t i = 1; i < n; i++)
        sb_puts(&sb, ",CCAA");
    sb_puts(&sb, "\"}");
    lsm_view_t *view = load_len(sb.s, sb.len, line);
    sb_free(&sb);
    if (!view)
        return;
    CHECK_EQ(lsm_view_source_count(view), n);
    for (uint32_t i = 0; i < n && i < lsm_view_source_count(view); i++) {
        lsm_error_t err;
        size_t len = 99;
        POISON(err);
        const char *got = lsm_view_source_joined(view, i, &len, &err);
        check_cleared(file, line, "source_joined", &err);
        check_bytes_eq(file, line, root_json, got, len, want[i], strlen(want[i]));
        lsm_token_t tok;
        if (lsm_view_get_token(view, i, &tok, NULL) != 0 || tok.src_id != i)
            check_fail(file, line, "token %u", i);
        else if (tok.src != got || tok.src_len != len)
            check_fail(file, line, "token %u: src is not source_joined(%u)", i, i);
    }
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_view_source_joined(view, n, NULL, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    POISON(err);
    CHECK(lsm_view_source_joined(NULL, 0, NULL, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_view_free(view);
}
#define CHECK_JOINED(root_json, sources_json, ...)                                           \
    do {                                                                                     \
        const char *const want_[] = {__VA_ARGS__};                                           \
        check_joined(__FILE__, __LINE__, root_json, sources_json, want_,                     \
                     (uint32_t)(sizeof want_ / sizeof want_[0]));                            \
    } while (0)

static void test_source_joined(void) {
    /* Issue 10 item 2: absolute sources keep their name under a root. */
    CHECK_JOINED("\"sourceRoot\":\"webpack:///\",", "[\"/abs.js\",\"https://x/y.js\"]", "/abs.js",
                 "https://x/y.js");
    CHECK_JOINED("\"sourceRoot\":\"webpack:///\",",
                 "[\"./a.js\",\"\",null,\"HTTP://x/y.js\",\"http:x\",\"file:///a.js\","
                 "\"//cdn/a.js\"]",
                 "webpack:/./a.js", "webpack:/", "webpack:/", "webpack:/HTTP://x/y.js", "http:x",
                 "webpack:/file:///a.js", "//cdn/a.js");
    CHECK_JOINED("", "[\"a.js\",null,\"/b.js\"]", "a.js", "", "/b.js");
    CHECK_JOINED("\"sourceRoot\":null,", "[\"a.js\",null]", "a.js", "");
    CHECK_JOINED("\"sourceRoot\":\"\",", "[\"a.js\",null]", "a.js", "");
    CHECK_JOINED("\"sourceRoot\":\"/\",", "[\"a.js\",\"/b.js\",null]", "/a.js", "/b.js", "/");
    CHECK_JOINED("\"sourceRoot\":\"a//\",", "[\"x\"]", "a/x");
    CHECK_JOINED("\"sourceRoot\":\"src\",", "[\"a.js\",\"../b.js\",\"\"]", "src/a.js",
                 "src/../b.js", "src/");
}

/* The header: "a source that is an absolute URL or path is kept as it is". */
static void test_source_root_absolute_sources(void) {
    static const char json[] =
        "{\"version\":3,\"sourceRoot\":\"https://example.com/src/\","
        "\"sources\":[\"a.js\",\"/abs.js\",\"https://cdn.example/x.js\",\"webpack:///y.js\"],"
        "\"names\":[],\"mappings\":\"AAAA\"}";
    lsm_view_t *view = LOAD(json);
    if (!view)
        return;
    /* ECMA-426 joins by plain concatenation, absolute sources included. */
    const char *want[] = {"https://example.com/src/a.js", "https://example.com/src//abs.js",
                          "https://example.com/src/https://cdn.example/x.js",
                          "https://example.com/src/webpack:///y.js"};
    for (uint32_t i = 0; i < 4; i++) {
        size_t len;
        const char *got = lsm_view_source_url(view, i, &len, NULL);
        CHECK_STR(got, len, want[i]);
    }
    lsm_view_free(view);
}

/* ---------------------------------------------------------- properties */

static void check_props(int line, const char *fields, const char *file, const char *root,
                        const char *debug_id) {
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,%s\"sources\":[],\"mappings\":\"\"}", fields);
    lsm_view_t *view = load_len(sb.s, sb.len, line);
    sb_free(&sb);
    if (!view)
        return;
    size_t len = 12345;
    const char *got = lsm_view_file(view, &len);
    check_bytes_eq(__FILE__, line, "file", got, len, file, file ? strlen(file) : 0);
    if (!got && len != 0)
        check_fail(__FILE__, line, "absent file: len %zu", len);
    len = 12345;
    got = lsm_view_source_root(view, &len);
    check_bytes_eq(__FILE__, line, "sourceRoot", got, len, root, root ? strlen(root) : 0);
    if (!got && len != 0)
        check_fail(__FILE__, line, "absent sourceRoot: len %zu", len);
    len = 12345;
    got = lsm_view_debug_id(view, &len);
    check_bytes_eq(__FILE__, line, "debugId", got, len, debug_id,
                   debug_id ? strlen(debug_id) : 0);
    if (!got && len != 0)
        check_fail(__FILE__, line, "absent debugId: len %zu", len);
    lsm_view_free(view);
}

static void test_properties(void) {
    check_props(__LINE__, "", NULL, NULL, NULL);
    check_props(__LINE__, "\"file\":null,\"sourceRoot\":null,\"debugId\":null,", NULL, NULL, NULL);
    check_props(__LINE__, "\"file\":\"\",\"sourceRoot\":\"\",\"debugId\":\"\",", "", "", "");
    check_props(__LINE__, "\"file\":\"f.js\",\"sourceRoot\":\"r\",\"debugId\":\"D\",", "f.js", "r",
                "D");
    check_props(__LINE__, "\"debug_id\":\"legacy\",", NULL, NULL, "legacy");
    check_props(__LINE__, "\"debugId\":\"new\",\"debug_id\":\"legacy\",", NULL, NULL, "new");
    check_props(__LINE__, "\"debug_id\":\"legacy\",\"debugId\":\"new\",", NULL, NULL, "new");
    check_props(__LINE__, "\"debugId\":null,\"debug_id\":\"legacy\",", NULL, NULL, "legacy");
    /* The last of a repeated key wins. */
    check_props(__LINE__, "\"file\":\"one\",\"file\":\"two\",", "two", NULL, NULL);

    LOAD_FAIL("{\"version\":3,\"file\":1,\"sources\":[],\"mappings\":\"\"}", LSM_ERR_BAD_FILE);
    LOAD_FAIL("{\"version\":3,\"sourceRoot\":[],\"sources\":[],\"mappings\":\"\"}",
              LSM_ERR_BAD_SOURCE_ROOT);
    LOAD_FAIL("{\"version\":3,\"debugId\":{},\"sources\":[],\"mappings\":\"\"}",
              LSM_ERR_BAD_DEBUG_ID);
    LOAD_FAIL("{\"version\":3,\"debug_id\":true,\"sources\":[],\"mappings\":\"\"}",
              LSM_ERR_BAD_DEBUG_ID);
    LOAD_FAIL("{\"sources\":[],\"mappings\":\"\"}", LSM_ERR_MISSING_VERSION);
    LOAD_FAIL("{\"version\":\"3\",\"sources\":[],\"mappings\":\"\"}", LSM_ERR_UNSUPPORTED_VERSION);
    LOAD_FAIL("{\"version\":2,\"sources\":[],\"mappings\":\"\"}", LSM_ERR_UNSUPPORTED_VERSION);
    LOAD_FAIL("{\"version\":3,\"sources\":[]}", LSM_ERR_MISSING_MAPPINGS);
    LOAD_FAIL("{\"version\":3,\"sources\":[],\"mappings\":null}", LSM_ERR_BAD_MAPPINGS);

    /* is_index */
    lsm_view_t *view = LOAD(MINIMAL);
    CHECK_EQ(lsm_view_is_index(view), 0);
    lsm_view_free(view);
    static const char index[] =
        "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\"}}]}";
    view = LOAD(index);
    CHECK_EQ(lsm_view_is_index(view), 1);
    lsm_view_free(view);
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_view_from_json_ex(index, strlen(index), LSM_LOAD_REJECT_INDEX, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INDEX_MAP);
}

/* --------------------------------------------------------- ignore list */

static void check_ignore(int line, const char *fields, const uint32_t *want, uint32_t n) {
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,\"sources\":[\"a\",\"b\",\"c\",\"d\"],%s\"mappings\":\"\"}",
              fields);
    lsm_view_t *view = load_len(sb.s, sb.len, line);
    sb_free(&sb);
    if (!view)
        return;
    uint32_t count = 12345;
    const uint32_t *list = lsm_view_ignore_list(view, &count);
    if (count != n || (n == 0) != (list == NULL)) {
        check_fail(__FILE__, line, "%s: ignore list of %u entries (%s), want %u", fields, count,
                   list ? "non-NULL" : "NULL", n);
    } else {
        /* The contract is the set; the library keeps it sorted and unique. */
        for (uint32_t i = 0; i < n; i++)
            if (list[i] != want[i])
                check_fail(__FILE__, line, "%s: entry %u is %u, want %u", fields, i, list[i],
                           want[i]);
    }
    for (uint32_t s = 0; s < 6; s++) {
        int in = 0;
        for (uint32_t i = 0; i < n; i++)
            in |= want[i] == s;
        if (lsm_view_is_ignored(view, s) != in)
            check_fail(__FILE__, line, "%s: is_ignored(%u) != %d", fields, s, in);
    }
    CHECK_EQ(lsm_view_is_ignored(view, UINT32_MAX), 0);
    lsm_view_free(view);
}
#define CHECK_IGNORE(fields, ...)                                                            \
    do {                                                                                     \
        const uint32_t want_[] = {__VA_ARGS__};                                              \
        check_ignore(__LINE__, fields, want_, sizeof want_ / sizeof want_[0]);               \
    } while (0)

static void test_ignore_list(void) {
    check_ignore(__LINE__, "", NULL, 0);
    check_ignore(__LINE__, "\"ignoreList\":[],", NULL, 0);
    CHECK_IGNORE("\"ignoreList\":[2],", 2);
    CHECK_IGNORE("\"ignoreList\":[3,0,3,1],", 0, 1, 3);
    CHECK_IGNORE("\"x_google_ignoreList\":[1],", 1);
    /* ignoreList wins, and x_google_ignoreList is then not examined. */
    CHECK_IGNORE("\"ignoreList\":[0],\"x_google_ignoreList\":[1],", 0);
    CHECK_IGNORE("\"x_google_ignoreList\":[1],\"ignoreList\":[0],", 0);
    check_ignore(__LINE__, "\"ignoreList\":[],\"x_google_ignoreList\":[1],", NULL, 0);
    CHECK_IGNORE("\"ignoreList\":[2],\"x_google_ignoreList\":[99],", 2);
    CHECK_IGNORE("\"ignoreList\":[2],\"x_google_ignoreList\":\"bad\",", 2);
    CHECK_IGNORE("\"ignoreList\":[1.0e0],", 1);

    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"ignoreList\":[1],\"mappings\":\"\"}",
              LSM_ERR_IGNORE_LIST_OUT_OF_RANGE);
    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"x_google_ignoreList\":[1],\"mappings\":\"\"}",
              LSM_ERR_IGNORE_LIST_OUT_OF_RANGE);
    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"ignoreList\":[-1],\"mappings\":\"\"}",
              LSM_ERR_BAD_IGNORE_LIST);
    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"ignoreList\":[0.5],\"mappings\":\"\"}",
              LSM_ERR_BAD_IGNORE_LIST);
    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"ignoreList\":{},\"mappings\":\"\"}",
              LSM_ERR_BAD_IGNORE_LIST);
    LOAD_FAIL("{\"version\":3,\"sources\":[\"a\"],\"x_google_ignoreList\":[\"0\"],"
              "\"mappings\":\"\"}",
              LSM_ERR_BAD_IGNORE_LIST);
}

/* -------------------------------------------------------------- tokens */

static void test_tokens(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t t[9];
    CHECK_EQ(lsm_view_token_count(view), 9);
    CHECK_EQ(lsm_view_line_count(view), 5);
    CHECK_EQ(lsm_view_source_count(view), 3);
    for (uint32_t i = 0; i < 9; i++) {
        POISON(err);
        memset(&t[i], 0xab, sizeof t[i]);
        CHECK_EQ(lsm_view_get_token(view, i, &t[i], &err), 0);
        CHECK_OK(err);
    }
    EXPECT_TOKEN(&t[0], 0, 0, 0, 0, 0, LSM_NO_ID, "src/a.js", NULL);
    EXPECT_TOKEN(&t[1], 0, 5, 0, 1, 2, 0, "src/a.js", "foo");
    EXPECT_UNMAPPED(&t[2], 0, 9);
    expect_token(__FILE__, __LINE__, &t[3], 0, 12, 2, 3, 4, 1, "src/b.js", N_NAME1, 3);
    EXPECT_TOKEN(&t[4], 2, 3, 2, 5, 6, LSM_NO_ID, "src/b.js", NULL);
    expect_token(__FILE__, __LINE__, &t[5], 2, 3, 0, 7, 8, 2, "src/a.js", N_NAME2, 6);
    EXPECT_TOKEN(&t[6], 2, 10, 0, 9, 10, LSM_NO_ID, "src/a.js", NULL);
    EXPECT_UNMAPPED(&t[7], 3, 0);
    EXPECT_TOKEN(&t[8], 4, 7, 0, 11, 0, LSM_NO_ID, "src/a.js", NULL);
    lsm_view_free(view);

    /* Empty mappings, and lines without segments. */
    static const struct {
        const char *mappings;
        uint32_t tokens, lines;
    } shapes[] = {
        {"", 0, 0}, {";;;", 0, 0}, {"A", 1, 1}, {";;A", 1, 3}, {"A;;", 1, 1},
        {"A,C;;E", 3, 3}, {";AAAA;;", 1, 2},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        sb_t sb = {0};
        sb_printf(&sb, "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"%s\"}",
                  shapes[i].mappings);
        view = load_len(sb.s, sb.len, __LINE__);
        if (view) {
            if (lsm_view_token_count(view) != shapes[i].tokens ||
                lsm_view_line_count(view) != shapes[i].lines)
                check_fail(__FILE__, __LINE__, "\"%s\": %u tokens on %u lines, want %u on %u",
                           shapes[i].mappings, lsm_view_token_count(view),
                           lsm_view_line_count(view), shapes[i].tokens, shapes[i].lines);
            lsm_view_free(view);
        }
        sb_free(&sb);
    }
}

/* Segments out of column order within a line come out sorted, and equal
 * columns keep their order in the file. */
static void test_unsorted_segments(void) {
    mappings_writer_t mw = {0};
    const uint32_t cols[] = {30, 10, 20, 10, 0, 20, 10};
    for (uint32_t i = 0; i < 7; i++)
        mw_segment(&mw, 0, cols[i], 4, 0, i, 0, 0);
    mw_segment(&mw, 1, 5, 4, 0, 100, 0, 0);
    mw_segment(&mw, 1, 1, 1, 0, 0, 0, 0);
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"%s\"}", sb_str(&mw.sb));
    lsm_view_t *view = load_len(sb.s, sb.len, __LINE__);
    sb_free(&sb);
    sb_free(&mw.sb);
    if (!view)
        return;
    /* (col, src_line) in the order they must come out. */
    const uint32_t want[][2] = {{0, 4}, {10, 1}, {10, 3}, {10, 6}, {20, 2}, {20, 5}, {30, 0}};
    CHECK_EQ(lsm_view_token_count(view), 9);
    for (uint32_t i = 0; i < 7; i++) {
        lsm_token_t t;
        CHECK_EQ(lsm_view_get_token(view, i, &t, NULL), 0);
        EXPECT_TOKEN(&t, 0, want[i][0], 0, want[i][1], 0, LSM_NO_ID, "a", NULL);
    }
    lsm_token_t t;
    CHECK_EQ(lsm_view_get_token(view, 7, &t, NULL), 0);
    EXPECT_UNMAPPED(&t, 1, 1);
    CHECK_EQ(lsm_view_get_token(view, 8, &t, NULL), 0);
    EXPECT_TOKEN(&t, 1, 5, 0, 100, 0, LSM_NO_ID, "a", NULL);
    /* Lookups see the sorted order: between runs of equal columns GLB
     * takes the last of the run before, LUB the first of the run after;
     * on an exact hit SAME_LINE takes the first, GLB and LUB the last. */
    CHECK_EQ(lsm_lookup(view, 0, 15, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 10, 0, 6, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup_ex(view, 0, 15, LSM_RULE_SAME_LINE, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 10, 0, 6, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup_ex(view, 0, 11, LSM_RULE_LEAST_UPPER_BOUND, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 20, 0, 2, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup(view, 0, 10, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 10, 0, 6, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup_ex(view, 0, 10, LSM_RULE_SAME_LINE, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 10, 0, 1, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup_ex(view, 0, 10, LSM_RULE_LEAST_UPPER_BOUND, &t, NULL), 1);
    EXPECT_TOKEN(&t, 0, 10, 0, 6, 0, LSM_NO_ID, "a", NULL);
    CHECK_EQ(lsm_lookup(view, 1, 3, &t, NULL), 0);
    EXPECT_UNMAPPED(&t, 1, 1);
    lsm_view_free(view);
}

/* ------------------------------------------------------------- lookups */

#define LOOKUP(rule, line, col, want_rc)                                                     \
    do {                                                                                     \
        POISON(err);                                                                         \
        memset(&t, 0xab, sizeof t);                                                          \
        CHECK_EQ(lsm_lookup_ex(view, (line), (col), (rule), &t, &err), (want_rc));           \
        CHECK_OK(err);                                                                       \
    } while (0)

static void test_lookup_greatest_lower_bound(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t t;
    const int R = LSM_RULE_GREATEST_LOWER_BOUND;

    for (uint32_t col = 0; col < 5; col++) {
        LOOKUP(R, 0, col, 1);
        EXPECT_TOKEN(&t, 0, 0, 0, 0, 0, LSM_NO_ID, "src/a.js", NULL);
    }
    LOOKUP(R, 0, 5, 1);
    EXPECT_TOKEN(&t, 0, 5, 0, 1, 2, 0, "src/a.js", "foo");
    LOOKUP(R, 0, 8, 1);
    EXPECT_TOKEN(&t, 0, 5, 0, 1, 2, 0, "src/a.js", "foo");
    /* A 1-field segment: "unmapped from here", and out holds it. */
    LOOKUP(R, 0, 9, 0);
    EXPECT_UNMAPPED(&t, 0, 9);
    LOOKUP(R, 0, 11, 0);
    EXPECT_UNMAPPED(&t, 0, 9);
    LOOKUP(R, 0, 12, 1);
    expect_token(__FILE__, __LINE__, &t, 0, 12, 2, 3, 4, 1, "src/b.js", N_NAME1, 3);
    LOOKUP(R, 0, UINT32_MAX, 1);
    CHECK_EQ(t.dst_col, 12);
    /* An empty line, and columns before a line's first token, find the
     * last token of the nearest earlier line that has any. */
    for (uint32_t col = 0; col < 20; col += 7) {
        LOOKUP(R, 1, col, 1);
        expect_token(__FILE__, __LINE__, &t, 0, 12, 2, 3, 4, 1, "src/b.js", N_NAME1, 3);
    }
    LOOKUP(R, 2, 2, 1);
    CHECK_EQ(t.dst_line, 0);
    CHECK_EQ(t.dst_col, 12);
    /* Two tokens at (2,3): the last in file order, on them and after. */
    LOOKUP(R, 2, 3, 1);
    expect_token(__FILE__, __LINE__, &t, 2, 3, 0, 7, 8, 2, "src/a.js", N_NAME2, 6);
    LOOKUP(R, 2, 9, 1);
    expect_token(__FILE__, __LINE__, &t, 2, 3, 0, 7, 8, 2, "src/a.js", N_NAME2, 6);
    LOOKUP(R, 2, 10, 1);
    EXPECT_TOKEN(&t, 2, 10, 0, 9, 10, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, 3, 0, 0);
    EXPECT_UNMAPPED(&t, 3, 0);
    LOOKUP(R, 3, 1000, 0);
    EXPECT_UNMAPPED(&t, 3, 0);
    /* Crossing back onto an unmapped token also finds nothing. */
    LOOKUP(R, 4, 6, 0);
    EXPECT_UNMAPPED(&t, 3, 0);
    LOOKUP(R, 4, 7, 1);
    EXPECT_TOKEN(&t, 4, 7, 0, 11, 0, LSM_NO_ID, "src/a.js", NULL);
    /* Past the last line: the last token. */
    LOOKUP(R, 5, 0, 1);
    EXPECT_TOKEN(&t, 4, 7, 0, 11, 0, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, UINT32_MAX, UINT32_MAX, 1);
    EXPECT_TOKEN(&t, 4, 7, 0, 11, 0, LSM_NO_ID, "src/a.js", NULL);

    /* lsm_lookup is this rule. */
    for (uint32_t line = 0; line < 7; line++) {
        for (uint32_t col = 0; col < 15; col++) {
            lsm_token_t a, b;
            int ra = lsm_lookup(view, line, col, &a, NULL);
            int rb = lsm_lookup_ex(view, line, col, R, &b, NULL);
            if (ra != rb || !token_equal(&a, &b, true))
                check_fail(__FILE__, __LINE__, "lsm_lookup != GLB at %u:%u", line, col);
        }
    }
    lsm_view_free(view);

    /* Nothing before the first token. */
    view = LOAD("{\"version\":3,\"sources\":[\"a\"],\"mappings\":\";;KAAA\"}");
    LOOKUP(R, 0, 0, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 2, 4, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 2, 5, 1);
    EXPECT_TOKEN(&t, 2, 5, 0, 0, 0, LSM_NO_ID, "a", NULL);
    lsm_view_free(view);

    /* No tokens at all. */
    view = LOAD("{\"version\":3,\"sources\":[],\"mappings\":\";;\"}");
    for (int rule = 0; rule < 3; rule++) {
        LOOKUP(rule, 0, 0, 0);
        EXPECT_NONE(&t);
        LOOKUP(rule, 5, 5, 0);
        EXPECT_NONE(&t);
    }
    lsm_view_free(view);
}

static void test_lookup_same_line(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t t;
    const int R = LSM_RULE_SAME_LINE;
    LOOKUP(R, 0, 4, 1);
    EXPECT_TOKEN(&t, 0, 0, 0, 0, 0, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, 0, 10, 0);
    EXPECT_UNMAPPED(&t, 0, 9);
    LOOKUP(R, 0, 50, 1);
    CHECK_EQ(t.dst_col, 12);
    for (uint32_t col = 0; col < 20; col += 3) {
        LOOKUP(R, 1, col, 0);
        EXPECT_NONE(&t);
    }
    LOOKUP(R, 2, 2, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 2, 3, 1);
    EXPECT_TOKEN(&t, 2, 3, 2, 5, 6, LSM_NO_ID, "src/b.js", NULL);
    LOOKUP(R, 2, 11, 1);
    EXPECT_TOKEN(&t, 2, 10, 0, 9, 10, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, 3, 4, 0);
    EXPECT_UNMAPPED(&t, 3, 0);
    LOOKUP(R, 4, 6, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 4, 7, 1);
    CHECK_EQ(t.src_line, 11);
    LOOKUP(R, 5, 100, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, UINT32_MAX, 0, 0);
    EXPECT_NONE(&t);
    lsm_view_free(view);
}

static void test_lookup_least_upper_bound(void) {
    lsm_view_t *view = load_full();
    lsm_error_t err;
    lsm_token_t t;
    const int R = LSM_RULE_LEAST_UPPER_BOUND;
    LOOKUP(R, 0, 0, 1);
    EXPECT_TOKEN(&t, 0, 0, 0, 0, 0, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, 0, 1, 1);
    EXPECT_TOKEN(&t, 0, 5, 0, 1, 2, 0, "src/a.js", "foo");
    LOOKUP(R, 0, 5, 1);
    EXPECT_TOKEN(&t, 0, 5, 0, 1, 2, 0, "src/a.js", "foo");
    LOOKUP(R, 0, 6, 0);
    EXPECT_UNMAPPED(&t, 0, 9);
    LOOKUP(R, 0, 10, 1);
    CHECK_EQ(t.dst_col, 12);
    LOOKUP(R, 0, 13, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 1, 0, 0);
    EXPECT_NONE(&t);
    /* The tokens at (2,3): the first from before them, the last on them. */
    LOOKUP(R, 2, 0, 1);
    EXPECT_TOKEN(&t, 2, 3, 2, 5, 6, LSM_NO_ID, "src/b.js", NULL);
    LOOKUP(R, 2, 3, 1);
    expect_token(__FILE__, __LINE__, &t, 2, 3, 0, 7, 8, 2, "src/a.js", N_NAME2, 6);
    LOOKUP(R, 2, 4, 1);
    EXPECT_TOKEN(&t, 2, 10, 0, 9, 10, LSM_NO_ID, "src/a.js", NULL);
    LOOKUP(R, 2, 11, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, 3, 0, 0);
    EXPECT_UNMAPPED(&t, 3, 0);
    LOOKUP(R, 4, 0, 1);
    CHECK_EQ(t.src_line, 11);
    LOOKUP(R, 5, 0, 0);
    EXPECT_NONE(&t);
    LOOKUP(R, UINT32_MAX, UINT32_MAX, 0);
    EXPECT_NONE(&t);
    lsm_view_free(view);
}

static void test_lookup_many(void) {
    lsm_view_t *view = load_full();
    enum { LINES = 7, COLS = 16, N = LINES * COLS + 2 };
    uint32_t lines[N], cols[N];
    size_t n = 0;
    for (uint32_t l = 0; l < LINES; l++)
        for (uint32_t c = 0; c < COLS; c++, n++)
            lines[n] = l, cols[n] = c;
    lines[n] = UINT32_MAX, cols[n++] = UINT32_MAX;
    lines[n] = 0, cols[n++] = UINT32_MAX;
    for (int rule = 0; rule < 3; rule++) {
        lsm_token_t out[N];
        lsm_error_t err;
        POISON(err);
        memset(out, 0xab, sizeof out);
        int64_t found = lsm_lookup_many(view, lines, cols, n, rule, out, &err);
        CHECK_OK(err);
        int64_t want_found = 0;
        for (size_t i = 0; i < n; i++) {
            lsm_token_t one;
            int rc = lsm_lookup_ex(view, lines[i], cols[i], rule, &one, NULL);
            CHECK(rc == 0 || rc == 1);
            want_found += rc == 1;
            /* Where nothing maps, lsm_lookup_many writes an all-NO_ID token
             * (even where lsm_lookup_ex reports the unmapped token). */
            bool ok = rc == 1 ? token_equal(&out[i], &one, true) : token_is_none(&out[i]);
            if (!ok) {
                check_fail(__FILE__, __LINE__, "rule %d at %u:%u: lookup_many differs", rule,
                           lines[i], cols[i]);
                token_print("many", &out[i]);
                token_print("ex  ", &one);
            }
        }
        CHECK_EQ(found, want_found);
        /* A count of zero touches nothing. */
        POISON(err);
        CHECK_EQ(lsm_lookup_many(view, lines, cols, 0, rule, out, &err), 0);
        CHECK_OK(err);
    }
    lsm_view_free(view);
}

/* ------------------------------------------------------ error positions */

/* Loads `json`, expecting `code` at the byte offset of `at` plus
 * `at_delta` (`at` is searched for after the first occurrence of `after`
 * in the input, or from the start), and the line and segment given. */
static void check_position(int line, const char *json, int code, const char *after,
                           const char *at, int64_t at_delta, int64_t want_line,
                           int64_t want_segment) {
    lsm_error_t err = load_fail_len(json, strlen(json), code, line);
    const char *base = after ? strstr(json, after) : json;
    if (base && after)
        base += strlen(after);
    const char *p = base ? strstr(base, at) : NULL;
    if (!p) {
        check_fail(__FILE__, line, "marker \"%s\" not in the input", at);
        return;
    }
    int64_t want = (p - json) + at_delta;
    if (err.offset != want || err.line != want_line || err.segment != want_segment) {
        check_fail(__FILE__, line, "position: offset %" PRId64 " line %" PRId64 " segment %" PRId64
                   ", want %" PRId64 " %" PRId64 " %" PRId64,
                   err.offset, err.line, err.segment, want, want_line, want_segment);
        check_print_error(&err);
    }
}

#define HEAD "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"n\"],\"mappings\":\""

static void test_error_positions_mappings(void) {
    /* The offending character. */
    check_position(__LINE__, HEAD "AAAA;AACA,C!AA\"}", LSM_ERR_VLQ_INVALID_DIGIT, HEAD, "!", 0, 1,
                   1);
    check_position(__LINE__, HEAD "AAAA,-\"}", LSM_ERR_VLQ_INVALID_DIGIT, HEAD, "-", 0, 0, 1);
    /* Where the continuation should have gone on: the end, or a ','. */
    check_position(__LINE__, HEAD "AAAA;AACg\"}", LSM_ERR_VLQ_UNTERMINATED, HEAD, "\"}", 0, 1, 0);
    check_position(__LINE__, HEAD "AAAg,AAAA\"}", LSM_ERR_VLQ_UNTERMINATED, HEAD, ",", 0, 0, 0);
    check_position(__LINE__, HEAD "AAAA;;;Ag;A\"}", LSM_ERR_VLQ_UNTERMINATED, HEAD, ";A\"", 0, 3,
                   0);
    /* The start of a value too large. */
    check_position(__LINE__, HEAD "AAAA,AggggggggB\"}", LSM_ERR_VLQ_OVERFLOW, HEAD, "gg", 0, 0, 1);
    /* The start of the segment for a bad value or field count. */
    check_position(__LINE__, HEAD "AAAA,AADA\"}", LSM_ERR_NEGATIVE_VALUE, HEAD, "AADA", 0, 0, 1);
    check_position(__LINE__, HEAD "AAAA;D\"}", LSM_ERR_NEGATIVE_VALUE, HEAD, "D\"", 0, 1, 0);
    check_position(__LINE__, HEAD "AAAA;AA;A\"}", LSM_ERR_SEGMENT_LENGTH, HEAD, ";AA;A", 1, 1,
                   0);
    check_position(__LINE__, HEAD "A,AAAAAA\"}", LSM_ERR_SEGMENT_LENGTH, HEAD, "AAAAAA", 0, 0, 1);
    check_position(__LINE__, HEAD "A,,A\"}", LSM_ERR_SEGMENT_LENGTH, HEAD, ",A", 0, 0, 1);
    /* Index checks, made once the counts are known. */
    check_position(__LINE__, HEAD "AAAA,ECAA\"}", LSM_ERR_SOURCE_OUT_OF_RANGE, HEAD, "ECAA", 0, 0,
                   1);
    check_position(__LINE__, HEAD "AAAA;AAAAC\"}", LSM_ERR_NAME_OUT_OF_RANGE, HEAD, "AAAAC", 0, 1,
                   0);
    /* After a BOM and a ")]}'" line, offsets still count from the start. */
    check_position(__LINE__, "\xEF\xBB\xBF)]}'\n" HEAD "AAAA,C!\"}", LSM_ERR_VLQ_INVALID_DIGIT,
                   HEAD, "!", 0, 0, 1);
    /* Inside an index map: an offset in the whole input. */
    check_position(__LINE__,
                   "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
                   "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA;A$\"}}]}",
                   LSM_ERR_VLQ_INVALID_DIGIT, NULL, "$", 0, 1, 0);

    /* Escapes in "mappings": line and segment still exact, the offset
     * somewhere in the input. */
    lsm_error_t err = LOAD_FAIL(HEAD "AAAA;\\u0041!\"}", LSM_ERR_VLQ_INVALID_DIGIT);
    CHECK_EQ(err.line, 1);
    CHECK_EQ(err.segment, 0);
    CHECK(err.offset >= 0 && err.offset <= (int64_t)strlen(HEAD "AAAA;\\u0041!\"}"));
}

static void test_error_positions_json(void) {
    /* Not a mappings error: line and segment are -1, the offset at (or
     * just past) the offending token. */
    static const struct {
        const char *json;
        const char *bad;    /* the offending token */
    } cases[] = {
        {"{\"version\":3,,\"x\":1}", ",\"x"},
        {"{\"version\":3 \"x\":1}", "\"x\""},
        {"{\"version\":3,\"x\":[1 2]}", "2]"},
        {"{\"version\":3,\"sources\":[\"a\"],\"x\":tru}", "tru}"},
        {"{\"version\":3,\"file\":\"\xff\"}", "\"\xff\""},
    };
    const char *prefixes[] = {"", "\xEF\xBB\xBF", ")]}'\n", "\xEF\xBB\xBF)]}'garbage\n"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
            sb_t sb = {0};
            sb_printf(&sb, "%s%s", prefixes[p], cases[i].json);
            lsm_error_t err;
            POISON(err);
            lsm_view_t *view = lsm_view_from_json(sb.s, sb.len, &err);
            CHECK(view == NULL);
            lsm_view_free(view);
            CHECK(err.code == LSM_ERR_JSON || err.code == LSM_ERR_INVALID_UTF8);
            CHECK_EQ(err.line, -1);
            CHECK_EQ(err.segment, -1);
            int64_t start = strstr(sb.s + strlen(prefixes[p]), cases[i].bad) - sb.s;
            int64_t end = start + (int64_t)strlen(cases[i].bad);
            if (err.offset < start || err.offset > end) {
                check_fail(__FILE__, __LINE__, "%s: offset %" PRId64 ", want %" PRId64
                           "..%" PRId64, cases[i].json, err.offset, start, end);
                check_print_error(&err);
            }
            sb_free(&sb);
        }
    }
}

/* The end of the input is where a premature end is found. */
static void test_error_position_eof(void) {
    const char *inputs[] = {"{\"version\":3", "{\"version\":3,\"sources\":[\"a\"", "{", "   ",
                            "\xEF\xBB\xBF{\"version\"", ")]}'\n{\"version\":3,", ""};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        lsm_error_t err;
        POISON(err);
        lsm_view_t *view = lsm_view_from_json(inputs[i], strlen(inputs[i]), &err);
        CHECK(view == NULL);
        lsm_view_free(view);
        check_filled(__FILE__, __LINE__, inputs[i], &err, LSM_ERR_JSON);
        if (err.offset != (int64_t)strlen(inputs[i]))
            check_fail(__FILE__, __LINE__, "\"%s\": premature end reported at offset %" PRId64
                       ", want %zu", inputs[i], err.offset, strlen(inputs[i]));
    }
}

/* ------------------------------------------------------------- prefixes */

static void test_prefixes(void) {
    const char *ok_prefixes[] = {"\xEF\xBB\xBF", ")]}'\n", ")]}'garbage\n", ")]}'\r\n",
                                 "\xEF\xBB\xBF)]}'\n", ")]}'\n\n  "};
    for (size_t i = 0; i < sizeof ok_prefixes / sizeof ok_prefixes[0]; i++) {
        sb_t sb = {0};
        sb_printf(&sb, "%s%s", ok_prefixes[i], MINIMAL);
        lsm_view_t *view = load_len(sb.s, sb.len, __LINE__);
        CHECK_EQ(lsm_view_token_count(view), 1);
        lsm_view_free(view);
        sb_free(&sb);
    }
    /* Only at the very start, only once each, and only in that order. */
    const char *bad_prefixes[] = {" \xEF\xBB\xBF", "\xEF\xBB\xBF\xEF\xBB\xBF", ")]}'\n)]}'\n",
                                  ")]}'\n\xEF\xBB\xBF", " )]}'\n", ")]}'", ")]}"};
    for (size_t i = 0; i < sizeof bad_prefixes / sizeof bad_prefixes[0]; i++) {
        sb_t sb = {0};
        sb_printf(&sb, "%s%s", bad_prefixes[i], MINIMAL);
        lsm_error_t err;
        POISON(err);
        lsm_view_t *view = lsm_view_from_json(sb.s, sb.len, &err);
        if (view) {
            check_fail(__FILE__, __LINE__, "prefix %zu accepted", i);
            lsm_view_free(view);
        } else {
            CHECK(err.code == LSM_ERR_JSON || err.code == LSM_ERR_INVALID_UTF8);
        }
        sb_free(&sb);
    }
    /* A ")]}'" line alone leaves nothing to parse. */
    LOAD_FAIL(")]}'\n", LSM_ERR_JSON);
    LOAD_FAIL("\xEF\xBB\xBF", LSM_ERR_JSON);
}

/* ---------------------------------------------------------------- files */

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

static void test_from_path(void) {
    lsm_error_t err;
    const char *path;

    /* A map on disk equals the same map from memory. */
    char *json = full_map();
    path = tmp_path("full.map");
    write_file(path, json, strlen(json));
    POISON(err);
    lsm_view_t *a = lsm_view_from_path(path, LSM_LOAD_DEFAULT, &err);
    CHECK_CALL(a != NULL, err);
    CHECK_OK(err);
    lsm_view_t *b = LOAD(json);
    free(json);
    sb_t ta = {0}, tb = {0};
    view_tokens_text(a, &ta);
    view_tokens_text(b, &tb);
    CHECK_STR(ta.s, ta.len, tb.s);
    CHECK_EQ(lsm_view_source_count(a), 3);
    CHECK_CSTR(lsm_view_file(a, NULL), "out.js");
    sb_free(&ta);
    sb_free(&tb);
    lsm_view_free(a);
    lsm_view_free(b);

    /* Flags are honoured. */
    static const char index[] =
        "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        "{\"version\":3,\"sources\":[\"a.js\"],\"mappings\":\"AAAA\"}}]}";
    path = tmp_path("index.map");
    write_file(path, index, strlen(index));
    POISON(err);
    a = lsm_view_from_path(path, LSM_LOAD_REJECT_INDEX, &err);
    CHECK(a == NULL);
    CHECK_ERR(err, LSM_ERR_INDEX_MAP);
    lsm_view_free(a);
    POISON(err);
    CHECK(lsm_view_from_path(path, 8, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    a = lsm_view_from_path(path, LSM_LOAD_DEFAULT, &err);
    CHECK_CALL(a != NULL, err);
    CHECK_EQ(lsm_view_is_index(a), 1);
    lsm_view_free(a);

    /* A missing file: LSM_ERR_IO naming the path. */
    path = tmp_path("does-not-exist.map");
    POISON(err);
    CHECK(lsm_view_from_path(path, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_IO);
    if (!strstr(err.message, path))
        check_fail(__FILE__, __LINE__, "message \"%s\" does not name %s", err.message, path);
    if (!strstr(err.message, strerror(ENOENT)))
        check_fail(__FILE__, __LINE__, "message \"%s\" lacks the system's reason", err.message);

    /* A directory. */
    POISON(err);
    CHECK(lsm_view_from_path(tmpdir, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_IO);
    if (!strstr(err.message, tmpdir))
        check_fail(__FILE__, __LINE__, "message \"%s\" does not name %s", err.message, tmpdir);

    /* An empty file is empty JSON. */
    path = tmp_path("empty.map");
    write_file(path, "", 0);
    POISON(err);
    CHECK(lsm_view_from_path(path, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_JSON);

    /* Truncated and invalid files give their parse errors. */
    path = tmp_path("truncated.map");
    write_file(path, MINIMAL, 20);
    POISON(err);
    CHECK(lsm_view_from_path(path, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_JSON);
    path = tmp_path("vlq.map");
    write_file(path, HEAD "A!\"}", strlen(HEAD "A!\"}"));
    POISON(err);
    CHECK(lsm_view_from_path(path, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_VLQ_INVALID_DIGIT);
    CHECK_EQ(err.offset, (int64_t)strlen(HEAD) + 1);

    /* A file that cannot be read. */
    if (geteuid() != 0) {
        path = tmp_path("unreadable.map");
        write_file(path, MINIMAL, strlen(MINIMAL));
        chmod(path, 0);
        POISON(err);
        CHECK(lsm_view_from_path(path, 0, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_IO);
    }

    /* A path with a trailing slash on a regular file. */
    POISON(err);
    sb_t sb = {0};
    sb_printf(&sb, "%s/", tmp_path("full.map"));
    CHECK(lsm_view_from_path(sb.s, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_IO);
    sb_free(&sb);
}

/* ---------------------------------------------------------- cache files */

/* Only what holds whatever the state of the cache code: misuse is
 * reported, garbage is not a cache, and buffers can be freed. */
static void test_cache_contract(void) {
    lsm_error_t err;
    uint8_t *buf = (uint8_t *)"poison";
    size_t len = 99;
    POISON(err);
    CHECK_EQ(lsm_view_dump_cache(NULL, LSM_CACHE_DEFAULT, &buf, &len, &err), -1);
    CHECK(buf == NULL);
    CHECK_EQ(len, 0);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_view_write_cache(NULL, LSM_CACHE_DEFAULT, tmp_path("x.cache"), &err), -1);
    CHECK(err.code != LSM_OK);
    lsm_buffer_free(NULL);

    CHECK_EQ(lsm_is_cache(NULL, 0), 0);
    CHECK_EQ(lsm_is_cache(MINIMAL, strlen(MINIMAL)), 0);
    CHECK_EQ(lsm_is_cache("", 0), 0);
    POISON(err);
    CHECK(lsm_view_from_cache(MINIMAL, strlen(MINIMAL), &err) == NULL);
    CHECK(err.code >= LSM_ERR_CACHE_MAGIC && err.code <= LSM_ERR_CACHE_CORRUPT);
    CHECK(check_message_shape(&err));
    POISON(err);
    CHECK(lsm_view_from_cache_path(tmp_path("does-not-exist.cache"), &err) == NULL);
    CHECK(err.code != LSM_OK);
    CHECK(check_message_shape(&err));
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "%s/lsm-test-api-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(tmpdir))
        check_bail("mkdtemp failed");

    RUN(test_version);
    RUN(test_error_names);
    RUN(test_error_names_from_header);
    RUN(test_error_names_unknown);
    RUN(test_null_view);
    RUN(test_null_out_and_arrays);
    RUN(test_out_of_range);
    RUN(test_unknown_flags);
    RUN(test_unknown_rule);
    RUN(test_load_arguments);
    RUN(test_null_err_accepted);
    RUN(test_error_struct_every_field);
    RUN(test_borrowed_strings);
    RUN(test_source_root);
    RUN(test_source_root_absolute_sources);
    RUN(test_source_joined);
    RUN(test_properties);
    RUN(test_ignore_list);
    RUN(test_tokens);
    RUN(test_unsorted_segments);
    RUN(test_lookup_greatest_lower_bound);
    RUN(test_lookup_same_line);
    RUN(test_lookup_least_upper_bound);
    RUN(test_lookup_many);
    RUN(test_error_positions_mappings);
    RUN(test_error_positions_json);
    RUN(test_error_position_eof);
    RUN(test_prefixes);
    RUN(test_from_path);
    RUN(test_cache_contract);

    /* Leave nothing behind. */
    const char *names[] = {"full.map", "index.map", "empty.map", "truncated.map", "vlq.map",
                           "unreadable.map", "x.cache"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(tmp_path(names[i]));
    rmdir(tmpdir);
    return check_finish();
}
