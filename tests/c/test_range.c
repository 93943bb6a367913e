/* Range mappings ("rangeMappings"): the positions a lookup answers inside a
 * range, the three encodings, index maps, every error, and allocation
 * failures. The expected positions follow the proposal's text and the
 * conformance cases of its test suite (test426), rewritten here. */
#include "check.h"
#include "internal.h"
#include "util.h"

static lsm_view_t *load(const char *json, uint32_t flags, lsm_error_t *err) {
    return lsm_view_from_json_ex(json, strlen(json), flags, err);
}

/* Looks (line, col) up with `rule` and compares the original position. */
#define CHECK_AT(view, rule, line, col, want_line, want_col)                                  \
    do {                                                                                       \
        lsm_token_t t_;                                                                        \
        int found_ = lsm_lookup_ex((view), (line), (col), (rule), &t_, NULL);                  \
        CHECK_EQ(found_, 1);                                                                   \
        CHECK_EQ(t_.src_line, (uint32_t)(want_line));                                          \
        CHECK_EQ(t_.src_col, (uint32_t)(want_col));                                            \
    } while (0)

#define GLB LSM_RULE_GREATEST_LOWER_BOUND
#define SAME LSM_RULE_SAME_LINE
#define LUB LSM_RULE_LEAST_UPPER_BOUND

/* Line 1: segments at columns 1, 14, 16, 33 mapping to original columns
 * 0, 13, 16, 36; the first and third are ranges. */
static const char *const MULTI =
    "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
    "\"mappings\":\";CAAA,aAAa,EAAG,iBAAoB;A\",\"rangeMappings\":\";AC;\"}";

static void ranges_on_one_line(void) {
    lsm_error_t err;
    lsm_view_t *v = load(MULTI, 0, &err);
    CHECK(v != NULL);
    if (!v)
        return;
    CHECK_EQ(lsm_view_range_mapping_count(v), 2u);
    CHECK_EQ(lsm_view_token_is_range(v, 0), 1);
    CHECK_EQ(lsm_view_token_is_range(v, 1), 0);
    CHECK_EQ(lsm_view_token_is_range(v, 2), 1);
    CHECK_EQ(lsm_view_token_is_range(v, 3), 0);
    CHECK_EQ(lsm_view_token_is_range(v, 5), 0);
    CHECK_AT(v, GLB, 1, 1, 0, 0);
    CHECK_AT(v, GLB, 1, 2, 0, 1);
    CHECK_AT(v, GLB, 1, 13, 0, 12);  /* still inside the first range */
    CHECK_AT(v, GLB, 1, 15, 0, 13);  /* a plain mapping: no offset */
    CHECK_AT(v, GLB, 1, 16, 0, 16);
    CHECK_AT(v, GLB, 1, 18, 0, 18);
    CHECK_AT(v, GLB, 1, 35, 0, 36);
    CHECK_AT(v, SAME, 1, 2, 0, 1);
    CHECK_AT(v, SAME, 1, 20, 0, 20);
    /* The least upper bound answers the token after: nothing to add. */
    CHECK_AT(v, LUB, 1, 2, 0, 13);
    CHECK_AT(v, LUB, 1, 1, 0, 0);
    /* The token keeps its own generated position. */
    lsm_token_t t;
    CHECK_EQ(lsm_lookup(v, 1, 5, &t, NULL), 1);
    CHECK_EQ(t.dst_line, 1u);
    CHECK_EQ(t.dst_col, 1u);
    CHECK_EQ(t.src_col, 4u);
    /* Batches agree with single lookups. */
    uint32_t lines[3] = {1, 1, 1}, cols[3] = {2, 15, 18};
    lsm_token_t many[3];
    CHECK_EQ(lsm_lookup_many(v, lines, cols, 3, GLB, many, NULL), 3);
    CHECK_EQ(many[0].src_col, 1u);
    CHECK_EQ(many[1].src_col, 13u);
    CHECK_EQ(many[2].src_col, 18u);
    uint32_t dl[3], dc[3], sl[3], sc[3], si[3], ni[3];
    CHECK_EQ(lsm_lookup_columns(v, lines, cols, 3, GLB, dl, dc, sl, sc, si, ni, NULL), 3);
    CHECK_EQ(sc[0], 1u);
    CHECK_EQ(sc[1], 13u);
    CHECK_EQ(sc[2], 18u);
    lsm_view_free(v);
}

