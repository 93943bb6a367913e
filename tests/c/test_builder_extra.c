/* Extra top-level fields of a built map (lsm_builder_set_extra): written
 * after the standard fields in the order first set, replaced in place,
 * removed, read back by a view as kept fields; values checked as the
 * parser checks a map; refused names; misuse; every allocation failing in
 * turn. */
#include "check.h"
#include "internal.h"
#include "util.h"

static lsm_builder_t *one_token_builder(void) {
    lsm_error_t err;
    lsm_builder_t *b = lsm_builder_new(&err);
    if (!CHECK_CALL(b != NULL, err))
        return NULL;
    int64_t src = lsm_builder_add_source(b, "a.js", 4, &err);
    CHECK_EQ(src, 0);
    CHECK_EQ(lsm_builder_add_token(b, 0, 0, 0, 1, 2, LSM_NO_ID, &err), 0);
    return b;
}

static int set(lsm_builder_t *b, const char *name, const char *json, lsm_error_t *err) {
    return lsm_builder_set_extra(b, name, strlen(name), json, json ? strlen(json) : 0, err);
}

static void check_json(const lsm_builder_t *b, const char *want) {
    lsm_error_t err;
    uint8_t *out = NULL;
    size_t len = 0;
    if (!CHECK_CALL(lsm_builder_to_json(b, &out, &len, &err) == 0, err))
        return;
    CHECK_STR((const char *)out, len, want);
    lsm_buffer_free(out);
}

static void test_written_in_order(void) {
    lsm_builder_t *b = one_token_builder();
    if (!b)
        return;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(set(b, "x_b", " [1, {\"k\": \"\\u00e9\"}] ", &err), 0);
    CHECK_OK(err);
    CHECK_EQ(set(b, "zz", "null", &err), 0);
    CHECK_EQ(set(b, "x_a", "1.5e3", &err), 0);
    CHECK_EQ(set(b, "u\xc3\xa9", "\"t\"", &err), 0);
    /* Replaced in place; removed; removing what is not there is a no-op. */
    CHECK_EQ(set(b, "zz", "{}", &err), 0);
    CHECK_EQ(set(b, "x_a", NULL, &err), 0);
    POISON(err);
    CHECK_EQ(set(b, "never", NULL, &err), 0);
    CHECK_OK(err);
    check_json(b, "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AACE\","
                  "\"x_b\": [1, {\"k\": \"\\u00e9\"}] ,\"zz\":{},\"u\xc3\xa9\":\"t\"}");

    /* A view of the built map keeps them as it keeps any unknown field. */
    lsm_view_t *view = lsm_builder_to_view(b, &err);
    if (CHECK_CALL(view != NULL, err)) {
        static const char *want[][2] = {
            {"x_b", "[1, {\"k\": \"\\u00e9\"}]"}, {"zz", "{}"}, {"u\xc3\xa9", "\"t\""}};
        CHECK_EQ(lsm_view_extra_count(view), 3);
        for (uint32_t i = 0; i < 3 && i < lsm_view_extra_count(view); i++) {
            const char *name, *value;
            size_t nlen, vlen;
            if (!CHECK_CALL(lsm_view_extra_field(view, i, &name, &nlen, &value, &vlen, &err) == 0,
                            err))
                continue;
            CHECK_MEM(name, nlen, want[i][0], strlen(want[i][0]));
            CHECK_MEM(value, vlen, want[i][1], strlen(want[i][1]));
        }
        /* And a view writes them back as the builder wrote them (the
         * white space around a value is not part of it). */
        uint8_t *out = NULL;
        size_t len = 0;
        if (CHECK_CALL(lsm_view_to_json(view, 0, &out, &len, &err) == 0, err))
            CHECK_STR((const char *)out, len,
                      "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AACE\","
                      "\"x_b\":[1, {\"k\": \"\\u00e9\"}],\"zz\":{},\"u\xc3\xa9\":\"t\"}");
        lsm_buffer_free(out);
        lsm_view_free(view);
    }
    /* Set again after removal: back at its first place. */
    CHECK_EQ(set(b, "x_a", "true", &err), 0);
    check_json(b, "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AACE\","
                  "\"x_b\": [1, {\"k\": \"\\u00e9\"}] ,\"zz\":{},\"x_a\":true,\"u\xc3\xa9\":\"t\"}");
    lsm_builder_free(b);
}

