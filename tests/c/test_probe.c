/* lsm_json_probe(): the top-level debug ID and "sections" of a map without
 * building a view, checked case by case, against lsm_view_from_json() on
 * every spec case, and under allocation failures. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

/* Probes the NUL-terminated `json`; checks the call's result and error. */
static int probe(const char *json, lsm_json_probe_t *out, int want_code) {
    lsm_error_t err;
    POISON(err);
    memset(out, 0xff, sizeof *out);
    int rc = lsm_json_probe(json, strlen(json), out, &err);
    if (want_code == LSM_OK) {
        CHECK_EQ(rc, 0);
        CHECK_OK(err);
    } else {
        CHECK_EQ(rc, -1);
        CHECK_ERR(err, want_code);
        CHECK(out->debug_id == NULL && out->debug_id_len == 0 && out->is_index == 0 &&
              out->debug_id_escaped == 0);
    }
    return rc;
}

static void check_id(const lsm_json_probe_t *p, const char *want) {
    if (!want) {
        CHECK(p->debug_id == NULL);
        CHECK_EQ(p->debug_id_len, (size_t)0);
        return;
    }
    CHECK(p->debug_id != NULL);
    CHECK_EQ(p->debug_id_len, strlen(want));
    CHECK(p->debug_id && memcmp(p->debug_id, want, strlen(want)) == 0);
}

static void test_debug_ids(void) {
    lsm_json_probe_t p;
    const char *json = "{\"version\":3,\"debugId\":\"85314830-023F-4CF1\",\"mappings\":\"AAAA\"}";
    probe(json, &p, LSM_OK);
    check_id(&p, "85314830-023F-4CF1");
    CHECK(p.debug_id == json + 24); /* borrowed from the input */
    CHECK_EQ(p.is_index, 0);
    CHECK_EQ(p.debug_id_escaped, 0);

    probe("{\"debug_id\":\"legacy\"}", &p, LSM_OK);
    check_id(&p, "legacy");
    /* "debugId" wins over the legacy name, wherever each is. */
    probe("{\"debugId\":\"new\",\"debug_id\":\"old\"}", &p, LSM_OK);
    check_id(&p, "new");
    probe("{\"debug_id\":\"old\",\"debugId\":\"new\"}", &p, LSM_OK);
    check_id(&p, "new");
    probe("{\"debugId\":null,\"debug_id\":\"old\"}", &p, LSM_OK);
    check_id(&p, "old");
    /* The last of duplicate keys, as the parser keeps it. */
    probe("{\"debugId\":\"a\",\"debugId\":\"b\"}", &p, LSM_OK);
    check_id(&p, "b");
    probe("{\"debugId\":\"a\",\"debugId\":null}", &p, LSM_OK);
    check_id(&p, NULL);
    /* Only the top level counts: not inside strings, arrays or objects. */
    probe("{\"sourcesContent\":[\"{\\\"debugId\\\":\\\"x\\\"}\"],"
          "\"x\":{\"debugId\":\"nested\",\"sections\":[]},\"y\":[{\"debug_id\":\"z\"}]}",
          &p, LSM_OK);
    check_id(&p, NULL);
    CHECK_EQ(p.is_index, 0);
    probe("{}", &p, LSM_OK);
    check_id(&p, NULL);
    probe("{\"debugId\":\"\"}", &p, LSM_OK);
    check_id(&p, "");
}

static void test_escaped_debug_id(void) {
    lsm_json_probe_t p;
    probe("{\"debugId\":\"a\\u0062c\"}", &p, LSM_OK);
    CHECK(p.debug_id == NULL);
    CHECK_EQ(p.debug_id_len, (size_t)0);
    CHECK_EQ(p.debug_id_escaped, 1);
    /* An escaped legacy ID does not stand for an absent debugId... */
    probe("{\"debug_id\":\"a\\nb\",\"debugId\":\"plain\"}", &p, LSM_OK);
    check_id(&p, "plain");
    CHECK_EQ(p.debug_id_escaped, 0);
}

static void test_index_and_prefixes(void) {
    lsm_json_probe_t p;
    probe("{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
          "\"map\":{\"version\":3,\"debugId\":\"inner\",\"mappings\":\"\"}}],\"debugId\":\"outer\"}",
          &p, LSM_OK);
    CHECK_EQ(p.is_index, 1);
    check_id(&p, "outer");
    probe("{\"sections\":null}", &p, LSM_OK);
    CHECK_EQ(p.is_index, 1);
    probe("\xEF\xBB\xBF)]}'\n{\"debugId\":\"after-prefix\"}", &p, LSM_OK);
    check_id(&p, "after-prefix");
}

