/* Fuzz target: a "mappings" string on its own. The fast scan must agree
 * with the exact one (a value at a time, every check in order) on the
 * outcome, the error's code, offset, line and segment, and every figure of
 * the stats; an accepted string must decode into exactly the number of
 * tokens the scan counted, with lines in order, and every token must equal
 * what the reference decoder of ref_mappings.h (no fast path, no packing) makes
 * of the string, placed at the origin and again shifted, renumbered and
 * clipped as an index map's section would be. The first two bytes choose
 * the source and name counts, so index range errors are reached too. A
 * violated invariant traps. Built as a libFuzzer binary with -Dfuzzing=true
 * (clang); always built with replay.c as the fuzz-replay-mappings test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mappings.h"
#include "ref_mappings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

/* Decodes `s` into packed records with `pl` and checks every token and
 * the line index against the reference. */
static void check_decode(const char *s, size_t size, const lsm_mappings_stats_t *st,
                         const lsm_placement_t *pl) {
    /* Small inputs only (the reference sorts in quadratic time), and no
     * placement that would push a field past 32 bits. */
    if (st->segments >= 4000 || st->max[F_DST_COL] > UINT32_MAX - 64 ||
        st->max[F_SRC_ID] > UINT32_MAX - 64 || st->max[F_NAME_ID] > UINT32_MAX - 64 ||
        st->last_line > UINT32_MAX - 64)
        return;
    uint32_t max[F_COUNT];
    memcpy(max, st->max, sizeof max);
    max[F_DST_COL] += pl->col_offset;
    if (max[F_SRC_ID])
        max[F_SRC_ID] += pl->src_base;
    if (max[F_NAME_ID])
        max[F_NAME_ID] += pl->name_base;
    lsm_packing_t pk;
    lsm_packing_init(&pk, max);
    uint32_t lines = st->segments ? pl->line_offset + st->last_line + 1 : 0;
    uint8_t *records = calloc(1, (size_t)lsm_packing_bytes(&pk, st->segments));
    uint8_t *index = malloc(((size_t)lines + 1) * 4);
    ref_token_t *ref = malloc((st->segments + 1) * sizeof *ref);
    if (records && index && ref) {
        lsm_token_sink_t sink;
        memset(&sink, 0, sizeof sink);
        sink.records = records;
        sink.packing = &pk;
        sink.line_index = index;
        uint32_t started = 0;
        if (lsm_mappings_decode(s, size, st, pl, &sink) == 0 &&
            (started = sink.lines_started, lsm_sink_finish(&sink, started)) == 0) {
            size_t n = ref_decode(s, size, pl, ref);
            REQUIRE(sink.count == n);
            REQUIRE(pl->clip || (n == st->segments && started == lines));
            for (uint32_t l = 0; l < started; l++) {
                uint32_t first = lsm_rd32(index + l * 4), next = lsm_rd32(index + (l + 1) * 4);
                REQUIRE(first <= next && next <= n);
                for (uint32_t i = first; i < next; i++)
                    REQUIRE(ref[i].line == l);
            }
            REQUIRE(started == 0 || lsm_rd32(index + started * 4) == n);
            for (size_t i = 0; i < n; i++)
                for (int f = 0; f < F_COUNT; f++)
                    REQUIRE(lsm_field(records, &pk, i, f) == ref[i].f[f]);
        }
    }
    free(records);
    free(index);
    free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    /* Both sets of loops where the CPU has a choice (src/mappings.c). */
    lsm_mappings_choose_loops(size & 1 ? LSM_LOOPS_PLAIN : LSM_LOOPS_AUTO);
    uint32_t sources = data[0] == 255 ? UINT32_MAX : data[0];
    uint32_t names = data[1] == 255 ? UINT32_MAX : data[1];
    data += 2;
    size -= 2;
    /* The decoder relies on a non-digit after the string, as in the JSON
     * text (its closing quote). */
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '"';
    lsm_mappings_stats_t fast, exact;
    lsm_error_t ef, ee;
    memset(&ef, 0, sizeof ef);
    memset(&ee, 0, sizeof ee);
    int rf = lsm_mappings_scan(s, size, sources, names, &fast, &ef);
    int re = lsm_mappings_scan_exact(s, size, sources, names, &exact, &ee);
    REQUIRE(rf == re);
    if (rf) {
        REQUIRE(ef.code == ee.code && ef.offset == ee.offset && ef.line == ee.line &&
                ef.segment == ee.segment);
    } else {
        REQUIRE(fast.segments == exact.segments && fast.last_line == exact.last_line &&
                fast.last_line_max_col == exact.last_line_max_col);
        for (int f = 0; f < F_COUNT; f++)
            REQUIRE(fast.max[f] == exact.max[f]);
        uint32_t lines = fast.segments ? fast.last_line + 1 : 0;
        lsm_placement_t place;
        memset(&place, 0, sizeof place);
        check_decode(s, size, &fast, &place);
        /* As a section of an index map: shifted, renumbered, clipped. */
        place.line_offset = data[-2] & 3;
        place.col_offset = data[-1] & 7;
        place.src_base = 1;
        place.name_base = 2;
        place.clip = true;
        place.stop_line = place.line_offset + lines / 2;
        place.stop_col = (uint32_t)(size & 15);
        check_decode(s, size, &fast, &place);
    }
    free(s);
    return 0;
}
