/* React Native's extensions from C: function maps and Hermes offsets read
 * with the map, kept through index maps and cache files, left out when
 * malformed, and every allocation failure reported without a leak. The
 * real-producer fixtures are checked from Python (test_hermes.py). */
#include "check.h"
#include "internal.h"
#include "util.h"

static const char *const MAP =
    "{\"version\":3,\"sources\":[\"a.js\",\"b.js\"],\"names\":[],\"mappings\":\"AAAA\","
    "\"x_facebook_sources\":[[{\"names\":[\"<global>\",\"foo\",\"bar\"],"
    "\"mappings\":\"AAA,EC;ICC\"}],null],"
    "\"x_hermes_function_offsets\":{\"0\":[0,73,85],\"1\":[5]}}";

static const char *name_at(const lsm_view_t *v, uint32_t src, uint32_t line, uint32_t col) {
    size_t n = 99;
    lsm_error_t err;
    const char *s = lsm_view_function_name_at(v, src, line, col, &n, &err);
    CHECK_EQ(err.code, LSM_OK);
    if (!s)
        CHECK_EQ(n, (size_t)0);
    return s;
}

static void check_answers(const lsm_view_t *v) {
    CHECK_EQ(lsm_view_has_function_maps(v), 1);
    const char *s = name_at(v, 0, 0, 1);
    CHECK(s && strcmp(s, "<global>") == 0);
    s = name_at(v, 0, 0, 2);
    CHECK(s && strcmp(s, "foo") == 0);
    s = name_at(v, 0, 1, 4);
    CHECK(s && strcmp(s, "bar") == 0);
    CHECK(name_at(v, 1, 0, 0) == NULL);
    uint32_t line = 0, col = 0;
    CHECK_EQ(lsm_view_hermes_position(v, 0, 2, 10, &line, &col, NULL), 1);
    CHECK_EQ(line, 0u);
    CHECK_EQ(col, 95u);
    CHECK_EQ(lsm_view_hermes_position(v, 1, 0, 1, &line, &col, NULL), 1);
    CHECK_EQ(line, 1u);
    CHECK_EQ(col, 6u);
    CHECK_EQ(lsm_view_hermes_position(v, 0, 3, 0, &line, &col, NULL), 0);
    CHECK_EQ(line, LSM_NO_ID);
    CHECK_EQ(lsm_view_hermes_position(v, 2, 0, 0, &line, &col, NULL), 0);
    CHECK_EQ(lsm_view_hermes_function_count(v, 0), 3u);
    CHECK_EQ(lsm_view_hermes_function_count(v, 7), 0u);
}

static void read_with_the_map(void) {
    lsm_error_t err;
    lsm_view_t *v = lsm_view_from_json(MAP, strlen(MAP), &err);
    CHECK(v != NULL);
    if (!v)
        return;
    check_answers(v);
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache(v, LSM_CACHE_DEFAULT, &bytes, &len, &err), 0);
    lsm_view_t *c = lsm_view_from_cache(bytes, len, &err);
    CHECK(c != NULL);
    if (c) {
        check_answers(c);
        lsm_view_free(c);
    }
    lsm_buffer_free(bytes);
    lsm_view_free(v);
}