static void test_errors(void) {
    lsm_json_probe_t p;
    probe("[1,2]", &p, LSM_ERR_NOT_AN_OBJECT);
    probe("\"debugId\"", &p, LSM_ERR_NOT_AN_OBJECT);
    probe("3", &p, LSM_ERR_NOT_AN_OBJECT);
    probe("", &p, LSM_ERR_JSON);
    probe("{\"debugId\":\"x\"", &p, LSM_ERR_JSON);
    probe("{\"debugId\":\"x\"} {}", &p, LSM_ERR_JSON);
    probe("{\"debugId\":12}", &p, LSM_ERR_BAD_DEBUG_ID);
    probe("{\"debug_id\":[]}", &p, LSM_ERR_BAD_DEBUG_ID);
    probe("{\"debugId\":\"\xC3\x28\"}", &p, LSM_ERR_INVALID_UTF8);
    /* Strings elsewhere are not checked for UTF-8. */
    probe("{\"x\":\"\xC3\x28\",\"debugId\":\"ok\"}", &p, LSM_OK);
    check_id(&p, "ok");

    sb_t deep = {0};
    sb_puts(&deep, "{\"a\":");
    for (int i = 0; i < 1000; i++)
        sb_puts(&deep, "[");
    for (int i = 0; i < 1000; i++)
        sb_puts(&deep, "]");
    sb_puts(&deep, "}");
    probe(sb_str(&deep), &p, LSM_ERR_JSON_DEPTH);
    sb_free(&deep);

    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_json_probe("{}", 2, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_json_probe(NULL, 1, &p, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_json_probe(NULL, 0, &p, &err), -1);
    CHECK_ERR(err, LSM_ERR_JSON);
    CHECK_EQ(lsm_json_probe("{}", 2, &p, NULL), 0);
}

/* Every spec case the view parses: the probe finds the same debug ID and
 * index flag as the view. */
static void test_agrees_with_the_view(void) {
    const char *path = env_or("LSM_SPEC_DIR", "tests/spec");
    int compared = 0;
    DIR *dh = opendir(path);
    CHECK(dh != NULL);
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".map") != 0)
            continue;
        size_t len = 0;
        char *bytes = read_file(path_join(path, e->d_name), &len);
        if (!bytes)
            continue;
        lsm_view_t *view = lsm_view_from_json(bytes, len, NULL);
        if (view) {
            lsm_json_probe_t p;
            lsm_error_t err;
            if (lsm_json_probe(bytes, len, &p, &err) != 0) {
                check_fail(__FILE__, __LINE__, "%s: probe failed", e->d_name);
                check_print_error(&err);
            } else {
                size_t vlen = 0;
                const char *vid = lsm_view_debug_id(view, &vlen);
                if (!p.debug_id_escaped) {
                    CHECK_EQ(p.debug_id == NULL, vid == NULL);
                    CHECK(vid == NULL ||
                          (p.debug_id_len == vlen && memcmp(p.debug_id, vid, vlen) == 0));
                }
                CHECK_EQ(p.is_index, lsm_view_is_index(view));
                compared++;
            }
            lsm_view_free(view);
        }
        free(bytes);
    }
    if (dh)
        closedir(dh);
    printf("# compared %d spec cases with the view\n", compared);
    CHECK(compared > 0);
}

/* For N = 1, 2, ... the Nth allocation fails: the probe succeeds or fails
 * with LSM_ERR_NOMEM, and frees everything. */
static void test_out_of_memory(void) {
    const char *json = "{\"version\":3,\"sections\":[[[[{\"a\":\"\\u0041\"}]]]],"
                       "\"debugId\":\"id\",\"x\":[1,2,3,{\"y\":[true,false,null]}]}";
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1; n < 1000; n++) {
        lsm_json_probe_t p;
        lsm_error_t err;
        lsm_alloc_fail_after(n);
        int rc = lsm_json_probe(json, strlen(json), &p, &err);
        lsm_alloc_fail_after(0);
        CHECK_EQ(lsm_alloc_live(), live);
        if (rc == 0) {
            check_id(&p, "id");
            CHECK_EQ(p.is_index, 1);
            CHECK(n > 1); /* at least one allocation failed on the way */
            return;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
    }
    CHECK(!"the probe never got through");
}

int main(void) {
    RUN(test_debug_ids);
    RUN(test_escaped_debug_id);
    RUN(test_index_and_prefixes);
    RUN(test_errors);
    RUN(test_agrees_with_the_view);
    RUN(test_out_of_memory);
    return check_finish();
}