/* A range goes on through newlines up to the next token. */
static void ranges_cross_lines(void) {
    lsm_view_t *v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
                         "\"mappings\":\"CAAA;GACG\",\"rangeMappings\":\"A;\"}",
                         0, NULL);
    CHECK(v != NULL);
    if (!v)
        return;
    CHECK_AT(v, GLB, 0, 1, 0, 0);
    CHECK_AT(v, GLB, 0, 7, 0, 6);
    CHECK_AT(v, GLB, 1, 0, 1, 0);
    CHECK_AT(v, GLB, 1, 2, 1, 2);
    CHECK_AT(v, GLB, 1, 3, 1, 3);    /* the next token, not a range */
    CHECK_AT(v, GLB, 1, 9, 1, 3);
    /* SAME_LINE never leaves the line. */
    lsm_token_t t;
    CHECK_EQ(lsm_lookup_ex(v, 1, 2, SAME, &t, NULL), 0);
    lsm_view_free(v);
    /* Several lines down. */
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
             "\"mappings\":\"AAEE;;;\",\"rangeMappings\":\"A\"}",
             0, NULL);
    CHECK(v != NULL);
    if (v) {
        CHECK_AT(v, GLB, 0, 5, 2, 7);
        CHECK_AT(v, GLB, 3, 4, 5, 4);
        lsm_view_free(v);
    }
}

/* Original -> generated inside a range. */
static void reverse_lookups(void) {
    lsm_view_t *v = load(MULTI, 0, NULL);
    CHECK(v != NULL);
    if (!v)
        return;
    lsm_token_t t;
    /* Original column 5: inside the range at generated column 1. */
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 5, GLB, &t, NULL), 1);
    CHECK_EQ(t.dst_line, 1u);
    CHECK_EQ(t.dst_col, 6u);
    CHECK_EQ(t.src_col, 5u);
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 5, LUB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 6u);
    /* Original 13 is a token of its own; 15 lies past the first range's
     * reach (generated 14 is the next token) and after the plain token
     * at 13: the rules answer as without ranges. */
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 13, GLB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 14u);
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 15, GLB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 14u);
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 15, LUB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 16u);
    /* Original 20: in the second range (generated 16 -> original 16),
     * which reaches generated 32. */
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 20, GLB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 20u);
    /* Original 35: the range would put it at generated 35, past the
     * token at 33; that token (original 36) is after it. */
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 35, LUB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 33u);
    CHECK_EQ(lsm_generated_position_for(v, 0, 0, 35, GLB, &t, NULL), 1);
    CHECK_EQ(t.dst_col, 16u);
    lsm_view_free(v);
}

/* A cache file carries the range tokens in an optional section. */
static void cache_files(void) {
    lsm_view_t *v = load(MULTI, 0, NULL);
    CHECK(v != NULL);
    if (!v)
        return;
    uint8_t *bytes = NULL, *again = NULL;
    size_t len = 0, again_len = 0;
    lsm_error_t err;
    CHECK_EQ(lsm_view_dump_cache(v, LSM_CACHE_DEFAULT, &bytes, &len, &err), 0);
    lsm_view_t *c = lsm_view_from_cache(bytes, len, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(lsm_view_range_mapping_count(c), 2u);
        CHECK_EQ(lsm_view_token_is_range(c, 2), 1);
        CHECK_EQ(lsm_view_token_is_range(c, 1), 0);
        CHECK_AT(c, GLB, 1, 18, 0, 18);
        CHECK_AT(c, GLB, 1, 15, 0, 13);
        lsm_token_t t;
        CHECK_EQ(lsm_generated_position_for(c, 0, 0, 5, GLB, &t, NULL), 1);
        CHECK_EQ(t.dst_col, 6u);
        /* A cache of the cache is the same file. */
        CHECK_EQ(lsm_view_dump_cache(c, LSM_CACHE_DEFAULT, &again, &again_len, NULL), 0);
        CHECK_EQ(again_len, len);
        CHECK(again && memcmp(again, bytes, len) == 0);
        lsm_buffer_free(again);
        lsm_view_free(c);
    }
    /* The range section is the last one: swap its two indices. */
    if (bytes && len > 8) {
        uint8_t *copy = malloc(len);
        memcpy(copy, bytes, len);
        uint8_t tmp[4];
        memcpy(tmp, copy + len - 8, 4);
        memcpy(copy + len - 8, copy + len - 4, 4);
        memcpy(copy + len - 4, tmp, 4);
        c = lsm_view_from_cache(copy, len, &err);
        CHECK(c == NULL);
        CHECK_EQ(err.code, LSM_ERR_CACHE_CORRUPT);
        lsm_view_free(c);
        /* An index past the tokens. */
        memcpy(copy, bytes, len);
        copy[len - 4] = 200;
        c = lsm_view_from_cache(copy, len, &err);
        CHECK(c == NULL);
        CHECK_EQ(err.code, LSM_ERR_CACHE_CORRUPT);
        lsm_view_free(c);
        free(copy);
    }
    lsm_buffer_free(bytes);
    lsm_view_free(v);
    /* Without ranges, the file has no optional section. */
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],\"mappings\":\"AAAA\"}", 0,
             NULL);
    CHECK_EQ(lsm_view_dump_cache(v, LSM_CACHE_DEFAULT, &bytes, &len, NULL), 0);
    c = lsm_view_from_cache(bytes, len, NULL);
    CHECK(c != NULL);
    CHECK_EQ(lsm_view_range_mapping_count(c), 0u);
    lsm_view_free(c);
    lsm_buffer_free(bytes);
    lsm_view_free(v);
}

