/* Frames at cache speed: lsm_view_dump_cache_ex() (cache format version
 * 3), lsm_js_frame_resolve() and lsm_view_source_context().
 *
 * - Every position of a small generated file resolves the same from the
 *   JSON view with its namer as from the version 3 cache alone.
 * - Context lines split at every ECMAScript line terminator, from built
 *   and from stored tables, and trim as error trackers do.
 * - Misuse (NULL pointers, too little room, unknown flags) gives
 *   LSM_ERR_INVALID_ARGUMENT with a poisoned error struct overwritten.
 * - Out of memory at every allocation of a dump and of a first context
 *   call gives LSM_ERR_NOMEM and leaks nothing. */
#include <pthread.h>

#include "check.h"
#include "internal.h"
#include "util.h"

/* function outer(){ function inner(){ boom() } inner() }, minified to
 * one line, with its source in sourcesContent. */
static const char MAP[] =
    "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"outer\",\"inner\",\"boom\"],"
    "\"sourcesContent\":[\"function outer() {\\n  function inner() {\\n    boom();\\n  }\\n"
    "  inner();\\n}\\nouter();\\n\"],"
    "\"mappings\":\"AAAA,SAASA,GAAQ,CACf,SAASC,GAAQ,CACfC,GACF,CACAD,IACF,CACAD\"}";
static const char MIN[] = "function o(){function i(){b()}i()}o();";

static lsm_view_t *json_view(void) {
    lsm_error_t err;
    lsm_view_t *v = lsm_view_from_json(MAP, strlen(MAP), &err);
    if (!v)
        check_fail(__FILE__, __LINE__, "map: %s", err.message);
    return v;
}

static void test_cache_answers_as_the_namer(void) {
    lsm_view_t *view = json_view();
    if (!view)
        return;
    lsm_error_t err;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache_ex(view, MIN, strlen(MIN), LSM_CACHE_DEFAULT, &buf, &len, &err),
             0);
    CHECK_EQ(lsm_rd32(buf + 8), 3);
    lsm_view_t *cached = lsm_view_from_cache(buf, len, &err);
    CHECK(cached != NULL);
    CHECK_EQ(lsm_view_has_frame_data(cached), 1);
    CHECK_EQ(lsm_view_has_frame_data(view), 0);
    lsm_js_namer_t *namer = lsm_js_namer_new(view, MIN, strlen(MIN), 0, &err);
    CHECK(namer != NULL);
    int named_positions = 0;
    for (uint32_t col = 0; cached && namer && col <= strlen(MIN) + 1; col++) {
        lsm_token_t a, b;
        char na[64], nb[64];
        size_t la = 0, lb = 0;
        int ha = -1, hb = -1, fa = -1, fb = -1;
        int ra = lsm_js_frame_resolve(view, namer, 0, col, &a, na, sizeof na, &la, &ha, &fa, &err);
        int rb = lsm_js_frame_resolve(cached, NULL, 0, col, &b, nb, sizeof nb, &lb, &hb, &fb, &err);
        CHECK_EQ(ra, rb);
        CHECK_EQ(ha, hb);
        CHECK_EQ(fa, fb);
        CHECK_EQ(la, lb);
        CHECK(strcmp(na, nb) == 0);
        CHECK_EQ(a.dst_col, b.dst_col);
        CHECK_EQ(a.src_line, b.src_line);
        named_positions += fa == 1;
    }
    CHECK(named_positions > 0);
    /* `boom()` is inside inner. */
    lsm_token_t t;
    char name[64];
    int how = 0, named = 0;
    CHECK_EQ(lsm_js_frame_resolve(cached, NULL, 0, 25, &t, name, sizeof name, NULL, &how, &named,
                                  &err),
             1);
    CHECK_EQ(named, 1);
    CHECK_EQ(how, LSM_NAME_FROM_ORIGINAL);
    CHECK(strcmp(name, "inner") == 0);
    lsm_js_namer_free(namer);
    lsm_view_free(cached);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

