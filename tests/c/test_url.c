/* lsm_view_resolve_source() (src/url.c): exact answers, each the one
 * @jridgewell/trace-mapping 0.3.31 gives for the same root, source and map
 * URL (but for the documented map URLs without a path;
 * tests/python/test_resolve_source.py compares thousands more with it
 * live), NULL and error handling, hostile input, and every allocation
 * failing in turn. */
#include "check.h"
#include "internal.h"

static lsm_view_t *view_of(const char *root, const char *source) {
    char json[1024];
    snprintf(json, sizeof json, "{\"version\":3,%s%s%s\"sources\":[%s%s%s,null],\"mappings\":\"\"}",
             root ? "\"sourceRoot\":\"" : "", root ? root : "", root ? "\"," : "",
             source ? "\"" : "", source ? source : "null", source ? "\"" : "");
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(json, strlen(json), &err);
    if (!view) {
        check_fail(__FILE__, __LINE__, "cannot load %s", json);
        check_print_error(&err);
    }
    return view;
}

static void check_resolve(int line, const char *root, const char *source, const char *base,
                          const char *want) {
    lsm_view_t *view = view_of(root, source);
    if (!view)
        return;
    char *out = (char *)"poison";
    size_t len = 12345;
    lsm_error_t err;
    POISON(err);
    int rc = lsm_view_resolve_source(view, 0, base, base ? strlen(base) : 99, &out, &len, &err);
    check_cleared(__FILE__, line, "resolve", &err);
    if (rc != (want ? 1 : 0))
        check_fail(__FILE__, line, "returned %d", rc);
    else if (!want && (out != NULL || len != 0))
        check_fail(__FILE__, line, "a null source gave output");
    else if (want && (!out || len != strlen(want) || memcmp(out, want, len) != 0 || out[len]))
        check_fail(__FILE__, line, "got \"%.*s\", want \"%s\"", out ? (int)len : 4,
                   out ? out : "NULL", want);
    lsm_buffer_free(out);
    lsm_view_free(view);
}
#define RESOLVE(root, source, base, want) check_resolve(__LINE__, root, source, base, want)

static void test_concatenation_without_a_base(void) {
    RESOLVE(NULL, "a.js", NULL, "a.js");
    RESOLVE("src", "a.js", NULL, "src/a.js");
    RESOLVE("webpack:///", "./a.js", NULL, "webpack:///./a.js");
    RESOLVE("webpack:///", "/abs.js", NULL, "webpack:////abs.js");
    RESOLVE("https://h/x", "https://x/y.js", NULL, "https://h/x/https://x/y.js");
    RESOLVE("r", NULL, NULL, NULL);
    RESOLVE(NULL, "", NULL, "");
}

static void test_against_a_map_url(void) {
    const char *base = "https://example.com/static/js/app.js.map";
    RESOLVE(NULL, "a.js", base, "https://example.com/static/js/a.js");
    RESOLVE(NULL, "../../../../a.js", base, "https://example.com/a.js");
    RESOLVE(NULL, "/abs.js", base, "https://example.com/abs.js");
    RESOLVE(NULL, "//cdn.example/x.js", base, "https://cdn.example/x.js");
    RESOLVE(NULL, "https://other/./y/../z.js", base, "https://other/z.js");
    RESOLVE("../src/", "b/./c/../d.js", base, "https://example.com/static/src/b/d.js");
    RESOLVE("webpack:///", "./a.js", base, "webpack:///a.js");
    RESOLVE(NULL, "", base, "https://example.com/static/js/");
    RESOLVE(NULL, "?v=2", base, "https://example.com/static/js/?v=2");
    RESOLVE(NULL, "a.js", "https://u:p@h:8080/m/x.map?q#f", "https://u:p@h:8080/m/a.js");
    RESOLVE(NULL, "a.js", "https://[::1]:3000/m/x.map", "https://[::1]:3000/m/a.js");
    RESOLVE(NULL, "a.js", "file:///home/u/dist/app.js.map", "file:///home/u/dist/a.js");
    RESOLVE(NULL, "C:/x/a.js", "file:///C:/dist/app.map", "file:///C:/dist/C:/x/a.js");
    /* Relative map URLs keep the result relative. */
    RESOLVE(NULL, "a.js", "dist/app.js.map", "dist/a.js");
    RESOLVE(NULL, "../../a.js", "dist/app.js.map", "../a.js");
    RESOLVE(NULL, "a.js", "./dist/app.js.map", "./dist/a.js");
    RESOLVE(NULL, "a.js", "app.js.map", "a.js");
    RESOLVE(NULL, "./a.js", "", "./a.js");
    RESOLVE(NULL, "x/../..", "", "..");
    RESOLVE(NULL, "a.js", "/static/app.map", "/static/a.js");
    RESOLVE(NULL, "a.js", "//cdn.example/js/app.map", "//cdn.example/js/a.js");
    /* A map URL without a path: resolved against its root, as browsers do
     * (trace-mapping gives "https:///a.js"). */
    RESOLVE(NULL, "a.js", "https://example.com", "https://example.com/a.js");
    RESOLVE(NULL, "", "https://example.com?v=1#h", "https://example.com/");
    RESOLVE(NULL, "/x.js", "//cdn.example", "//cdn.example/x.js");
    RESOLVE("r", NULL, "https://h/", NULL);
}