/* lsm_view_to_json() writes "rangeMappings" (current encoding) so that
 * reading its output gives the same ranges. */
static void written_maps(void) {
    static const char *const maps[] = {
        "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
        "\"mappings\":\";CAAA,aAAa,EAAG,iBAAoB;A\",\"rangeMappings\":\";AC;\"}",
        "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
        "\"mappings\":\"CAAA;GACG;;AAAA,A,CAAC\",\"rangeMappings\":\"A;A;;AC\"}",
    };
    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        lsm_view_t *v = load(maps[m], 0, NULL);
        CHECK(v != NULL);
        if (!v)
            continue;
        uint8_t *json = NULL;
        size_t len = 0;
        lsm_error_t err;
        CHECK_EQ(lsm_view_to_json(v, LSM_JSON_DEFAULT, &json, &len, &err), 0);
        CHECK(json && strstr((const char *)json, "\"rangeMappings\":\"") != NULL);
        lsm_view_t *w = json ? lsm_view_from_json((const char *)json, len, &err) : NULL;
        CHECK(w != NULL);
        if (w) {
            CHECK_EQ(lsm_view_range_mapping_count(w), lsm_view_range_mapping_count(v));
            for (uint32_t i = 0; i < lsm_view_token_count(v); i++)
                CHECK_EQ(lsm_view_token_is_range(w, i), lsm_view_token_is_range(v, i));
            lsm_view_free(w);
        }
        lsm_buffer_free(json);
        lsm_view_free(v);
    }
    /* No ranges, no field. */
    lsm_view_t *v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],\"mappings\":\"AAAA\"}",
                         0, NULL);
    uint8_t *json = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_to_json(v, LSM_JSON_DEFAULT, &json, &len, NULL), 0);
    CHECK(json && strstr((const char *)json, "rangeMappings") == NULL);
    lsm_buffer_free(json);
    lsm_view_free(v);
}