static void expect_lines(const lsm_view_t *view, uint32_t line, uint32_t n, uint32_t want_first,
                         const char *const *want, uint32_t want_count) {
    lsm_text_span_t spans[8];
    uint32_t first = 99, count = 99;
    lsm_error_t err;
    int rc = lsm_view_source_context(view, 0, line, 0, n, 0, spans, 8, &first, &count, &err);
    CHECK_EQ(rc, want_count ? 1 : 0);
    CHECK_EQ(count, want_count);
    if (want_count)
        CHECK_EQ(first, want_first);
    for (uint32_t i = 0; i < count && i < want_count; i++)
        if (spans[i].len != strlen(want[i]) || memcmp(spans[i].text, want[i], spans[i].len) != 0)
            check_fail(__FILE__, __LINE__, "line %u: %.*s, want %s", first + i,
                       (int)spans[i].len, spans[i].text, want[i]);
}

static void test_context_lines(void) {
    const char *json = "{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],"
                       "\"sourcesContent\":[\"a\\r\\nb\\rc\\nd\\u2028e\\u2029\\n\",null],"
                       "\"mappings\":\"AAAA\"}";
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(json, strlen(json), &err);
    CHECK(view != NULL);
    if (!view)
        return;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache_ex(view, NULL, 0, LSM_CACHE_DEFAULT, &buf, &len, &err), 0);
    lsm_view_t *cached = lsm_view_from_cache(buf, len, &err);
    CHECK(cached != NULL);
    const lsm_view_t *both[2] = {view, cached};
    for (int k = 0; k < 2 && both[k]; k++) {
        const char *all[] = {"a", "b", "c", "d", "e", "", ""};
        expect_lines(both[k], 0, 1, 0, all, 2);
        expect_lines(both[k], 3, 2, 1, all + 1, 5);
        expect_lines(both[k], 6, 3, 3, all + 3, 4);
        expect_lines(both[k], 7, 1, 0, all, 0); /* past the end */
        lsm_text_span_t spans[3];
        CHECK_EQ(lsm_view_source_context(both[k], 1, 0, 0, 1, 0, spans, 3, NULL, NULL, &err), 0);
        CHECK_EQ(err.code, LSM_OK);
        CHECK_EQ(lsm_view_source_context(both[k], 2, 0, 0, 1, 0, spans, 3, NULL, NULL, &err), -1);
        CHECK_EQ(err.code, LSM_ERR_OUT_OF_RANGE);
    }
    lsm_view_free(cached);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

