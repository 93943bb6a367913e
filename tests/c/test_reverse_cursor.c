/* lsm_reverse_cursor_*: every answer equals lsm_generated_position_for()'s
 * (which test_reverse.c checks against an oracle), on the bundler
 * fixtures at every original line and many columns; misuse; and every
 * allocation of cursor_new failing in turn. */
#include "check.h"
#include "internal.h"
#include "util.h"

static void check_agrees(const lsm_view_t *view, const char *what) {
    const int rules[] = {LSM_RULE_GREATEST_LOWER_BOUND, LSM_RULE_LEAST_UPPER_BOUND};
    uint32_t max_line = 0;
    for (uint32_t k = 0; k < lsm_view_token_count(view); k++) {
        lsm_token_t t;
        lsm_view_get_token(view, k, &t, NULL);
        if (t.src_id != LSM_NO_ID && t.src_line > max_line)
            max_line = t.src_line;
    }
    for (int r = 0; r < 2; r++) {
        uint32_t out[6];
        lsm_error_t err;
        lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, rules[r], out, &err);
        if (!CHECK_CALL(c != NULL, err))
            continue;
        uint64_t found = 0, bad = 0;
        for (uint32_t s = 0; s < lsm_view_source_count(view); s++)
            for (uint32_t line = 0; line <= max_line + 1; line++)
                for (uint32_t col = 0; col < 60; col += 3) {
                    lsm_token_t want;
                    int w = lsm_generated_position_for(view, s, line, col, rules[r], &want, NULL);
                    memset(out, 0xab, sizeof out);
                    int g = lsm_reverse_cursor_lookup(c, s, (uint64_t)line << 32 | col);
                    if (g != w)
                        bad++;
                    else if (g == 1) {
                        found++;
                        uint32_t exp[6] = {want.dst_line, want.dst_col, want.src_line,
                                           want.src_col, want.src_id, want.name_id};
                        if (memcmp(out, exp, sizeof out) != 0)
                            bad++;
                    } else if (out[0] != 0xabababab)
                        bad++; /* the array is left alone */
                }
        if (bad)
            check_fail(__FILE__, __LINE__, "%s rule %d: %llu answers differ", what, rules[r],
                       (unsigned long long)bad);
        CHECK(found > 0);
        /* A source past the end is an error, as the plain call's. */
        CHECK_EQ(lsm_reverse_cursor_lookup(c, lsm_view_source_count(view), 0), -1);
        lsm_reverse_cursor_free(c);
    }
}

static void test_fixtures(void) {
    static const char *maps[] = {"esbuild/app.min.js.map", "terser/app.es.min.js.map",
                                 "tsc/greeter.js.map", "index-map/combined.js.map"};
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        size_t len;
        char *json = read_file(path_join(dir, maps[i]), &len);
        if (!json) {
            check_fail(__FILE__, __LINE__, "cannot read %s/%s", dir, maps[i]);
            continue;
        }
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_json(json, len, &err);
        if (CHECK_CALL(view != NULL, err)) {
            check_agrees(view, maps[i]);
            lsm_view_free(view);
        }
        free(json);
    }
}

static const char SMALL[] =
    "{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],\"names\":[\"n\"],"
    "\"mappings\":\"AAAKA,UAAA;AAAI,IAAA,IAEN\"}";

static void test_misuse(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    uint32_t out[6];
    POISON(err);
    CHECK(lsm_reverse_cursor_new(NULL, 0, out, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_reverse_cursor_new(view, 0, NULL, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_reverse_cursor_new(view, LSM_RULE_SAME_LINE, out, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_reverse_cursor_lookup(NULL, 0, 0), -1);
    lsm_reverse_cursor_free(NULL);
    POISON(err);
    lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, LSM_RULE_GREATEST_LOWER_BOUND, out, &err);
    if (CHECK_CALL(c != NULL, err)) {
        CHECK_OK(err);
        /* Original 0:5 of a.js is generated 0:0, named n. */
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 0, 5), 1);
        CHECK_EQ(out[0], 0);
        CHECK_EQ(out[1], 0);
        CHECK_EQ(out[2], 0);
        CHECK_EQ(out[3], 5);
        CHECK_EQ(out[4], 0);
        CHECK_EQ(out[5], 0);
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 0, 4), 0);
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 1, 0), 0);
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 2, 0), -1);
        lsm_reverse_cursor_free(c);
    }
    lsm_view_free(view);
}

static void test_allocation_failures(void) {
    lsm_error_t err;
    int64_t before = lsm_alloc_live();
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    uint32_t out[6];
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, LSM_RULE_LEAST_UPPER_BOUND, out, &err);
        lsm_alloc_fail_after(0);
        if (c) {
            CHECK_OK(err);
            lsm_reverse_cursor_free(c);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 10) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    /* The first lookup builds the index; when that fails it is -1. */
    lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, LSM_RULE_LEAST_UPPER_BOUND, out, &err);
    if (CHECK_CALL(c != NULL, err)) {
        lsm_alloc_fail_after(1);
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 0, 5), -1);
        lsm_alloc_fail_after(0);
        CHECK_EQ(lsm_reverse_cursor_lookup(c, 0, 5), 1);
        lsm_reverse_cursor_free(c);
    }
    lsm_view_free(view);
    CHECK_EQ(lsm_alloc_live(), before);
}

int main(void) {
    RUN(test_fixtures);
    RUN(test_misuse);
    RUN(test_allocation_failures);
    return check_finish();
}