static void old_encodings(void) {
    /* 1-based deltas: "B" is the first segment, "BC" the first and third. */
    const char *one = "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
                      "\"mappings\":\";CAAA,aAAa,EAAG,iBAAoB\",\"rangeMappings\":\";BC\"}";
    lsm_error_t err;
    lsm_view_t *v = load(one, LSM_LOAD_RANGE_MAPPINGS_ONE_BASED, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK_EQ(lsm_view_token_is_range(v, 0), 1);
        CHECK_EQ(lsm_view_token_is_range(v, 1), 0);
        CHECK_EQ(lsm_view_token_is_range(v, 2), 1);
        CHECK_AT(v, GLB, 1, 18, 0, 18);
        lsm_view_free(v);
    }
    /* Read as the current encoding, the same string marks others. */
    v = load(one, 0, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK_EQ(lsm_view_token_is_range(v, 0), 0);
        CHECK_EQ(lsm_view_token_is_range(v, 1), 1);
        CHECK_EQ(lsm_view_token_is_range(v, 3), 1);
        lsm_view_free(v);
    }
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
             "\"mappings\":\"AAAA,CAAC\",\"rangeMappings\":\"A\"}",
             LSM_LOAD_RANGE_MAPPINGS_ONE_BASED, &err);
    CHECK(v == NULL);
    CHECK_EQ(err.code, LSM_ERR_RANGE_NOT_INCREASING);
    /* Bit fields: "F" = 0b000101 marks the first and third segments. */
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
             "\"mappings\":\"AAAA,CAAC,CAAC,CAAC,CAAC,CAAC,CAAC\",\"rangeMappings\":\"FB\"}",
             LSM_LOAD_RANGE_MAPPINGS_BITS, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK_EQ(lsm_view_range_mapping_count(v), 3u);
        CHECK_EQ(lsm_view_token_is_range(v, 0), 1);
        CHECK_EQ(lsm_view_token_is_range(v, 2), 1);
        CHECK_EQ(lsm_view_token_is_range(v, 6), 1);
        CHECK_EQ(lsm_view_token_is_range(v, 1), 0);
        lsm_view_free(v);
    }
    /* A zero bit past the segments is padding; a set one is not. */
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
             "\"mappings\":\"AAAA\",\"rangeMappings\":\"BA\"}",
             LSM_LOAD_RANGE_MAPPINGS_BITS, &err);
    CHECK(v != NULL);
    lsm_view_free(v);
    v = load("{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
             "\"mappings\":\"AAAA\",\"rangeMappings\":\"C\"}",
             LSM_LOAD_RANGE_MAPPINGS_BITS, &err);
    CHECK(v == NULL);
    CHECK_EQ(err.code, LSM_ERR_RANGE_OUT_OF_RANGE);
    v = load(one, LSM_LOAD_RANGE_MAPPINGS_ONE_BASED | LSM_LOAD_RANGE_MAPPINGS_BITS, &err);
    CHECK(v == NULL);
    CHECK_EQ(err.code, LSM_ERR_INVALID_ARGUMENT);
}

/* In an index map each section's rangeMappings counts its own segments;
 * the section's offset moves them, and its end clips them. */
static void index_maps(void) {
    const char *json =
        "{\"version\":3,\"sections\":["
        "{\"offset\":{\"line\":0,\"column\":10},\"map\":{\"version\":3,\"names\":[],"
        "\"sources\":[\"a.js\"],\"mappings\":\"AAAA,KAAK\",\"rangeMappings\":\"B\"}},"
        "{\"offset\":{\"line\":0,\"column\":30},\"map\":{\"version\":3,\"names\":[],"
        "\"sources\":[\"b.js\"],\"mappings\":\"AAAA;AACA\",\"rangeMappings\":\";A\"}}]}";
    lsm_error_t err;
    lsm_view_t *v = load(json, 0, &err);
    CHECK(v != NULL);
    if (!v)
        return;
    CHECK_EQ(lsm_view_range_mapping_count(v), 2u);
    CHECK_EQ(lsm_view_token_is_range(v, 1), 1); /* a.js at 15 */
    CHECK_EQ(lsm_view_token_is_range(v, 3), 1); /* b.js at line 1 */
    CHECK_AT(v, GLB, 0, 12, 0, 0);
    CHECK_AT(v, GLB, 0, 20, 0, 10);
    CHECK_AT(v, GLB, 1, 4, 1, 4);
    lsm_view_free(v);
    /* A range past the next section's offset is an overlap, which
     * ECMA-426 forbids. */
    json = "{\"version\":3,\"sections\":["
           "{\"offset\":{\"line\":0,\"column\":0},\"map\":{\"version\":3,\"names\":[],"
           "\"sources\":[\"a.js\"],\"mappings\":\"AAAA,UAAU\",\"rangeMappings\":\"AB\"}},"
           "{\"offset\":{\"line\":0,\"column\":5},\"map\":{\"version\":3,\"names\":[],"
           "\"sources\":[\"b.js\"],\"mappings\":\"AAAA\"}}]}";
    v = load(json, 0, &err);
    CHECK(v == NULL);
    CHECK_EQ(err.code, LSM_ERR_SECTION_ORDER);
}

