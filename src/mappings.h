/* Decoding the "mappings" string: a validating scan, then a second pass
 * that writes packed records once their widths are known. */
#ifndef LSM_MAPPINGS_H
#define LSM_MAPPINGS_H

#include "internal.h"

/* The value of base64 digit `c` (0..63), or -1 for any other byte: the one
 * table every VLQ reader of the library uses ("mappings", "rangeMappings",
 * scopes). */
int lsm_base64_digit(unsigned char c);

/* What a scan learns about one "mappings" string. */
typedef struct lsm_mappings_stats {
    uint64_t segments;
    uint32_t last_line;      /* generated line of the last segment */
    uint32_t last_line_max_col; /* greatest column on that line */
    /* The greatest value of each field, ids counted plus one, as stored;
     * for the original line and column the OR of every value instead,
     * which has the same bit width (all the packing needs) and costs the
     * scan less. */
    uint32_t max[F_COUNT];
    /* The fast scan read every segment: no value is "-0", so pass two can
     * take a segment's shape without checking its values again. */
    bool fast;
} lsm_mappings_stats_t;

/* Validates `s` completely (base64 digits, continuation, 32-bit range,
 * negative absolute values, field counts, and source and name indices
 * below the given counts: pass UINT32_MAX while they are not known yet)
 * and fills `st`. Returns 0 or an error code, with err's offset (within
 * `s`), line and segment set. */
LSM_INTERNAL int lsm_mappings_scan(const char *s, size_t len, uint32_t source_count,
                                   uint32_t name_count, lsm_mappings_stats_t *st,
                                   lsm_error_t *err);

/* The same scan without the fast path: one VLQ value at a time, every
 * check in order. lsm_mappings_scan() falls back to it for the exact
 * error; the fuzz target checks that both agree. */
LSM_INTERNAL int lsm_mappings_scan_exact(const char *s, size_t len, uint32_t source_count,
                                         uint32_t name_count, lsm_mappings_stats_t *st,
                                         lsm_error_t *err);

/* Where pass two writes tokens. Tokens must arrive in generated line order
 * (within a line in any order: each line is sorted when it ends). */
typedef struct lsm_token_sink {
    uint8_t *records;
    const lsm_packing_t *packing;
    uint8_t *line_index;     /* room for the final line count + 1 entries */
    uint64_t count;          /* tokens written */
    uint32_t lines_started;  /* line_index entries written */
    /* The line being written: where it starts, its last column so far,
     * and whether its columns came out of order. */
    uint64_t line_first;
    uint32_t last_col;
    bool unsorted;
    /* Records are written as a bit stream, each 64-bit word once: writing
     * field by field into memory stalls on store-to-load forwarding. */
    uint64_t acc;            /* bits not yet stored */
    unsigned acc_bits;
    uint64_t word;           /* index of the 64-bit word `acc` belongs at */
} lsm_token_sink_t;

/* How a section's tokens are placed in the flattened view. */
typedef struct lsm_placement {
    uint32_t line_offset;
    uint32_t col_offset;     /* applied on the section's first line only */
    uint32_t src_base;       /* added to source ids */
    uint32_t name_base;      /* added to name ids */
    bool clip;               /* drop tokens at or after (stop_line, stop_col) */
    uint32_t stop_line;
    uint32_t stop_col;
} lsm_placement_t;

/* Decodes a string that lsm_mappings_scan() accepted, with the stats it
 * filled, into `sink`. Needs scratch memory only for lines whose segments
 * are out of column order; returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_mappings_decode(const char *s, size_t len, const lsm_mappings_stats_t *st,
                                     const lsm_placement_t *place, lsm_token_sink_t *sink);

/* Which fast loops run: LSM_LOOPS_AUTO (the default: the BMI2 ones on
 * x86-64 CPUs that have it) or LSM_LOOPS_PLAIN (the portable ones), so
 * that tests cover both. Not for use while other threads scan. */
enum { LSM_LOOPS_AUTO, LSM_LOOPS_PLAIN };
LSM_INTERNAL void lsm_mappings_choose_loops(int choice);

/* Sorts the last line and completes the line index: entries up to
 * `line_count` (inclusive) point at the end. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_sink_finish(lsm_token_sink_t *sink, uint32_t line_count);

#endif
