/* lsm_js_frame_query(): a frame's token, function name, token name and
 * context lines in one call, and the per-line index of JavaScript scopes.
 *
 * - Every position of a small generated file answers as
 *   lsm_js_frame_resolve(), lsm_view_name() and lsm_view_source_context()
 *   do one by one, from the JSON view with its namer and from a version 3
 *   cache alone.
 * - Context lines are joined by "\n" whatever their terminators were.
 * - Too little room: whole lengths, nothing written past the room.
 * - Misuse gives LSM_ERR_INVALID_ARGUMENT with a poisoned error struct
 *   overwritten; out of memory at every allocation gives LSM_ERR_NOMEM and
 *   leaks nothing.
 * - Scopes found through the line index are those a walk over every scope
 *   finds (the innermost one containing the position). */
#include "check.h"
#include "internal.h"
#include "util.h"

/* function outer(){ function inner(){ boom() } inner() } outer();
 * minified to one line, its source in sourcesContent. */
static const char MAP[] =
    "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"outer\",\"inner\",\"boom\"],"
    "\"sourcesContent\":[\"function outer() {\\n  function inner() {\\n    boom();\\n  }\\n"
    "  inner();\\n}\\nouter();\\n\"],"
    "\"mappings\":\"AAAA,SAASA,GAAQ,CACf,SAASC,GAAQ,CACfC,GACF,CACAD,IACF,CACAD\"}";
static const char MIN[] = "function o(){function i(){b()}i()}o();";

static lsm_view_t *json_view(const char *json) {
    lsm_error_t err;
    lsm_view_t *v = lsm_view_from_json(json, strlen(json), &err);
    if (!v)
        check_fail(__FILE__, __LINE__, "map: %s", err.message);
    return v;
}

/* The answer at (line, col) one call at a time, compared with the query's. */
static void expect_same(const lsm_view_t *view, lsm_js_namer_t *namer, uint32_t line,
                        uint32_t col, uint32_t n) {
    char qbuf[512];
    lsm_frame_query_t q = {view, namer, n, qbuf, sizeof qbuf, {0}};
    lsm_error_t err;
    int rc = lsm_js_frame_query(&q, line, col, &err);
    const lsm_frame_answer_t *a = &q.answer;

    lsm_token_t tok;
    char name[256];
    size_t name_len = 0;
    int how = -1, named = -1;
    int want = lsm_js_frame_resolve(view, namer, line, col, &tok, name, sizeof name, &name_len,
                                    &how, &named, NULL);
    CHECK_EQ(rc, want);
    CHECK_EQ(a->status, want);
    CHECK_EQ(err.code, LSM_OK);
    CHECK_EQ(a->how, how);
    CHECK_EQ(a->named, named);
    CHECK_EQ(a->name_len, name_len);
    CHECK(memcmp(qbuf, name, name_len) == 0);
    CHECK_EQ(a->dst_line, tok.dst_line);
    CHECK_EQ(a->dst_col, tok.dst_col);
    CHECK_EQ(a->src_line, tok.src_line);
    CHECK_EQ(a->src_col, tok.src_col);
    CHECK_EQ(a->src_id, tok.src_id);
    CHECK_EQ(a->name_id, tok.name_id);
    size_t at = name_len;
    if (tok.name_id != LSM_NO_ID) {
        size_t len = 0;
        const char *s = lsm_view_name(view, tok.name_id, &len, NULL);
        CHECK_EQ(a->token_named, 1);
        CHECK_EQ(a->token_name_len, len);
        CHECK(memcmp(qbuf + at, s, len) == 0);
        at += len;
    } else {
        CHECK_EQ(a->token_named, 0);
        CHECK_EQ(a->token_name_len, 0);
    }
    if (want != 1 || tok.src_id == LSM_NO_ID) {
        CHECK_EQ(a->context, 0);
        CHECK_EQ(a->text_len, 0);
        return;
    }
    lsm_text_span_t spans[41];
    uint32_t first = 0, count = 0;
    int crc = lsm_view_source_context(view, tok.src_id, tok.src_line, tok.src_col, n, 0, spans,
                                      41, &first, &count, NULL);
    CHECK_EQ(a->context, crc);
    CHECK_EQ(a->first, first);
    CHECK_EQ(a->count, count);
    sb_t joined = {0};
    for (uint32_t i = 0; i < count; i++) {
        if (i)
            sb_puts(&joined, "\n");
        sb_append(&joined, spans[i].text, spans[i].len);
    }
    CHECK_EQ(a->text_len, joined.len);
    CHECK(a->text_len == joined.len && memcmp(qbuf + at, sb_str(&joined), joined.len) == 0);
    sb_free(&joined);
}

