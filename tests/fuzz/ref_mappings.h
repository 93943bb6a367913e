/* The tests' reference decoder of "mappings" (ECMA-426, a value and a
 * digit at a time, no fast path, no packing), shared by the fuzz target
 * tests/fuzz/fuzz_mappings.c and the C test tests/c/test_mappings.c.
 * Test code only: static functions, one copy per including file. */
#ifndef LSM_TEST_REF_MAPPINGS_H
#define LSM_TEST_REF_MAPPINGS_H

#include <stdint.h>
#include <string.h>

#include "mappings.h"

typedef struct ref_token {
    uint32_t line;
    uint32_t f[F_COUNT];
} ref_token_t;

static int ref_digit(uint8_t c) {
    static const char ALPHABET[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *at = c ? memchr(ALPHABET, c, 64) : NULL;
    return at ? (int)(at - ALPHABET) : -1;
}

/* ECMA-426's decoding of a string the scan accepted, one digit at a time:
 * values of any length, "-0" is -2^31; then placed as `pl` says, each
 * line's tokens stably sorted by column. Returns the token count. */
static size_t ref_decode(const char *s, size_t len, const lsm_placement_t *pl, ref_token_t *out) {
    int64_t abs[F_COUNT] = {0, 0, 0, 0, 0};
    static const int order[F_COUNT] = {F_DST_COL, F_SRC_ID, F_SRC_LINE, F_SRC_COL, F_NAME_ID};
    uint32_t line = 0;
    size_t n = 0, pos = 0;
    while (pos < len) {
        if (s[pos] == ';') {
            line++;
            abs[F_DST_COL] = 0;
            pos++;
            continue;
        }
        if (s[pos] == ',') {
            pos++;
            continue;
        }
        int fields = 0;
        while (pos < len && ref_digit((uint8_t)s[pos]) >= 0) {
            uint64_t value = 0;
            unsigned shift = 0;
            int d;
            do {
                d = ref_digit((uint8_t)s[pos++]);
                if (shift < 64)
                    value |= (uint64_t)(d & 31) << shift;
                shift += 5;
            } while (d & 32);
            int64_t delta = (value & 1) ? (value == 1 ? -((int64_t)1 << 31) : -(int64_t)(value >> 1))
                                        : (int64_t)(value >> 1);
            abs[order[fields++]] += delta;
        }
        uint32_t l = line + pl->line_offset;
        uint32_t col = (uint32_t)abs[F_DST_COL] + (line == 0 ? pl->col_offset : 0);
        if (pl->clip && (l > pl->stop_line || (l == pl->stop_line && col >= pl->stop_col))) {
            if (l > pl->stop_line)
                break;
            continue;
        }
        ref_token_t *t = &out[n++];
        memset(t, 0, sizeof *t);
        t->line = l;
        t->f[F_DST_COL] = col;
        if (fields >= 4) {
            t->f[F_SRC_ID] = (uint32_t)abs[F_SRC_ID] + pl->src_base + 1;
            t->f[F_SRC_LINE] = (uint32_t)abs[F_SRC_LINE];
            t->f[F_SRC_COL] = (uint32_t)abs[F_SRC_COL];
            if (fields == 5)
                t->f[F_NAME_ID] = (uint32_t)abs[F_NAME_ID] + pl->name_base + 1;
        }
    }
    /* Insertion sort by column within each line: stable, and small inputs. */
    for (size_t i = 1; i < n; i++) {
        ref_token_t t = out[i];
        size_t j = i;
        while (j > 0 && out[j - 1].line == t.line && out[j - 1].f[F_DST_COL] > t.f[F_DST_COL]) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = t;
    }
    return n;
}

#endif
