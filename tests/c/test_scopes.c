/* The scopes API from C: the proposal's example (tests/fixtures/scopes)
 * read back field by field, misuse (NULL views and pointers, indices past
 * the end) with poisoned error structs, the load flag, and a map without
 * scopes. The decoder's malformed inputs are tests/python/test_scopes.py's
 * and the fuzz target's. */
#include "check.h"
#include "internal.h"

/* tests/fixtures/scopes/proposal_single.map without its contents. */
static const char PROPOSAL[] =
    "{\"version\":3,\"sources\":[\"file.js\"],\"names\":[\"x\",\"z\",\"message\",\"y\","
    "\"global\",\"function\",\"_x\",\"_z\",\"_m\",\"_y\",\"\\\"Hello World\\\"\",\"2\"],"
    "\"mappings\":\"AAAA;AACA;AACA;AACA;AACA;AADE\","
    "\"scopes\":\"BCAAI,DAC,BHBKCC,DCC,CDB,CBR,ECAA,GHI,EHBQC,GJK,FDB,EDBAA,GLM,IAFA,Fc,FA\"}";

static lsm_view_t *load(const char *json, uint32_t flags, lsm_error_t *err) {
    return lsm_view_from_json_ex(json, strlen(json), flags, err);
}

static void test_proposal_example(void) {
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    lsm_view_t *v = load(PROPOSAL, LSM_LOAD_STRICT_SCOPES, &err);
    CHECK_OK(err);
    CHECK(v != NULL);
    CHECK_EQ(lsm_view_original_scope_count(v), 2);
    CHECK_EQ(lsm_view_generated_range_count(v), 3);
    CHECK_EQ(lsm_view_source_scope(v, 0), 0);
    CHECK_EQ(lsm_view_source_scope(v, 1), LSM_NO_ID);
    CHECK_EQ(lsm_view_scopes_warning(v, &err), 0);
    CHECK_OK(err);

    lsm_original_scope_t s;
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_original_scope(v, 1, &s, &err), 0);
    CHECK_OK(err);
    CHECK_EQ(s.source, 0);
    CHECK_EQ(s.start_line, 1);
    CHECK_EQ(s.start_col, 10);
    CHECK_EQ(s.end_line, 4);
    CHECK_EQ(s.end_col, 1);
    CHECK_CSTR(s.name, "z");
    CHECK_CSTR(s.kind, "function");
    CHECK_EQ(s.is_stack_frame, 1);
    CHECK_EQ(s.variable_count, 2);
    CHECK_EQ(s.parent, 0);
    CHECK_EQ(s.first_child, LSM_NO_ID);
    CHECK_EQ(lsm_view_original_scope_variable(v, 1, 0), 2);
    CHECK_EQ(lsm_view_original_scope_variable(v, 1, 1), 3);
    CHECK_EQ(lsm_view_original_scope_variable(v, 1, 2), LSM_NO_ID);

    lsm_generated_range_t r;
    CHECK_EQ(lsm_view_generated_range(v, 2, &r, &err), 0);
    CHECK_EQ(r.start_line, 5);
    CHECK_EQ(r.start_col, 0);
    CHECK_EQ(r.end_line, 5);
    CHECK_EQ(r.end_col, 28);
    CHECK_EQ(r.definition, 1);
    CHECK_EQ(r.stack_frame_type, LSM_RANGE_FRAME_NONE);
    CHECK_EQ(r.call_source, 0);
    CHECK_EQ(r.call_line, 5);
    CHECK_EQ(r.call_col, 0);
    CHECK_EQ(r.binding_count, 2);
    CHECK_EQ(r.parent, 0);

    lsm_range_binding_t b;
    CHECK_EQ(lsm_view_range_binding_count(v, 2, 0), 1);
    CHECK_EQ(lsm_view_range_binding(v, 2, 0, 0, &b, &err), 0);
    CHECK_CSTR(b.expr, "\"Hello World\"");
    CHECK_EQ(b.from_line, 5);

    CHECK_EQ(lsm_view_range_at(v, 5, 3), 2);
    CHECK_EQ(lsm_view_range_at(v, 2, 0), 1);
    CHECK_EQ(lsm_view_range_at(v, 1, 15), 0);
    CHECK_EQ(lsm_view_range_at(v, 5, 28), LSM_NO_ID);

    lsm_scope_frame_t frames[1];
    /* Two frames; only one fits, the count says two. */
    CHECK_EQ(lsm_view_scope_frames(v, 5, 3, frames, 1, &err), 2);
    CHECK_OK(err);
    CHECK_CSTR(frames[0].name, "z");
    CHECK_EQ(frames[0].src_id, LSM_NO_ID);
    CHECK_EQ(lsm_view_scope_frames(v, 5, 3, NULL, 0, &err), 2);
    lsm_view_free(v);
}