static void test_trim(void) {
    /* 300 ASCII columns: a window of 140 from 60 before the column. */
    char line[301];
    for (int i = 0; i < 300; i++)
        line[i] = (char)('a' + i % 26);
    line[300] = 0;
    char json[512];
    snprintf(json, sizeof json,
             "{\"version\":3,\"sources\":[\"a.js\"],\"sourcesContent\":[\"%s\"],"
             "\"mappings\":\"AAAA\"}", line);
    lsm_view_t *view = lsm_view_from_json(json, strlen(json), NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    lsm_text_span_t sp;
    struct {
        uint32_t col, start, len, cut;
    } cases[] = {
        {0, 0, 140, LSM_CUT_AFTER},    {64, 0, 140, LSM_CUT_AFTER}, /* start 4 < 5: 0 */
        {100, 40, 140, LSM_CUT_BEFORE | LSM_CUT_AFTER},
        {250, 160, 140, LSM_CUT_BEFORE}, /* end within 5 of the line's: to the end */
        {999, 160, 140, LSM_CUT_BEFORE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_EQ(lsm_view_source_context(view, 0, 0, cases[i].col, 0, LSM_CONTEXT_TRIM, &sp, 1,
                                         NULL, NULL, NULL),
                 1);
        CHECK_EQ((uint32_t)(sp.text - lsm_view_source_contents(view, 0, NULL, NULL)),
                 cases[i].start);
        CHECK_EQ(sp.len, cases[i].len);
        CHECK_EQ(sp.cut, cases[i].cut);
    }
    lsm_view_free(view);
}

static void test_misuse(void) {
    lsm_view_t *view = json_view();
    lsm_error_t err;
    lsm_token_t t;
    lsm_text_span_t spans[3];
    uint8_t *out = (uint8_t *)&err;
    size_t out_len = 7;
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_js_frame_resolve(NULL, NULL, 0, 0, &t, NULL, 0, NULL, NULL, NULL, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_source_context(view, 0, 0, 0, 2, 0, spans, 3, NULL, NULL, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT); /* room for 3, 5 needed */
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_source_context(view, 0, 0, 0, 1, 8, spans, 3, NULL, NULL, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_dump_cache_ex(view, NULL, 3, LSM_CACHE_DEFAULT, &out, &out_len, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK_EQ(out_len, 0);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_dump_cache_ex(view, NULL, 0, 64, &out, &out_len, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_source_context(view, 0, 1, 0, 1, 0, spans, 3, NULL, NULL, &err), 1);
    CHECK_EQ(err.code, LSM_OK);
    CHECK_EQ(err.message[0], 0);
    CHECK_EQ(lsm_view_has_frame_data(NULL), 0);
    lsm_view_free(view);
}

static void test_out_of_memory(void) {
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = json_view();
        if (!view)
            return;
        uint8_t *buf = NULL;
        size_t len = 0;
        lsm_error_t err;
        oom_arm(&L);
        int rc = lsm_view_dump_cache_ex(view, MIN, strlen(MIN), LSM_CACHE_DEFAULT, &buf, &len,
                                        &err);
        lsm_text_span_t spans[3];
        int crc = rc == 0 ? lsm_view_source_context(view, 0, 1, 0, 1, 0, spans, 3, NULL, NULL,
                                                    &err)
                          : 0;
        oom_disarm(&L);
        lsm_buffer_free(buf);
        lsm_view_free(view);
        oom_end(&L, rc == 0 && crc == 1, &err);
    }
    CHECK_CSTR(L.problem, "");
    CHECK(L.failures > 0);
}

/* Threads racing to build one view's line tables get the same lines and
 * leave one table per source (the losers' copies freed). */
typedef struct race {
    const lsm_view_t *view;
    uint64_t sum;
    int failed;
} race_t;

static void *race_context(void *arg) {
    race_t *r = arg;
    lsm_text_span_t spans[5];
    for (uint32_t s = 0; s < lsm_view_source_count(r->view); s++)
        for (uint32_t line = 0; line < 12; line++) {
            uint32_t first = 0, count = 0;
            int rc = lsm_view_source_context(r->view, s, line, 0, 2, 0, spans, 5, &first, &count,
                                             NULL);
            if (rc < 0)
                r->failed = 1;
            for (uint32_t k = 0; k < count; k++)
                r->sum = r->sum * 31 + (uint64_t)(uintptr_t)spans[k].text + spans[k].len + first;
        }
    return NULL;
}

static void test_threads_build_tables_once(void) {
    int64_t live = lsm_alloc_live();
    for (int round = 0; round < 20; round++) {
        lsm_view_t *view = json_view();
        if (!view)
            return;
        race_t r[4];
        pthread_t t[4];
        for (int i = 0; i < 4; i++) {
            r[i] = (race_t){view, 0, 0};
            CHECK_EQ(pthread_create(&t[i], NULL, race_context, &r[i]), 0);
        }
        for (int i = 0; i < 4; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < 4; i++) {
            CHECK_EQ(r[i].failed, 0);
            CHECK_EQ(r[i].sum, r[0].sum);
        }
        lsm_view_free(view);
    }
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(test_cache_answers_as_the_namer);
    RUN(test_context_lines);
    RUN(test_trim);
    RUN(test_misuse);
    RUN(test_out_of_memory);
    RUN(test_threads_build_tables_once);
    return check_finish();
}