static void test_same_as_one_call_at_a_time(void) {
    lsm_view_t *view = json_view(MAP);
    if (!view)
        return;
    lsm_error_t err;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache_ex(view, MIN, strlen(MIN), LSM_CACHE_DEFAULT, &buf, &len, &err),
             0);
    lsm_view_t *cached = lsm_view_from_cache(buf, len, &err);
    CHECK(cached != NULL);
    lsm_js_namer_t *namer = lsm_js_namer_new(view, MIN, strlen(MIN), 0, &err);
    CHECK(namer != NULL);
    for (uint32_t n = 0; n <= 20; n += 5)
        for (uint32_t col = 0; namer && cached && col <= strlen(MIN) + 1; col++) {
            expect_same(view, namer, 0, col, n);
            expect_same(cached, NULL, 0, col, n);
            expect_same(view, NULL, 0, col, n);
        }
    expect_same(view, namer, 1, 0, 2); /* past the map's lines */
    lsm_js_namer_free(namer);
    lsm_view_free(cached);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

static void test_terminators_become_newlines(void) {
    lsm_view_t *view = json_view("{\"version\":3,\"sources\":[\"a.js\"],"
                                 "\"sourcesContent\":[\"a\\r\\nb\\rc\\nd\\u2028e\\u2029f\"],"
                                 "\"mappings\":\";;AAEA\"}");
    if (!view)
        return;
    char buf[64];
    lsm_frame_query_t q = {view, NULL, 9, buf, sizeof buf, {0}};
    CHECK_EQ(lsm_js_frame_query(&q, 2, 0, NULL), 1);
    CHECK_EQ(q.answer.src_line, 2);
    CHECK_EQ(q.answer.first, 0);
    CHECK_EQ(q.answer.count, 6);
    CHECK_EQ(q.answer.text_len, 11);
    CHECK(memcmp(buf, "a\nb\nc\nd\ne\nf", 11) == 0);
    lsm_view_free(view);
}

static void test_too_little_room(void) {
    lsm_view_t *view = json_view(MAP);
    if (!view)
        return;
    lsm_js_namer_t *namer = lsm_js_namer_new(view, MIN, strlen(MIN), 0, NULL);
    CHECK(namer != NULL);
    char full[256], small[16];
    lsm_frame_query_t a = {view, namer, 3, full, sizeof full, {0}};
    CHECK_EQ(lsm_js_frame_query(&a, 0, 26, NULL), 1); /* boom() */
    CHECK_EQ(a.answer.named, 1);
    size_t total = a.answer.name_len + a.answer.token_name_len + a.answer.text_len;
    CHECK(total > 10);
    memset(small, '#', sizeof small);
    lsm_frame_query_t b = {view, namer, 3, small, 10, {0}};
    CHECK_EQ(lsm_js_frame_query(&b, 0, 26, NULL), 1);
    CHECK_EQ(b.answer.name_len, a.answer.name_len);
    CHECK_EQ(b.answer.token_name_len, a.answer.token_name_len);
    CHECK_EQ(b.answer.text_len, a.answer.text_len);
    for (size_t i = 10; i < sizeof small; i++)
        CHECK_EQ(small[i], '#');
    /* No room at all, and no buffer. */
    lsm_frame_query_t c = {view, namer, 3, NULL, 0, {0}};
    CHECK_EQ(lsm_js_frame_query(&c, 0, 26, NULL), 1);
    CHECK_EQ(c.answer.text_len, a.answer.text_len);
    lsm_js_namer_free(namer);
    lsm_view_free(view);
}

