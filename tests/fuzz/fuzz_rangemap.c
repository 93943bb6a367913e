/* Fuzz target: "rangeMappings" against a "mappings" string, in each of the
 * three encodings, and the React Native extensions' decoders. Input: one
 * byte choosing the encoding (its low two bits: current, 1-based, bit
 * field), then newline-separated parts: the mappings, the rangeMappings,
 * a Metro function map's mappings (names "a", "b", "c"), and bytes that
 * become the Hermes function offsets of segment 0. The strings go into a
 * map's JSON (bytes JSON cannot hold as they are become '?'). An accepted
 * map must have no more range tokens than tokens, agree with itself
 * through a cache file, answer lookups both ways at every token and
 * around it with original positions that stay mapped, and name functions
 * only with the function map's names; a rejected one must say why with a
 * known code. A violated invariant traps. Always built with replay.c as
 * fuzz-replay-rangemap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

static void put_string(char *out, size_t *at, const uint8_t *s, size_t n) {
    out[(*at)++] = '"';
    for (size_t i = 0; i < n; i++)
        out[(*at)++] = (s[i] < 0x20 || s[i] >= 0x80 || s[i] == '"' || s[i] == '\\') ? '?'
                                                                                   : (char)s[i];
    out[(*at)++] = '"';
}

static void check_names(const lsm_view_t *v, uint32_t src, uint32_t line, uint32_t col) {
    size_t n = 0;
    const char *s = lsm_view_function_name_at(v, src, line, col, &n, NULL);
    if (s)
        REQUIRE(n == 1 && (s[0] == 'a' || s[0] == 'b' || s[0] == 'c') && s[1] == 0);
}

static void check_view(lsm_view_t *v) {
    uint32_t tokens = lsm_view_token_count(v), ranges = lsm_view_range_mapping_count(v);
    REQUIRE(ranges <= tokens);
    uint32_t seen = 0;
    for (uint32_t i = 0; i < tokens && i < 4096; i++) {
        lsm_token_t t, u;
        REQUIRE(lsm_view_get_token(v, i, &t, NULL) == 0);
        int range = lsm_view_token_is_range(v, i);
        seen += (uint32_t)range;
        if (range)
            REQUIRE(t.src_id != LSM_NO_ID); /* ranges need an original position */
        for (uint32_t d = 0; d < 3; d++) {
            for (int rule = LSM_RULE_GREATEST_LOWER_BOUND; rule <= LSM_RULE_LEAST_UPPER_BOUND;
                 rule++) {
                int found = lsm_lookup_ex(v, t.dst_line + (d == 2), t.dst_col + d, rule, &u, NULL);
                REQUIRE(found == 0 || found == 1);
                if (found)
                    REQUIRE(u.src_line != LSM_NO_ID && u.src_col != LSM_NO_ID);
            }
        }
        if (t.src_id != LSM_NO_ID) {
            check_names(v, t.src_id, t.src_line, t.src_col);
            check_names(v, t.src_id, t.src_line + 1, 0);
            int found = lsm_generated_position_for(v, t.src_id, t.src_line, t.src_col + 1,
                                                   LSM_RULE_GREATEST_LOWER_BOUND, &u, NULL);
            REQUIRE(found == 0 || found == 1);
            if (found)
                REQUIRE(u.dst_line != LSM_NO_ID && u.dst_col != LSM_NO_ID);
        }
    }
    if (tokens <= 4096)
        REQUIRE(seen == ranges);
    uint8_t *bytes = NULL;
    size_t len = 0;
    REQUIRE(lsm_view_dump_cache(v, LSM_CACHE_DEFAULT, &bytes, &len, NULL) == 0);
    lsm_view_t *c = lsm_view_from_cache(bytes, len, NULL);
    REQUIRE(c != NULL);
    REQUIRE(lsm_view_range_mapping_count(c) == ranges);
    for (uint32_t i = 0; i < tokens && i < 4096; i++)
        REQUIRE(lsm_view_token_is_range(c, i) == lsm_view_token_is_range(v, i));
    REQUIRE(lsm_view_has_function_maps(c) == lsm_view_has_function_maps(v));
    uint32_t fns = lsm_view_hermes_function_count(v, 0);
    REQUIRE(lsm_view_hermes_function_count(c, 0) == fns);
    for (uint32_t f = 0; f <= fns && f < 64; f++) {
        uint32_t l1 = 0, c1 = 0, l2 = 0, c2 = 0;
        int r1 = lsm_view_hermes_position(v, 0, f, 3, &l1, &c1, NULL);
        int r2 = lsm_view_hermes_position(c, 0, f, 3, &l2, &c2, NULL);
        REQUIRE(r1 == (f < fns) && r1 == r2 && l1 == l2 && c1 == c2);
    }
    for (uint32_t line = 0; line < 4; line++)
        for (uint32_t col = 0; col < 8; col++) {
            size_t n1 = 0, n2 = 0;
            const char *a = lsm_view_function_name_at(v, 0, line, col, &n1, NULL);
            const char *b = lsm_view_function_name_at(c, 0, line, col, &n2, NULL);
            REQUIRE((a == NULL) == (b == NULL) && n1 == n2 && (!a || memcmp(a, b, n1) == 0));
        }
    lsm_view_free(c);
    lsm_buffer_free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536)
        return 0;
    static const uint32_t FLAGS[4] = {0, LSM_LOAD_RANGE_MAPPINGS_ONE_BASED,
                                      LSM_LOAD_RANGE_MAPPINGS_BITS, 0};
    uint32_t flags = FLAGS[data[0] & 3];
    data++;
    size--;
    /* Up to four newline-separated parts. */
    const uint8_t *part[4] = {data, NULL, NULL, NULL};
    size_t plen[4] = {size, 0, 0, 0};
    for (int k = 1; k < 4; k++) {
        const uint8_t *nl = memchr(part[k - 1], '\n', plen[k - 1]);
        if (!nl)
            break;
        part[k] = nl + 1;
        plen[k] = plen[k - 1] - (size_t)(nl + 1 - part[k - 1]);
        plen[k - 1] = (size_t)(nl - part[k - 1]);
    }
    const uint8_t *nl = part[1];
    size_t mlen = plen[0];
    const uint8_t *ranges = part[1];
    size_t rlen = plen[1];
    static const char HEAD[] = "{\"version\":3,\"names\":[\"n\"],\"sources\":[\"a.js\",\"b.js\"],"
                               "\"mappings\":";
    char *json = malloc(sizeof HEAD + size * 12 + 256);
    if (!json)
        return 0;
    size_t at = 0;
    memcpy(json, HEAD, sizeof HEAD - 1);
    at = sizeof HEAD - 1;
    put_string(json, &at, data, mlen);
    if (nl) {
        memcpy(json + at, ",\"rangeMappings\":", 17);
        at += 17;
        put_string(json, &at, ranges, rlen);
    }
    if (part[2]) {
        static const char FB[] = ",\"x_facebook_sources\":[[{\"names\":[\"a\",\"b\",\"c\"],"
                                 "\"mappings\":";
        memcpy(json + at, FB, sizeof FB - 1);
        at += sizeof FB - 1;
        put_string(json, &at, part[2], plen[2]);
        memcpy(json + at, "}]]", 3);
        at += 3;
    }
    if (part[3]) {
        static const char HO[] = ",\"x_hermes_function_offsets\":{\"0\":[";
        memcpy(json + at, HO, sizeof HO - 1);
        at += sizeof HO - 1;
        for (size_t k = 0; k < plen[3]; k++)
            at += (size_t)sprintf(json + at, "%s%u", k ? "," : "", (unsigned)part[3][k] * 1000u);
        memcpy(json + at, "]}", 2);
        at += 2;
    }
    json[at++] = '}';
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    lsm_view_t *v = lsm_view_from_json_ex(json, at, flags, &err);
    if (v) {
        REQUIRE(err.code == LSM_OK);
        check_view(v);
        lsm_view_free(v);
    } else {
        REQUIRE(err.code != LSM_OK);
        REQUIRE(strcmp(lsm_error_name(err.code), "LSM_ERR_UNKNOWN") != 0);
        REQUIRE(memchr(err.message, 0, sizeof err.message) != NULL);
    }
    free(json);
    return 0;
}
