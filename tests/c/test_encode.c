/* lsm_view_to_json(): round trips of the fixtures (tokens and strings
 * compared through their dumps), misuse, and every allocation failing in
 * turn. tests/python/test_encode.py compares every field on many more
 * maps, and has trace-mapping decode the output. */
#include "check.h"
#include "internal.h"
#include "util.h"

static const char *FIXTURES[] = {"esbuild/app.min.js.map", "terser/app.es.min.js.map",
                                 "webpack/app.js.map", "tsc/greeter.js.map",
                                 "index-map/combined.js.map"};

static void test_fixtures_round_trip(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) {
        size_t len;
        char *json = read_file(path_join(dir, FIXTURES[i]), &len);
        if (!json) {
            check_fail(__FILE__, __LINE__, "cannot read %s", FIXTURES[i]);
            continue;
        }
        lsm_error_t err;
        lsm_view_t *a = lsm_view_from_json(json, len, &err);
        uint8_t *out = NULL, *again = NULL;
        size_t out_len = 0, again_len = 0;
        lsm_view_t *b = NULL;
        if (!CHECK_CALL(a != NULL, err))
            goto next;
        POISON(err);
        if (!CHECK_CALL(lsm_view_to_json(a, LSM_JSON_DEFAULT, &out, &out_len, &err) == 0, err))
            goto next;
        CHECK_OK(err);
        CHECK_EQ(strlen((const char *)out), out_len);
        b = lsm_view_from_json((const char *)out, out_len, &err);
        if (!CHECK_CALL(b != NULL, err))
            goto next;
        sb_t ta = {0}, tb = {0};
        view_tokens_text(a, &ta);
        view_tokens_text(b, &tb);
        char diag[256];
        if (!tokens_text_equal(tb.s, tb.len, ta.s, ta.len, diag, sizeof diag))
            check_fail(__FILE__, __LINE__, "%s: %s", FIXTURES[i], diag);
        sb_free(&ta);
        sb_free(&tb);
        CHECK_EQ(lsm_view_source_count(b), lsm_view_source_count(a));
        CHECK_EQ(lsm_view_name_count(b), lsm_view_name_count(a));
        CHECK_CALL(lsm_view_to_json(b, LSM_JSON_DEFAULT, &again, &again_len, &err) == 0, err);
        CHECK_MEM((const char *)again, again_len, (const char *)out, out_len);
    next:
        lsm_buffer_free(out);
        lsm_buffer_free(again);
        lsm_view_free(a);
        lsm_view_free(b);
        free(json);
    }
}

static const char SMALL[] =
    "{\"version\":3,\"sources\":[\"a.js\"],\"sourcesContent\":[\"x\"],\"names\":[\"n\"],"
    "\"mappings\":\"AAAAA,C;;EAAE\"}";