static void test_misuse(void) {
    lsm_view_t *view = json_view(MAP);
    if (!view)
        return;
    char buf[64];
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_js_frame_query(NULL, 0, 0, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    lsm_frame_query_t cases[] = {
        {NULL, NULL, 1, buf, sizeof buf, {0}},   /* no view */
        {view, NULL, 1, NULL, 8, {0}},           /* room without a buffer */
        {view, NULL, 1001, buf, sizeof buf, {0}}, /* too much context */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&err, 0xff, sizeof err);
        memset(&cases[i].answer, 0x5a, sizeof cases[i].answer);
        CHECK_EQ(lsm_js_frame_query(&cases[i], 0, 0, &err), -1);
        CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
        CHECK_EQ(cases[i].answer.status, -1);
        CHECK_EQ(cases[i].answer.name_len, 0);
        CHECK_EQ(cases[i].answer.context, 0);
    }
    memset(&err, 0xff, sizeof err);
    lsm_frame_query_t ok = {view, NULL, 1000, buf, sizeof buf, {0}};
    CHECK_EQ(lsm_js_frame_query(&ok, 0, 0, &err), 1);
    CHECK_EQ(err.code, LSM_OK);
    CHECK_EQ(err.message[0], 0);
    lsm_view_free(view);
}

static void test_out_of_memory(void) {
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = json_view(MAP);
        if (!view)
            return;
        lsm_error_t err;
        char buf[256];
        oom_arm(&L);
        lsm_js_namer_t *namer = lsm_js_namer_new(view, MIN, strlen(MIN), 0, &err);
        int rc = -1;
        if (namer) {
            /* 20 lines of context: the spans come from the heap. */
            lsm_frame_query_t q = {view, namer, 20, buf, sizeof buf, {0}};
            rc = lsm_js_frame_query(&q, 0, 26, &err);
            if (rc < 0)
                CHECK_EQ(q.answer.status, -1);
        }
        oom_disarm(&L);
        lsm_js_namer_free(namer);
        lsm_view_free(view);
        oom_end(&L, rc == 1, &err);
    }
    CHECK_CSTR(L.problem, "");
    CHECK(L.failures > 0);
}

/* The innermost scope containing (line, col), by a walk over all. */
static uint32_t brute_scope_at(const lsm_js_scopes_t *S, uint32_t line, uint32_t col) {
    uint32_t best = LSM_NO_ID;
    for (uint32_t i = 0; i < lsm_js_scopes_count(S); i++) {
        lsm_js_scope_t s;
        if (lsm_js_scopes_get(S, i, &s, NULL) != 0)
            continue;
        bool after_start = line > s.start_line || (line == s.start_line && col >= s.start_col);
        bool before_end = line < s.end_line || (line == s.end_line && col < s.end_col);
        if (after_start && before_end)
            best = i; /* sorted by start: a later one is nested deeper */
    }
    return best;
}

static void test_scopes_by_line_index(void) {
    /* 150 functions over 400 lines: nested ones, several per line, blank
     * lines between, and code after the last. */
    sb_t js = {0};
    for (int i = 0; i < 50; i++) {
        sb_printf(&js, "function f%d(a) { return function g%d() { var h = () => a; }; }\n\n", i,
                  i);
        sb_printf(&js, "x%d = 1;\n\n\n\n\n\n", i);
    }
    sb_puts(&js, "tail();\n");
    lsm_error_t err;
    lsm_js_scopes_t *S = lsm_js_scopes_build(sb_str(&js), js.len, &err);
    CHECK(S != NULL);
    CHECK_EQ(lsm_js_scopes_count(S), 150);
    for (uint32_t line = 0; S && line < 405; line++)
        for (uint32_t col = 0; col < 70; col += 3) {
            lsm_js_scope_t s;
            int rc = lsm_js_scope_at(S, line, col, &s, NULL);
            uint32_t want = brute_scope_at(S, line, col);
            CHECK_EQ(rc, want != LSM_NO_ID);
            CHECK_EQ(s.index, want);
        }
    lsm_js_scopes_free(S);
    sb_free(&js);
}

int main(void) {
    RUN(test_same_as_one_call_at_a_time);
    RUN(test_terminators_become_newlines);
    RUN(test_too_little_room);
    RUN(test_misuse);
    RUN(test_out_of_memory);
    RUN(test_scopes_by_line_index);
    return check_finish();
}