static void valid_edges(void) {
    static const char *const ok[] = {
        "\"rangeMappings\":\"\"",
        "\"rangeMappings\":null",
        "\"rangeMappings\":\";;;;\"",
        "\"rangeMappings\":\"\\u0041\"", /* "A", escaped */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],\"mappings\":\"AAAA\",%s}",
                 ok[i]);
        lsm_error_t err;
        lsm_view_t *v = load(json, 0, &err);
        CHECK(v != NULL);
        if (!v)
            printf("# %s: %s\n", ok[i], err.message);
        lsm_view_free(v);
    }
    CHECK_EQ(lsm_view_range_mapping_count(NULL), 0u);
    CHECK_EQ(lsm_view_token_is_range(NULL, 0), 0);
}

typedef struct bad_case {
    const char *mappings;
    const char *ranges;     /* JSON value */
    int code;
    int64_t line, segment;
} bad_case_t;

static void errors(void) {
    static const bad_case_t cases[] = {
        {"AAAA", "[\"A\"]", LSM_ERR_BAD_RANGE_MAPPINGS, -1, -1},
        {"AAAA", "1", LSM_ERR_BAD_RANGE_MAPPINGS, -1, -1},
        {"AAAA", "{}", LSM_ERR_BAD_RANGE_MAPPINGS, -1, -1},
        {"AAAA", "\"B\"", LSM_ERR_RANGE_OUT_OF_RANGE, 0, 1},
        {"AAAA", "\"mC\"", LSM_ERR_RANGE_OUT_OF_RANGE, 0, 70},
        {"AAAA", "\"A;A\"", LSM_ERR_RANGE_OUT_OF_RANGE, 1, -1},
        {"AAAA,CAAC", "\"AA\"", LSM_ERR_RANGE_NOT_INCREASING, 0, 0},
        {";A,EAAE", "\";A\"", LSM_ERR_RANGE_NO_ORIGINAL, 1, 0},
        {"A", "\"A\"", LSM_ERR_RANGE_NO_ORIGINAL, 0, 0},
        {"AAAA", "\"!\"", LSM_ERR_VLQ_INVALID_DIGIT, 0, -1},
        {"AAAA", "\"A,B\"", LSM_ERR_VLQ_INVALID_DIGIT, 0, -1},
        {"AAAA", "\"g\"", LSM_ERR_VLQ_UNTERMINATED, 0, -1},
        {"AAAA", "\"gggggggB\"", LSM_ERR_VLQ_OVERFLOW, 0, -1},
        {"AAAA", "\"\\u00e9\"", LSM_ERR_VLQ_INVALID_DIGIT, 0, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case_t *c = &cases[i];
        char json[256];
        snprintf(json, sizeof json,
                 "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],\"mappings\":\"%s\","
                 "\"rangeMappings\":%s}",
                 c->mappings, c->ranges);
        lsm_error_t err;
        memset(&err, 0xff, sizeof err);
        lsm_view_t *v = load(json, 0, &err);
        CHECK(v == NULL);
        lsm_view_free(v);
        CHECK_EQ(err.code, c->code);
        CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        CHECK(strlen(err.message) > 0);
        if (c->code != LSM_ERR_BAD_RANGE_MAPPINGS) {
            CHECK_EQ(err.line, c->line);
            CHECK_EQ(err.segment, c->segment);
        }
        if (err.code != c->code)
            printf("# case %zu: %s: %s\n", i, lsm_error_name(err.code), err.message);
        CHECK(strcmp(lsm_error_name(c->code), "LSM_ERR_UNKNOWN") != 0);
    }
}

/* Every allocation that fails gives LSM_ERR_NOMEM and leaks nothing. */
static void out_of_memory(void) {
    const char *json =
        "{\"version\":3,\"sections\":["
        "{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        "{\"version\":3,\"names\":[],\"sources\":[\"a.js\"],"
        "\"mappings\":\";CAAA,aAAa,EAAG,iBAAoB;A\",\"rangeMappings\":\";AC;\"}}]}";
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1; n < 1000; n++) {
        lsm_error_t err;
        lsm_alloc_fail_after(n);
        lsm_view_t *v = load(json, 0, &err);
        lsm_alloc_fail_after(0);
        if (v) {
            CHECK_EQ(lsm_view_range_mapping_count(v), 2u);
            lsm_view_free(v);
            break;
        }
        CHECK_EQ(err.code, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), live);
    }
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(ranges_on_one_line);
    RUN(ranges_cross_lines);
    RUN(reverse_lookups);
    RUN(cache_files);
    RUN(written_maps);
    RUN(old_encodings);
    RUN(index_maps);
    RUN(valid_edges);
    RUN(errors);
    RUN(out_of_memory);
    return check_finish();
}