static void check_refused(lsm_builder_t *b, const char *name, const char *json, size_t json_len,
                          int code) {
    lsm_error_t err;
    POISON(err);
    if (lsm_builder_set_extra(b, name, strlen(name), json, json_len, &err) == -1)
        CHECK_ERR(err, code);
    else
        check_fail(__FILE__, __LINE__, "accepted %s: %.40s", name, json ? json : "(null)");
}

static void test_values_checked(void) {
    lsm_builder_t *b = one_token_builder();
    if (!b)
        return;
    static const char *not_json[] = {
        "", "  ", "1 2", "[1,]", "{\"a\"}", "tru", "NaN", "'s'", "[", "{}}", "01", "/* c */ 1",
        "\"a\" \"b\"", "{\"a\":1,}",
    };
    for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++)
        check_refused(b, "x_v", not_json[i], strlen(not_json[i]), LSM_ERR_JSON);
    /* Strings as strict as the parser's: a lone surrogate escape, a raw
     * control character, bytes that are not UTF-8. */
    check_refused(b, "x_v", "\"\\ud800\"", 8, LSM_ERR_INVALID_UTF8);
    check_refused(b, "x_v", "\"\x01\"", 3, LSM_ERR_JSON);
    check_refused(b, "x_v", "[\"\xff\"]", 5, LSM_ERR_INVALID_UTF8);
    check_refused(b, "x_v", "{\"k\":\"\\x\"}", 10, LSM_ERR_JSON);
    /* Nesting: 999 levels are fine (the map is the 1000th the parser
     * allows), 1000 are not. */
    char deep[2 * 1000 + 1];
    for (int i = 0; i < 1000; i++) {
        deep[i] = '[';
        deep[2 * 1000 - 1 - i] = ']';
    }
    check_refused(b, "x_v", deep, 2 * 1000, LSM_ERR_JSON_DEPTH);
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_builder_set_extra(b, "x_v", 3, deep + 1, 2 * 999, &err), 0);
    CHECK_OK(err);
    lsm_view_t *view = lsm_builder_to_view(b, &err);
    if (CHECK_CALL(view != NULL, err))
        CHECK_EQ(lsm_view_extra_count(view), 1);
    lsm_view_free(view);
    /* A refused value leaves the field as it was. */
    check_refused(b, "x_v", "[", 1, LSM_ERR_JSON);
    CHECK_EQ(set(b, "x_v", NULL, &err), 0);

    /* Names the builder writes or the parser reads are refused. */
    static const char *reserved[] = {
        "version", "file", "sourceRoot", "sources", "sourcesContent", "names", "mappings",
        "ignoreList", "x_google_ignoreList", "debugId", "debug_id", "sections", "rangeMappings",
    };
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        check_refused(b, reserved[i], "1", 1, LSM_ERR_INVALID_ARGUMENT);
    /* A name that is not UTF-8. */
    POISON(err);
    CHECK_EQ(lsm_builder_set_extra(b, "x_\xc3", 3, "1", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_UTF8);
    check_json(b, "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AACE\"}");
    lsm_builder_free(b);
}

static void test_misuse(void) {
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_builder_set_extra(NULL, "x", 1, "1", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_builder_t *b = one_token_builder();
    if (!b)
        return;
    POISON(err);
    CHECK_EQ(lsm_builder_set_extra(b, NULL, 0, "1", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_builder_set_extra(b, "x", 1, NULL, 0, &err), 0);
    CHECK_OK(err);
    CHECK_EQ(lsm_builder_set_extra(b, "x", 1, "1", 1, NULL), 0);
    CHECK_EQ(lsm_builder_set_extra(b, "x", 1, "[", 1, NULL), -1);
    lsm_builder_free(b);
}

static void test_allocation_failures(void) {
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1;; n++) {
        lsm_builder_t *b = one_token_builder();
        if (!b)
            return;
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        int a = set(b, "x_first", "[1,[2,[3,\"some text\"]]]", &err);
        int c = a == 0 ? set(b, "x_first", "{\"replaced\":true}", &err) : -1;
        int d = c == 0 ? set(b, "x_second", "\"s\"", &err) : -1;
        lsm_alloc_fail_after(0);
        if (d == 0) {
            CHECK_OK(err);
            check_json(b, "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AACE\","
                          "\"x_first\":{\"replaced\":true},\"x_second\":\"s\"}");
            lsm_builder_free(b);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        lsm_builder_free(b);
        CHECK_EQ(lsm_alloc_live(), live);
        if (n > 200) {
            check_fail(__FILE__, __LINE__, "never succeeded");
            break;
        }
    }
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(test_written_in_order);
    RUN(test_values_checked);
    RUN(test_misuse);
    RUN(test_allocation_failures);
    return check_finish();
}
