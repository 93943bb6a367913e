/* Fuzz target: a "mappings" string on its own. The fast scan must agree
 * with the exact one (a value at a time, every check in order) on the
 * outcome, the error's code, offset, line and segment, and every figure of
 * the stats; an accepted string must decode into exactly the number of
 * tokens the scan counted, with lines in order. The first two bytes choose
 * the source and name counts, so index range errors are reached too. A
 * violated invariant traps. Built as a libFuzzer binary with -Dfuzzing=true
 * (clang); always built with replay.c as the fuzz-replay-mappings test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mappings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
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
        lsm_packing_t pk;
        lsm_packing_init(&pk, fast.max);
        uint32_t lines = fast.segments ? fast.last_line + 1 : 0;
        uint8_t *records = calloc(1, (size_t)lsm_packing_bytes(&pk, fast.segments));
        uint8_t *index = malloc(((size_t)lines + 1) * 4);
        if (records && index && fast.segments < 100000) {
            lsm_token_sink_t sink;
            memset(&sink, 0, sizeof sink);
            sink.records = records;
            sink.packing = &pk;
            sink.line_index = index;
            lsm_placement_t place;
            memset(&place, 0, sizeof place);
            uint32_t started = 0;
            if (lsm_mappings_decode(s, size, &place, &sink) == 0 &&
                (started = sink.lines_started, lsm_sink_finish(&sink, started)) == 0) {
                REQUIRE(sink.count == fast.segments);
                REQUIRE(started == lines);
                for (uint32_t l = 0; l < started; l++)
                    REQUIRE(lsm_rd32(index + l * 4) <= lsm_rd32(index + (l + 1) * 4));
            }
        }
        free(records);
        free(index);
    }
    free(s);
    return 0;
}
