/* Top-level fields kept as JSON text (lsm_view_extra_count/_field) and
 * written back by lsm_view_to_json(): what is kept and how, repeated
 * keys, index maps, misuse, and every allocation of the parse and of the
 * encoding failing in turn. */
#include "check.h"
#include "internal.h"
#include "util.h"

/* A BOM, white space around values, long strings (which yajl never sees,
 * see src/json.c), a repeated key, escapes, and section-only keys at the
 * top level (kept: a regular map does not read them). */
static const char MAP[] =
    "\xef\xbb\xbf{\"version\":3, \"x_a\" : 1.5e3 ,\"sources\":[\"a.js\"],"
    "\"zz\":{\"k\":[1,2,{\"q\":\"0123456789012345678901234567890123456789"
    "012345678901234567890123456789\"}]},\"names\":[],\"mappings\":\"AAAA\","
    "\"x_s\":\t\"0123456789012345678901234567890123456789012345678901234567890123456789\" ,"
    "\"b\":true,\"n\":null,\"x_a\":[ ] ,\"u\\u00e9\":\"a\\\"b\",\"url\":\"x\","
    "\"x_google_ignoreList\":[0]}";

static const char *WANT[][2] = {
    {"x_a", "[ ]"},
    {"zz", "{\"k\":[1,2,{\"q\":\"0123456789012345678901234567890123456789"
           "012345678901234567890123456789\"}]}"},
    {"x_s", "\"0123456789012345678901234567890123456789012345678901234567890123456789\""},
    {"b", "true"},
    {"n", "null"},
    {"u\xc3\xa9", "\"a\\\"b\""},
    {"url", "\"x\""},
};
#define NWANT (sizeof WANT / sizeof WANT[0])

static const char OUT[] =
    "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\","
    "\"ignoreList\":[0],\"x_a\":[ ],\"zz\":{\"k\":[1,2,{\"q\":\"0123456789012345678901234567890123456789"
    "012345678901234567890123456789\"}]},"
    "\"x_s\":\"0123456789012345678901234567890123456789012345678901234567890123456789\","
    "\"b\":true,\"n\":null,\"u\xc3\xa9\":\"a\\\"b\",\"url\":\"x\"}";

static void check_fields(const lsm_view_t *view) {
    CHECK_EQ(lsm_view_extra_count(view), NWANT);
    for (uint32_t i = 0; i < NWANT && i < lsm_view_extra_count(view); i++) {
        const char *name, *value;
        size_t nlen, vlen;
        lsm_error_t err;
        POISON(err);
        if (!CHECK_CALL(lsm_view_extra_field(view, i, &name, &nlen, &value, &vlen, &err) == 0, err))
            continue;
        CHECK_OK(err);
        CHECK_MEM(name, nlen, WANT[i][0], strlen(WANT[i][0]));
        CHECK_MEM(value, vlen, WANT[i][1], strlen(WANT[i][1]));
        CHECK_EQ(name[nlen], 0);
        CHECK_EQ(value[vlen], 0);
    }
}

static void test_kept_and_written(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    check_fields(view);
    uint8_t *out = NULL, *again = NULL;
    size_t len = 0, again_len = 0;
    lsm_view_t *back = NULL;
    if (!CHECK_CALL(lsm_view_to_json(view, 0, &out, &len, &err) == 0, err))
        goto done;
    CHECK_MEM((const char *)out, len, OUT, sizeof OUT - 1);
    back = lsm_view_from_json((const char *)out, len, &err);
    if (!CHECK_CALL(back != NULL, err))
        goto done;
    check_fields(back);
    CHECK_CALL(lsm_view_to_json(back, 0, &again, &again_len, &err) == 0, err);
    CHECK_MEM((const char *)again, again_len, OUT, sizeof OUT - 1);
done:
    lsm_buffer_free(out);
    lsm_buffer_free(again);
    lsm_view_free(view);
    lsm_view_free(back);
}

/* An index map keeps its own top-level fields, not its sections'. */
static void test_index_map(void) {
    static const char INDEX[] =
        "{\"version\":3,\"x_top\":{\"a\":1},\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
        "\"map\":{\"version\":3,\"x_inner\":2,\"sources\":[\"a.js\"],\"names\":[],"
        "\"mappings\":\"AAAA\"}}],\"after\":[1]}";
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(INDEX, sizeof INDEX - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    CHECK_EQ(lsm_view_extra_count(view), 2);
    uint8_t *out = NULL;
    size_t len = 0;
    if (CHECK_CALL(lsm_view_to_json(view, 0, &out, &len, &err) == 0, err))
        CHECK_CSTR((const char *)out,
                   "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\","
                   "\"x_top\":{\"a\":1},\"after\":[1]}");
    lsm_buffer_free(out);
    lsm_view_free(view);
}

static void test_misuse(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    const char *name = "junk", *value = "junk";
    size_t nlen = 9, vlen = 9;
    POISON(err);
    CHECK_EQ(lsm_view_extra_field(view, NWANT, &name, &nlen, &value, &vlen, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    CHECK(name == NULL && value == NULL && nlen == 0 && vlen == 0);
    POISON(err);
    CHECK_EQ(lsm_view_extra_field(NULL, 0, &name, &nlen, &value, &vlen, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_view_extra_field(view, 0, NULL, &nlen, &value, &vlen, NULL), -1);
    CHECK_EQ(lsm_view_extra_field(view, 0, &name, &nlen, &value, NULL, NULL), -1);
    CHECK_EQ(lsm_view_extra_count(NULL), 0);
    lsm_view_free(view);
}

/* Every allocation of parsing and writing fails in turn: LSM_ERR_NOMEM,
 * nothing leaks, and the call that succeeds gives the whole answer. */
static void test_allocation_failures(void) {
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, &err);
        uint8_t *out = NULL;
        size_t len = 0;
        int rv = view ? lsm_view_to_json(view, 0, &out, &len, &err) : -1;
        lsm_alloc_fail_after(0);
        if (rv == 0) {
            CHECK_OK(err);
            check_fields(view);
            CHECK_MEM((const char *)out, len, OUT, sizeof OUT - 1);
            lsm_buffer_free(out);
            lsm_view_free(view);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK(out == NULL);
        lsm_view_free(view);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 500) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(test_kept_and_written);
    RUN(test_index_map);
    RUN(test_misuse);
    RUN(test_allocation_failures);
    return check_finish();
}