static void test_errors(void) {
    lsm_view_t *view = view_of("r", "a.js");
    if (!view)
        return;
    char *out = (char *)"poison";
    size_t len = 7;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_view_resolve_source(view, 2, NULL, 0, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    CHECK(out == NULL && len == 0);
    POISON(err);
    CHECK_EQ(lsm_view_resolve_source(NULL, 0, NULL, 0, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_view_resolve_source(view, 0, NULL, 0, NULL, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* out_len and err may be NULL; a NULL map URL ignores its length. */
    CHECK_EQ(lsm_view_resolve_source(view, 0, NULL, 1000, &out, NULL, NULL), 1);
    CHECK(out && strcmp(out, "r/a.js") == 0);
    lsm_buffer_free(out);
    /* The map URL is not NUL-terminated: only its length counts. */
    CHECK_EQ(lsm_view_resolve_source(view, 0, "https://h/m/x.mapGARBAGE/z", 17, &out, &len, NULL),
             1);
    CHECK(out && strcmp(out, "https://h/m/r/a.js") == 0);
    lsm_buffer_free(out);
    lsm_view_free(view);
}

/* Odd bytes everywhere: every answer is a NUL-terminated string no longer
 * than the inputs allow, and nothing crashes (the sanitizer runs check the
 * rest). */
static void test_hostile(void) {
    static const char *const parts[] = {
        "", "/", "//", "///", ".", "..", "../", "./", "?", "#", "@", ":", "[", "]", "[::1]",
        "a:", "a://", "file:", "file://", "file:///", "file://c:", "x:1", ":99", "%2e%2e",
        "\\u2028", "\\n", "\\u0000", "h:80x", "u@h@i", "//@", "?#", "#?", "a/..", "/..",
    };
    size_t n = sizeof parts / sizeof parts[0];
    lsm_error_t err;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            char json[256];
            snprintf(json, sizeof json, "{\"version\":3,\"sources\":[\"%s%s\"],\"mappings\":\"\"}",
                     parts[i], parts[j]);
            lsm_view_t *view = lsm_view_from_json(json, strlen(json), &err);
            if (!view) {
                check_fail(__FILE__, __LINE__, "cannot load %s", json);
                continue;
            }
            for (size_t k = 0; k < n; k++) {
                char base[64];
                snprintf(base, sizeof base, "%s%s", parts[k], parts[(k + i) % n]);
                char *out = NULL;
                size_t len = 0;
                int rc = lsm_view_resolve_source(view, 0, base, strlen(base), &out, &len, &err);
                size_t most = 2 * (strlen(json) + strlen(base)) + 16;
                if (rc != 1 || !out || out[len] != 0 || len > most)
                    check_fail(__FILE__, __LINE__, "%s against %s: rc %d", json, base, rc);
                lsm_buffer_free(out);
            }
            lsm_view_free(view);
        }
    }
}

static void test_allocation_failures(void) {
    lsm_view_t *view = view_of("../src/", "b/./c/../d.js?x#y");
    if (!view)
        return;
    const char *base = "https://u@example.com:81/static/js/app.js.map";
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1; n < 1000; n++) {
        char *out = (char *)"poison";
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        int rc = lsm_view_resolve_source(view, 0, base, strlen(base), &out, NULL, &err);
        lsm_alloc_fail_after(0);
        if (rc == 1) {
            CHECK_OK(err);
            CHECK(out && strcmp(out, "https://u@example.com:81/static/src/b/d.js?x#y") == 0);
            lsm_buffer_free(out);
            CHECK(n > 3);
            break;
        }
        CHECK_EQ(rc, -1);
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK(out == NULL);
        CHECK_EQ(lsm_alloc_live(), live);
        if (check_state.current_failures)
            break;
    }
    CHECK_EQ(lsm_alloc_live(), live);
    lsm_view_free(view);
}

int main(void) {
    RUN(test_concatenation_without_a_base);
    RUN(test_against_a_map_url);
    RUN(test_errors);
    RUN(test_hostile);
    RUN(test_allocation_failures);
    return check_finish();
}