static void misuse(void) {
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    size_t n = 5;
    CHECK(lsm_view_function_name_at(NULL, 0, 0, 0, &n, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(n, (size_t)0);
    uint32_t line, col;
    CHECK_EQ(lsm_view_hermes_position(NULL, 0, 0, 0, &line, &col, &err), -1);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
    lsm_view_t *v = lsm_view_from_json(MAP, strlen(MAP), NULL);
    CHECK(lsm_view_function_name_at(v, 2, 0, 0, NULL, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_OUT_OF_RANGE);
    CHECK_EQ(lsm_view_hermes_position(v, 0, 0, 0, NULL, &col, &err), -1);
    CHECK_EQ(lsm_view_has_function_maps(NULL), 0);
    CHECK_EQ(lsm_view_hermes_function_count(NULL, 0), 0u);
    /* An offset that would pass 32 bits is not a position. */
    CHECK_EQ(lsm_view_hermes_position(v, 0, 0, 4294967295u, &line, &col, &err), 0);
    lsm_view_free(v);
}

/* Vendor fields: anything malformed is left out, the map still loads. */
static void malformed_is_left_out(void) {
    static const char *const fields[] = {
        "\"x_facebook_sources\":7",
        "\"x_facebook_sources\":[[{\"names\":[\"a\"],\"mappings\":\"AC\"}]]",
        "\"x_facebook_sources\":[[{\"names\":[\"a\"],\"mappings\":\"AAAAA\"}]]",
        "\"x_facebook_sources\":[[{\"names\":[\"a\"],\"mappings\":\"gggggggggB\"}]]",
        "\"x_facebook_sources\":[[{\"mappings\":\"AAA\"}]]",
        "\"x_facebook_sources\":[[{\"names\":{},\"mappings\":\"AAA\"}]]",
        "\"x_facebook_sources\":[[[\"names\"]]]",
        "\"x_hermes_function_offsets\":[1,2]",
        "\"x_hermes_function_offsets\":{\"a\":[1]}",
        "\"x_hermes_function_offsets\":{\"0\":[-1]}",
        "\"x_hermes_function_offsets\":{\"0\":[1.5]}",
        "\"x_hermes_function_offsets\":{\"0\":{}}",
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\",%s}",
                 fields[i]);
        lsm_error_t err;
        lsm_view_t *v = lsm_view_from_json(json, strlen(json), &err);
        CHECK(v != NULL);
        if (!v) {
            printf("# %s: %s\n", fields[i], err.message);
            continue;
        }
        CHECK_EQ(lsm_view_has_function_maps(v), 0);
        uint32_t line, col;
        int found = lsm_view_hermes_position(v, 0, 0, 0, &line, &col, NULL);
        CHECK_EQ(found, 0);
        if (found)
            printf("# %s: found %u\n", fields[i], col);
        lsm_view_free(v);
    }
}

static void out_of_memory(void) {
    int64_t live = lsm_alloc_live();
    bool done = false;
    for (uint64_t n = 1; n < 1000 && !done; n++) {
        lsm_error_t err;
        lsm_alloc_fail_after(n);
        lsm_view_t *v = lsm_view_from_json(MAP, strlen(MAP), &err);
        lsm_alloc_fail_after(0);
        if (v) {
            check_answers(v);
            lsm_view_free(v);
            done = true;
        } else {
            CHECK_EQ(err.code, LSM_ERR_NOMEM);
        }
        CHECK_EQ(lsm_alloc_live(), live);
    }
    CHECK(done);
    /* Writing and opening the cache file. */
    lsm_view_t *v = lsm_view_from_json(MAP, strlen(MAP), NULL);
    done = false;
    for (uint64_t n = 1; n < 1000 && !done && v; n++) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        lsm_error_t err;
        lsm_alloc_fail_after(n);
        int rc = lsm_view_dump_cache(v, LSM_CACHE_DEFAULT, &bytes, &len, &err);
        lsm_view_t *c = rc == 0 ? lsm_view_from_cache(bytes, len, &err) : NULL;
        lsm_alloc_fail_after(0);
        if (c) {
            check_answers(c);
            lsm_view_free(c);
            done = true;
        } else {
            CHECK_EQ(err.code, LSM_ERR_NOMEM);
        }
        lsm_buffer_free(bytes);
    }
    CHECK(done);
    lsm_view_free(v);
    CHECK_EQ(lsm_alloc_live(), live);
}

/* x_facebook_segments: each segment's own map, made on request. */
static void segment_maps(void) {
    static const char *const json =
        "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\","
        "\"x_facebook_segments\":{\"3\":{\"version\":3,\"sources\":[\"s.js\"],\"names\":[],"
        "\"mappings\":\"AAAA\",\"x_hermes_function_offsets\":{\"3\":[0,9]}},"
        "\"4\":[1],\"03\":{},\"5\":{\"version\":4}}}";
    int64_t live = lsm_alloc_live();
    bool done = false;
    for (uint64_t n = 1; n < 1000 && !done; n++) {
        lsm_error_t err;
        lsm_alloc_fail_after(n);
        lsm_view_t *v = lsm_view_from_json(json, strlen(json), &err);
        lsm_view_t *s = v ? lsm_view_segment_map(v, 3, LSM_LOAD_DEFAULT, &err) : NULL;
        lsm_alloc_fail_after(0);
        if (s) {
            uint32_t line, col;
            CHECK_EQ(lsm_view_hermes_position(s, 3, 1, 2, &line, &col, NULL), 1);
            CHECK_EQ(col, 11u);
            size_t len;
            const char *src = lsm_view_source_name(s, 0, &len, NULL);
            CHECK(src && strcmp(src, "s.js") == 0);
            CHECK(lsm_view_segment_map(v, 4, 0, &err) == NULL);
            CHECK_EQ(err.code, LSM_OK);
            CHECK(lsm_view_segment_map(v, 1, 0, &err) == NULL);
            CHECK_EQ(err.code, LSM_OK);
            CHECK(lsm_view_segment_map(v, 5, 0, &err) == NULL);
            CHECK_EQ(err.code, LSM_ERR_UNSUPPORTED_VERSION);
            CHECK(lsm_view_segment_map(NULL, 3, 0, &err) == NULL);
            CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
            done = true;
        } else {
            CHECK_EQ(err.code, LSM_ERR_NOMEM);
        }
        lsm_view_free(s);
        lsm_view_free(v);
        CHECK_EQ(lsm_alloc_live(), live);
    }
    CHECK(done);
}

int main(void) {
    RUN(read_with_the_map);
    RUN(misuse);
    RUN(malformed_is_left_out);
    RUN(out_of_memory);
    RUN(segment_maps);
    return check_finish();
}
