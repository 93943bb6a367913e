/* lsm_view_stats(): the figures of views made from JSON, from cache bytes
 * and from a cache file, and its argument checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "util.h"

static const char MAP[] =
    "{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],\"names\":[\"x\"],"
    "\"sourcesContent\":[\"let x;\",null],\"mappings\":\"AAAAA,CAAC;AACA\"}";

static void check_shape(const lsm_view_stats_t *s) {
    CHECK_EQ(s->tokens, 3);
    CHECK_EQ(s->sources, 2);
    CHECK_EQ(s->names, 1);
    CHECK_EQ(s->lines, 2);
    CHECK_EQ(s->is_index, 0);
}

static void test_from_json(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    lsm_view_stats_t s;
    memset(&s, 0xff, sizeof s);
    POISON(err);
    CHECK_EQ(lsm_view_stats(view, &s, &err), 0);
    CHECK_OK(err);
    check_shape(&s);
    CHECK_EQ(s.bytes_read, sizeof MAP - 1);
    CHECK_EQ(s.from_cache, 0);
    CHECK_EQ(s.mapped_bytes, 0);
    CHECK(s.parse_ns > 0);
    /* At least the struct, the blob and one record per token. */
    CHECK(s.memory_bytes >= sizeof *view + view->blob_len + 3);
    lsm_view_free(view);
}

static void test_index(void) {
    static const char INDEX[] =
        "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\"}}]}";
    lsm_view_t *view = lsm_view_from_json(INDEX, sizeof INDEX - 1, NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    lsm_view_stats_t s;
    CHECK_EQ(lsm_view_stats(view, &s, NULL), 0);
    CHECK_EQ(s.is_index, 1);
    CHECK_EQ(s.tokens, 1);
    CHECK_EQ(s.bytes_read, sizeof INDEX - 1);
    lsm_view_free(view);
}

static void test_from_cache(void) {
    lsm_error_t err;
    lsm_view_t *json = lsm_view_from_json(MAP, sizeof MAP - 1, NULL);
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK(json != NULL);
    if (!json)
        return;
    CHECK_EQ(lsm_view_dump_cache(json, LSM_CACHE_DEFAULT, &bytes, &len, NULL), 0);
    lsm_view_t *view = lsm_view_from_cache(bytes, len, NULL);
    CHECK(view != NULL);
    if (view) {
        lsm_view_stats_t s;
        POISON(err);
        CHECK_EQ(lsm_view_stats(view, &s, &err), 0);
        CHECK_OK(err);
        check_shape(&s);
        CHECK_EQ(s.bytes_read, len);
        CHECK_EQ(s.from_cache, 1);
        CHECK_EQ(s.mapped_bytes, 0);
        /* The bytes are the caller's: the view holds only itself. */
        CHECK_EQ(s.memory_bytes, sizeof *view);
        lsm_view_free(view);
    }

    char path[512];
    snprintf(path, sizeof path, "%s/lsm-test-stats-XXXXXX", env_or("TMPDIR", "/tmp"));
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        CHECK_EQ(lsm_view_write_cache(json, LSM_CACHE_DEFAULT, path, NULL), 0);
        view = lsm_view_from_cache_path(path, NULL);
        CHECK(view != NULL);
        if (view) {
            lsm_view_stats_t s;
            CHECK_EQ(lsm_view_stats(view, &s, NULL), 0);
            check_shape(&s);
            CHECK_EQ(s.bytes_read, len);
            CHECK_EQ(s.from_cache, 1);
            CHECK_EQ(s.mapped_bytes, len);
            CHECK_EQ(s.memory_bytes, sizeof *view + len);
            lsm_view_free(view);
        }
        unlink(path);
    }
    lsm_buffer_free(bytes);
    lsm_view_free(json);
}

static void test_arguments(void) {
    lsm_error_t err;
    lsm_view_stats_t s;
    memset(&s, 0xff, sizeof s);
    POISON(err);
    CHECK_EQ(lsm_view_stats(NULL, &s, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(s.tokens, 0);
    CHECK_EQ(s.memory_bytes, 0);
    CHECK_EQ(s.from_cache, 0);
    lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, NULL);
    POISON(err);
    CHECK_EQ(lsm_view_stats(view, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_view_stats(NULL, NULL, NULL), -1);
    lsm_view_free(view);
}

int main(void) {
    RUN(test_from_json);
    RUN(test_index);
    RUN(test_from_cache);
    RUN(test_arguments);
    return check_finish();
}
