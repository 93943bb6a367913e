/* Fuzz target: arbitrary bytes as a source map (JSON, or a cache file
 * when they start with the cache magic), through the writing side.
 *
 * For every view that loads: lsm_view_to_json() succeeds (a cache file's
 * string may fail with LSM_ERR_INVALID_UTF8 or LSM_ERR_CACHE_CORRUPT) and its
 * output loads again with the same tokens (not required of a damaged
 * cache file's); every token's original
 * position is found by the reverse lookups (on its line, at its column);
 * the view composed with itself as every source's inner map, and rebuilt
 * token by token with the builder, load. A violated invariant traps.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-write test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

#define MAX_TOKENS 2000

static void same_tokens(const lsm_view_t *a, const lsm_view_t *b) {
    REQUIRE(lsm_view_token_count(a) == lsm_view_token_count(b));
    for (uint32_t i = 0; i < lsm_view_token_count(a) && i < MAX_TOKENS; i++) {
        lsm_token_t x, y;
        REQUIRE(lsm_view_get_token(a, i, &x, NULL) == 0);
        REQUIRE(lsm_view_get_token(b, i, &y, NULL) == 0);
        REQUIRE(x.dst_line == y.dst_line && x.dst_col == y.dst_col && x.src_id == y.src_id &&
                x.src_line == y.src_line && x.src_col == y.src_col && x.name_id == y.name_id);
    }
}

static void check_reverse(const lsm_view_t *view) {
    lsm_token_t found[4];
    for (uint32_t i = 0; i < lsm_view_token_count(view) && i < MAX_TOKENS; i++) {
        lsm_token_t t, r;
        REQUIRE(lsm_view_get_token(view, i, &t, NULL) == 0);
        if (t.src_id == LSM_NO_ID)
            continue;
        for (int rule = 0; rule <= 2; rule += 2) {
            REQUIRE(lsm_generated_position_for(view, t.src_id, t.src_line, t.src_col, rule, &r,
                                               NULL) == 1);
            REQUIRE(r.src_id == t.src_id && r.src_line == t.src_line && r.src_col == t.src_col);
            int64_t n = lsm_all_generated_positions_for(view, t.src_id, t.src_line, t.src_col,
                                                        rule, found, 4, NULL);
            REQUIRE(n >= 1);
            REQUIRE(found[0].src_line == t.src_line && found[0].src_col == t.src_col);
        }
        REQUIRE(lsm_all_generated_positions_for(view, t.src_id, t.src_line, LSM_NO_ID, 0, NULL,
                                                0, NULL) >= 1);
    }
}

/* Whether a token holds a column, original line or column, or index of
 * 2^31 or more (reached by sums), the only way a delta can outgrow what a
 * VLQ value says (LSM_ERR_TOO_LARGE from lsm_view_to_json()). */
static int has_31_bit_field(const lsm_view_t *view) {
    for (uint32_t i = 0; i < lsm_view_token_count(view); i++) {
        lsm_token_t t;
        REQUIRE(lsm_view_get_token(view, i, &t, NULL) == 0);
        if (t.dst_col >= 0x80000000u ||
            (t.src_id != LSM_NO_ID && (t.src_line >= 0x80000000u || t.src_col >= 0x80000000u ||
                                       t.src_id >= 0x80000000u)) ||
            (t.name_id != LSM_NO_ID && t.name_id >= 0x80000000u))
            return 1;
    }
    return 0;
}

static void check_view(const lsm_view_t *view, int from_cache) {
    lsm_error_t err;
    uint8_t *json = NULL;
    size_t len = 0;
    if (lsm_view_to_json(view, LSM_JSON_DEFAULT, &json, &len, &err) == 0) {
        REQUIRE(json[len] == 0);
        lsm_view_t *again = lsm_view_from_json((const char *)json, len, &err);
        /* A damaged cache file's view (tokens out of order, a line index
         * that skips tokens, values no map could hold) need not write a
         * map that loads, only not crash. */
        if (!from_cache) {
            REQUIRE(again != NULL);
            same_tokens(view, again);
        }
        lsm_view_free(again);
    } else {
        REQUIRE(json == NULL && len == 0);
        REQUIRE(err.code == LSM_ERR_NOMEM ||
                (err.code == LSM_ERR_TOO_LARGE && has_31_bit_field(view)) ||
                (from_cache && (err.code == LSM_ERR_INVALID_UTF8 ||
                                err.code == LSM_ERR_CACHE_CORRUPT)));
    }
    lsm_buffer_free(json);
    check_reverse(view);

    /* The view composed with itself: each source's inner map is the view. */
    uint32_t nsrc = lsm_view_source_count(view);
    if (nsrc <= 64) {
        const lsm_view_t *inner[64];
        for (uint32_t i = 0; i < nsrc; i++)
            inner[i] = view;
        lsm_view_t *c = lsm_compose(view, inner, nsrc, &err);
        if (!c)
            REQUIRE(err.code == LSM_ERR_NOMEM || err.code == LSM_ERR_INVALID_UTF8 ||
                    (err.code >= LSM_ERR_VLQ_INVALID_DIGIT && err.code <= LSM_ERR_NAME_OUT_OF_RANGE) ||
                    err.code == LSM_ERR_TOO_LARGE);
        lsm_view_free(c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lsm_error_t err;
    if (lsm_is_cache(data, size)) {
        /* A cache view borrows its bytes: give it an aligned copy. */
        uint8_t *copy = malloc(size ? size : 1);
        if (!copy)
            return 0;
        memcpy(copy, data, size);
        lsm_view_t *view = lsm_view_from_cache(copy, size, &err);
        if (view) {
            check_view(view, 1);
            lsm_view_free(view);
        }
        free(copy);
        return 0;
    }
    lsm_view_t *view = lsm_view_from_json((const char *)data, size, &err);
    if (view) {
        check_view(view, 0);
        lsm_view_free(view);
    }
    return 0;
}