static void test_misuse(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    uint8_t *out = (uint8_t *)"junk";
    size_t len = 99;
    POISON(err);
    CHECK_EQ(lsm_view_to_json(NULL, 0, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK_EQ(len, 0);
    POISON(err);
    CHECK_EQ(lsm_view_to_json(view, 2, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_view_to_json(view, 0, NULL, &len, NULL), -1);
    CHECK_EQ(lsm_view_to_json(view, 0, &out, NULL, NULL), -1);
    CHECK_EQ(lsm_view_to_json(view, LSM_JSON_NO_CONTENTS, &out, &len, NULL), 0);
    CHECK_CSTR((const char *)out,
               "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"n\"],"
               "\"mappings\":\"AAAAA,C;;EAAE\"}");
    lsm_buffer_free(out);
    lsm_view_free(view);
}

static void test_allocation_failures(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        uint8_t *out = NULL;
        size_t len = 0;
        POISON(err);
        lsm_alloc_fail_after(n);
        int rv = lsm_view_to_json(view, 0, &out, &len, &err);
        lsm_alloc_fail_after(0);
        if (rv == 0) {
            CHECK_OK(err);
            CHECK_CSTR((const char *)out,
                       "{\"version\":3,\"sources\":[\"a.js\"],\"sourcesContent\":[\"x\"],"
                       "\"names\":[\"n\"],\"mappings\":\"AAAAA,C;;EAAE\"}");
            lsm_buffer_free(out);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK(out == NULL);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 100) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    CHECK_EQ(lsm_alloc_live(), live);
    lsm_view_free(view);
}

/* The builder: one map built with every call, each allocation failing in
 * turn; every failure is LSM_ERR_NOMEM and nothing leaks. */
static int build_small(uint8_t **out, size_t *len, lsm_error_t *err) {
    int rv = -1;
    lsm_builder_t *b = lsm_builder_new(err);
    if (!b)
        return -1;
    int64_t a = lsm_builder_add_source(b, "a.js", 4, err);
    if (a < 0 || lsm_builder_add_source(b, NULL, 0, err) != 1 ||
        lsm_builder_add_source(b, "a.js", 4, err) != a ||
        lsm_builder_set_source_contents(b, 0, "x", 1, err) ||
        lsm_builder_add_name(b, "n", 1, err) != 0 ||
        lsm_builder_add_token(b, 2, 2, 0, 0, 2, LSM_NO_ID, err) ||
        lsm_builder_add_token(b, 0, 0, 0, 0, 0, 0, err) ||
        lsm_builder_add_token(b, 0, 1, LSM_NO_ID, 0, 0, 0, err) ||
        lsm_builder_set_file(b, "f.js", 4, err) || lsm_builder_ignore_source(b, 1, err) ||
        lsm_builder_to_json(b, out, len, err))
        goto done;
    lsm_view_t *view = lsm_builder_to_view(b, err);
    if (!view) {
        lsm_buffer_free(*out);
        *out = NULL;
        goto done;
    }
    lsm_view_free(view);
    rv = 0;
done:
    lsm_builder_free(b);
    return rv;
}

static void test_builder_allocation_failures(void) {
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        uint8_t *out = NULL;
        size_t len = 0;
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        int rv = build_small(&out, &len, &err);
        lsm_alloc_fail_after(0);
        if (rv == 0) {
            CHECK_OK(err);
            CHECK_CSTR((const char *)out,
                       "{\"version\":3,\"file\":\"f.js\",\"sources\":[\"a.js\",null],"
                       "\"sourcesContent\":[\"x\",null],\"names\":[\"n\"],"
                       "\"mappings\":\"AAAAA,C;;EAAE\",\"ignoreList\":[1]}");
            lsm_buffer_free(out);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 200) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    CHECK_EQ(lsm_alloc_live(), live);
}

static void test_builder_misuse(void) {
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_builder_add_source(NULL, "a", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_builder_t *b = lsm_builder_new(&err);
    CHECK_OK(err);
    POISON(err);
    CHECK_EQ(lsm_builder_add_source(b, "\xff", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_UTF8);
    POISON(err);
    CHECK_EQ(lsm_builder_add_token(b, 0, 0, 0, 0, 0, LSM_NO_ID, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    POISON(err);
    CHECK_EQ(lsm_builder_add_token(b, LSM_NO_ID, 0, LSM_NO_ID, 0, 0, 0, &err), -1);
    CHECK_ERR(err, LSM_ERR_TOO_LARGE);
    POISON(err);
    CHECK_EQ(lsm_builder_add_name(b, NULL, 0, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_builder_to_json(b, NULL, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* Many distinct and repeated strings: the hash table grows. */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 1000; i++) {
            char name[16];
            int n = snprintf(name, sizeof name, "s%d", i);
            CHECK_EQ(lsm_builder_add_source(b, name, (size_t)n, NULL), i);
            CHECK_EQ(lsm_builder_add_name(b, name, (size_t)n, NULL), i);
        }
    lsm_builder_free(b);
    lsm_builder_free(NULL);
}

/* lsm_compose(): an outer map over two sources, one with an inner map;
 * every allocation failing in turn. */
static void test_compose(void) {
    static const char OUTER[] =
        "{\"version\":3,\"file\":\"out.js\",\"sources\":[\"mid.js\",\"raw.js\"],"
        "\"names\":[\"o\"],\"mappings\":\"AAAAA,EAAE,ECAA,C,C;AAAA\"}";
    static const char INNER[] =
        "{\"version\":3,\"sources\":[\"src.js\"],\"sourcesContent\":[\"S\"],"
        "\"names\":[\"i\"],\"mappings\":\"AAAA,EAAEA\"}";
    lsm_error_t err;
    lsm_view_t *outer = lsm_view_from_json(OUTER, sizeof OUTER - 1, &err);
    lsm_view_t *inner = lsm_view_from_json(INNER, sizeof INNER - 1, &err);
    if (!CHECK_CALL(outer && inner, err))
        goto done;
    const lsm_view_t *inners[2] = {inner, NULL};
    POISON(err);
    CHECK(lsm_compose(outer, inners, 1, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK(lsm_compose(NULL, inners, 2, NULL) == NULL);
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_view_t *v = lsm_compose(outer, inners, 2, &err);
        lsm_alloc_fail_after(0);
        if (v) {
            CHECK_OK(err);
            uint8_t *out = NULL;
            size_t len = 0;
            CHECK_CALL(lsm_view_to_json(v, 0, &out, &len, &err) == 0, err);
            /* 0:0 -> mid 0:0 -> src 0:0 (inner token, no name: outer's o);
             * 0:2 -> mid 0:2 -> src 0:2 named i; 0:4 -> raw 0:2 kept;
             * 0:5 unmapped; 0:6 unmapped again: dropped; 1:0 -> raw 0:2
             * (the source delta carries over the line). */
            CHECK_CSTR((const char *)out,
                       "{\"version\":3,\"file\":\"out.js\",\"sources\":[\"src.js\",\"raw.js\"],"
                       "\"sourcesContent\":[\"S\",null],\"names\":[\"o\",\"i\"],"
                       "\"mappings\":\"AAAAA,EAAEC,ECAA,C;AAAA\"}");
            lsm_buffer_free(out);
            lsm_view_free(v);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 300) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    CHECK_EQ(lsm_alloc_live(), live);
done:
    lsm_view_free(outer);
    lsm_view_free(inner);
}

/* Original columns that reach 2^31 and more by sums read fine, but once
 * the line is sorted by column its first token's column is 3 * 2^30 from
 * nothing before it: no VLQ value says that, so writing refuses with
 * LSM_ERR_TOO_LARGE rather than write a map that would not load. In the
 * order read, the same values write (and load back) whole. */
static void test_deltas_beyond_31_bits(void) {
    static const char UNSORTED[] =
        "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],"
        "\"mappings\":\"UAAggggggC,CAAggggggC,XAAggggggC\"}";
    static const char SORTED[] =
        "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],"
        "\"mappings\":\"UAAggggggC,CAAggggggC,CAAggggggC\"}";
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(UNSORTED, sizeof UNSORTED - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    lsm_token_t t;
    CHECK_EQ(lsm_view_get_token(view, 0, &t, NULL), 0);
    CHECK_EQ(t.dst_col, 0);
    CHECK_EQ(t.src_col, 3221225472u);
    uint8_t *out = (uint8_t *)"junk";
    size_t len = 99;
    POISON(err);
    CHECK_EQ(lsm_view_to_json(view, 0, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_TOO_LARGE);
    CHECK_CSTR(err.message, "mappings line 0: a field of a token is 2^31 or more from the "
                            "previous token's, which no VLQ value can say");
    CHECK(out == NULL);
    CHECK_EQ(len, 0);
    lsm_view_free(view);

    view = lsm_view_from_json(SORTED, sizeof SORTED - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    CHECK_CALL(lsm_view_to_json(view, LSM_JSON_DEFAULT, &out, &len, &err) == 0, err);
    CHECK_CSTR((const char *)out, SORTED);
    lsm_buffer_free(out);
    lsm_view_free(view);

    /* The builder writes in the same order and refuses the same way. */
    lsm_builder_t *b = lsm_builder_new(&err);
    if (!CHECK_CALL(b != NULL, err))
        return;
    CHECK_EQ(lsm_builder_add_source(b, "a.js", 4, &err), 0);
    CHECK_EQ(lsm_builder_add_token(b, 0, 0, 0, 0, 3221225472u, LSM_NO_ID, &err), 0);
    CHECK_EQ(lsm_builder_add_token(b, 0, 10, 0, 0, 1073741824u, LSM_NO_ID, &err), 0);
    out = (uint8_t *)"junk";
    POISON(err);
    CHECK_EQ(lsm_builder_to_json(b, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_TOO_LARGE);
    CHECK_CSTR(err.message, "mappings line 0: a field of a token is 2^31 or more from the "
                            "previous token's, which no VLQ value can say");
    CHECK(out == NULL);
    lsm_builder_free(b);
}

int main(void) {
    RUN(test_compose);
    RUN(test_builder_allocation_failures);
    RUN(test_builder_misuse);
    RUN(test_fixtures_round_trip);
    RUN(test_misuse);
    RUN(test_deltas_beyond_31_bits);
    RUN(test_allocation_failures);
    return check_finish();
}
