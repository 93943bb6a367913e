/* lsm_reverse_cursor_all: every answer equals
 * lsm_all_generated_positions_for()'s (which test_reverse.c checks
 * against an oracle) on the bundler fixtures, at every original line,
 * many columns and whole lines, under both rules and with output arrays
 * too small, exact and larger; misuse; allocation failures. */
#include "check.h"
#include "internal.h"
#include "util.h"

#define MAXN 4096

static void check_agrees(const lsm_view_t *view, const char *what) {
    const int rules[] = {LSM_RULE_GREATEST_LOWER_BOUND, LSM_RULE_LEAST_UPPER_BOUND};
    uint32_t max_line = 0;
    for (uint32_t k = 0; k < lsm_view_token_count(view); k++) {
        lsm_token_t t;
        lsm_view_get_token(view, k, &t, NULL);
        if (t.src_id != LSM_NO_ID && t.src_line > max_line)
            max_line = t.src_line;
    }
    static lsm_token_t want[MAXN];
    static uint32_t got[6 * MAXN + 6];
    for (int r = 0; r < 2; r++) {
        uint32_t one[6];
        lsm_error_t err;
        lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, rules[r], one, &err);
        if (!CHECK_CALL(c != NULL, err))
            continue;
        uint64_t found = 0, bad = 0, calls = 0;
        for (uint32_t s = 0; s < lsm_view_source_count(view); s++)
            for (uint32_t line = 0; line <= max_line + 1; line++)
                for (uint32_t col = 0; col <= 61; col += 3) {
                    uint32_t qcol = col == 60 ? LSM_NO_ID : col; /* 60: the whole line */
                    int64_t w = lsm_all_generated_positions_for(view, s, line, qcol, rules[r], want,
                                                                MAXN, NULL);
                    if (w > MAXN) {
                        check_fail(__FILE__, __LINE__, "%s: more than %d tokens", what, MAXN);
                        continue;
                    }
                    /* Room for all, for none, and for one fewer. */
                    size_t caps[3] = {MAXN, 0, w > 0 ? (size_t)w - 1 : 0};
                    for (int k = 0; k < 3; k++) {
                        memset(got, 0xab, sizeof got);
                        int64_t g = lsm_reverse_cursor_all(c, s, (uint64_t)line << 32 | qcol,
                                                           caps[k] ? got : NULL, caps[k]);
                        calls++;
                        if (g != w) {
                            bad++;
                            continue;
                        }
                        size_t written = (size_t)g < caps[k] ? (size_t)g : caps[k];
                        for (size_t i = 0; i < written; i++) {
                            uint32_t exp[6] = {want[i].dst_line, want[i].dst_col, want[i].src_line,
                                               want[i].src_col,  want[i].src_id,  want[i].name_id};
                            if (memcmp(got + 6 * i, exp, sizeof exp) != 0)
                                bad++;
                        }
                        if (got[6 * written] != 0xabababab)
                            bad++; /* nothing past what fits */
                        if (k == 0 && g > 0)
                            found += (uint64_t)g;
                    }
                }
        if (bad)
            check_fail(__FILE__, __LINE__, "%s rule %d: %llu of %llu answers differ", what,
                       rules[r], (unsigned long long)bad, (unsigned long long)calls);
        CHECK(found > 0);
        CHECK_EQ(lsm_reverse_cursor_all(c, lsm_view_source_count(view), 0, got, MAXN), -1);
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

/* a.js 0:0 is generated 0:0 and 0:10 and 1:4 (named n at 0:0). */
static const char SMALL[] =
    "{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],\"names\":[\"n\"],"
    "\"mappings\":\"AAAAA,UAAA;IAAA,IAAI\"}";

static void test_small_and_misuse(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    uint32_t one[6], out[6 * 4];
    CHECK_EQ(lsm_reverse_cursor_all(NULL, 0, 0, out, 4), -1);
    lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, LSM_RULE_LEAST_UPPER_BOUND, one, &err);
    if (CHECK_CALL(c != NULL, err)) {
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, 0, NULL, 1), -1);
        memset(one, 0xcd, sizeof one);
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, 0, out, 4), 3);
        const uint32_t want[18] = {0, 0, 0, 0, 0, 0,         0, 10, 0, 0, 0, LSM_NO_ID,
                                   1, 4, 0, 0, 0, LSM_NO_ID};
        CHECK(memcmp(out, want, sizeof want) == 0);
        CHECK_EQ(one[0], 0xcdcdcdcd); /* the cursor's own array is not touched */
        /* The whole line 0 adds 0:4 (generated 1:8). */
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, LSM_NO_ID, out, 4), 4);
        CHECK_EQ(out[18], 1);
        CHECK_EQ(out[19], 8);
        CHECK_EQ(out[21], 4);
        /* Least upper bound from 0:1 is 0:4; on another line, nothing. */
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, 1, out, 4), 1);
        CHECK_EQ(out[3], 4);
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, (uint64_t)1 << 32, out, 4), 0);
        CHECK_EQ(lsm_reverse_cursor_all(c, 1, 0, out, 4), 0);
        CHECK_EQ(lsm_reverse_cursor_all(c, 2, 0, out, 4), -1);
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
    uint32_t one[6], out[6 * 4];
    lsm_reverse_cursor_t *c = lsm_reverse_cursor_new(view, LSM_RULE_LEAST_UPPER_BOUND, one, &err);
    if (CHECK_CALL(c != NULL, err)) {
        /* The index, then the scratch array, fail in turn; then it works. */
        for (uint64_t n = 1;; n++) {
            lsm_alloc_fail_after(n);
            int64_t got = lsm_reverse_cursor_all(c, 0, 0, out, 4);
            lsm_alloc_fail_after(0);
            if (got == 3)
                break;
            CHECK_EQ(got, -1);
            if (n > 20) {
                check_fail(__FILE__, __LINE__, "never succeeded");
                break;
            }
        }
        CHECK_EQ(lsm_reverse_cursor_all(c, 0, 0, out, 4), 3);
        lsm_reverse_cursor_free(c);
    }
    lsm_view_free(view);
    CHECK_EQ(lsm_alloc_live(), before);
}

int main(void) {
    RUN(test_fixtures);
    RUN(test_small_and_misuse);
    RUN(test_allocation_failures);
    return check_finish();
}