static void test_misuse(void) {
    lsm_error_t err;
    lsm_original_scope_t s;
    lsm_generated_range_t r;
    lsm_range_binding_t b;
    CHECK_EQ(lsm_view_original_scope_count(NULL), 0);
    CHECK_EQ(lsm_view_generated_range_count(NULL), 0);
    CHECK_EQ(lsm_view_source_scope(NULL, 0), LSM_NO_ID);
    CHECK_EQ(lsm_view_range_at(NULL, 0, 0), LSM_NO_ID);
    CHECK_EQ(lsm_view_range_binding_count(NULL, 0, 0), 0);
    CHECK_EQ(lsm_view_original_scope_variable(NULL, 0, 0), LSM_NO_ID);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_scopes_warning(NULL, &err), 0);
    CHECK_OK(err);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_original_scope(NULL, 0, &s, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_scope_frames(NULL, 0, 0, NULL, 0, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);

    lsm_view_t *v = load(PROPOSAL, LSM_LOAD_DEFAULT, NULL);
    CHECK(v != NULL);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_original_scope(v, 2, &s, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_generated_range(v, 3, &r, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_generated_range(v, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_range_binding(v, 2, 0, 1, &b, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    memset(&err, 0xff, sizeof err);
    CHECK_EQ(lsm_view_scope_frames(v, 0, 0, NULL, 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_view_free(v);

    memset(&err, 0xff, sizeof err);
    CHECK(load(PROPOSAL, 8, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
}

static void test_lenient_and_strict(void) {
    const char *bad = "{\"version\":3,\"sources\":[\"a\"],\"names\":[],\"mappings\":\"AAAA\","
                      "\"scopes\":\"BAAA,CAA,EAA,GB,FA\"}";
    lsm_error_t err, warning;
    memset(&err, 0xff, sizeof err);
    lsm_view_t *v = load(bad, LSM_LOAD_DEFAULT, &err);
    CHECK_OK(err);
    CHECK(v != NULL);
    memset(&warning, 0xff, sizeof warning);
    CHECK_EQ(lsm_view_scopes_warning(v, &warning), 1);
    CHECK_ERR(warning, LSM_ERR_SCOPES_DEFINITION);
    /* The original scopes were good: only the ranges are dropped. */
    CHECK_EQ(lsm_view_original_scope_count(v), 1);
    CHECK_EQ(lsm_view_generated_range_count(v), 0);
    CHECK_EQ(lsm_view_token_count(v), 1);
    lsm_view_free(v);
    memset(&err, 0xff, sizeof err);
    CHECK(load(bad, LSM_LOAD_STRICT_SCOPES, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_SCOPES_DEFINITION);
    CHECK_CSTR(lsm_error_name(LSM_ERR_SCOPES_DEFINITION), "LSM_ERR_SCOPES_DEFINITION");
}

static void test_no_scopes(void) {
    lsm_error_t err;
    lsm_view_t *v = load("{\"version\":3,\"sources\":[\"a\"],\"names\":[],\"mappings\":\"AAAA\"}",
                         LSM_LOAD_STRICT_SCOPES, &err);
    CHECK_OK(err);
    CHECK_EQ(lsm_view_original_scope_count(v), 0);
    CHECK_EQ(lsm_view_generated_range_count(v), 0);
    CHECK_EQ(lsm_view_range_at(v, 0, 0), LSM_NO_ID);
    CHECK_EQ(lsm_view_scope_frames(v, 0, 0, NULL, 0, &err), 0);
    CHECK_EQ(lsm_view_scopes_warning(v, &err), 0);
    lsm_view_free(v);
    /* An index map's sections' scopes are read (docs/scopes.md), each
     * section as a regular map: a scope never ended fails a strict load
     * and is dropped with a warning otherwise. */
    const char *bad = "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
                      "\"map\":{\"version\":3,\"sources\":[\"a\"],\"names\":[],"
                      "\"mappings\":\"AAAA\",\"scopes\":\"BAAA\"}}]}";
    v = load(bad, LSM_LOAD_STRICT_SCOPES, &err);
    CHECK(v == NULL);
    CHECK_ERR(err, LSM_ERR_SCOPES_UNBALANCED);
    v = load(bad, LSM_LOAD_DEFAULT, &err);
    CHECK_OK(err);
    CHECK_EQ(lsm_view_original_scope_count(v), 0);
    CHECK_EQ(lsm_view_scopes_warning(v, &err), 1);
    CHECK_EQ(err.code, LSM_ERR_SCOPES_UNBALANCED);
    lsm_view_free(v);
    /* Two sections: the second's scope is its source's (source 1), its
     * range (0:0 to 2:0, unsigned VLQs) moved by the offset (column 4 on
     * the first line only). */
    v = load("{\"version\":3,\"sections\":["
             "{\"offset\":{\"line\":0,\"column\":0},\"map\":{\"version\":3,"
             "\"sources\":[\"a\"],\"names\":[],\"mappings\":\"AAAA\"}},"
             "{\"offset\":{\"line\":0,\"column\":4},\"map\":{\"version\":3,"
             "\"sources\":[\"b\"],\"names\":[\"f\"],\"mappings\":\"AAAA\","
             "\"scopes\":\"BFAAA,CCA,ECAA,FCA\"}}]}",
             LSM_LOAD_STRICT_SCOPES, &err);
    CHECK_OK(err);
    CHECK_EQ(lsm_view_original_scope_count(v), 1);
    CHECK_EQ(lsm_view_source_scope(v, 0), LSM_NO_ID);
    CHECK_EQ(lsm_view_source_scope(v, 1), 0);
    CHECK_EQ(lsm_view_generated_range_count(v), 1);
    CHECK_EQ(lsm_view_range_at(v, 0, 3), LSM_NO_ID);
    CHECK_EQ(lsm_view_range_at(v, 0, 4), 0);
    CHECK_EQ(lsm_view_range_at(v, 0, 100), 0);
    CHECK_EQ(lsm_view_range_at(v, 1, 0), 0);
    CHECK_EQ(lsm_view_range_at(v, 2, 0), LSM_NO_ID); /* its end, 2:0, is not moved */
    lsm_view_free(v);
}

int main(void) {
    RUN(test_proposal_example);
    RUN(test_misuse);
    RUN(test_lenient_and_strict);
    RUN(test_no_scopes);
    return check_finish();
}
