/* Range mappings (src/range_mappings.c): decoding "rangeMappings" into the
 * view's sorted list of range tokens, and what a lookup adds for them. */
#ifndef LSM_RANGE_MAPPINGS_H
#define LSM_RANGE_MAPPINGS_H

#include "parse.h"

/* Range positions gathered over the parts of a view being built. */
typedef struct lsm_range_acc {
    uint32_t flags;          /* the LSM_LOAD_RANGE_MAPPINGS_* load flags */
    lsm_buf_t positions;     /* (generated line, column) uint32 pairs, view coordinates */
    lsm_buf_t segments;      /* scratch: one "mappings" line's segments */
} lsm_range_acc_t;

/* Decodes the "rangeMappings" of the regular map `m`, placed at `pl`, and
 * adds the generated positions of its range segments that the placement
 * keeps. `m`'s mappings must have passed lsm_mappings_scan(). Returns 0 or
 * an error code (LSM_ERR_VLQ_*, LSM_ERR_RANGE_*, LSM_ERR_NOMEM). */
LSM_INTERNAL int lsm_range_collect(lsm_range_acc_t *acc, const lsm_map_record_t *m,
                                   const lsm_placement_t *pl, lsm_error_t *err);

/* Marks the view's tokens at the gathered positions (its records must be
 * complete): sets range_count, range_ids and range_owned. Returns 0 or
 * LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_range_finish(lsm_range_acc_t *acc, lsm_view_t *view, lsm_error_t *err);

LSM_INTERNAL void lsm_range_acc_release(lsm_range_acc_t *acc);

/* True when token `index` is a range mapping. */
LSM_INTERNAL bool lsm_range_is(const lsm_view_t *view, uint32_t index);

/* Shifts `tok`, the answer (token `index`, on generated line `tok_line`)
 * of a lookup at (line, col) at or after it, by the range's offset when the
 * token is a range mapping. */
LSM_INTERNAL void lsm_range_apply(const lsm_view_t *view, uint32_t index, uint32_t line,
                                  uint32_t col, lsm_token_t *tok);

/* For a reverse lookup of original column `col` on the line of token
 * `index` (filled into `out`, its original column before `col`): when the
 * token is a range that reaches `col` before the next token on its
 * generated line, moves `out` to the generated position of `col` and
 * returns true. */
LSM_INTERNAL bool lsm_range_reverse(const lsm_view_t *view, uint32_t index, uint32_t col,
                                    lsm_token_t *out);

/* Appends the view's "rangeMappings" in the current encoding (without
 * quotes) to `out`, counting segments as lsm_view_to_json() writes them:
 * every token of a line, in order. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_range_write(const lsm_view_t *view, lsm_buf_t *out);

#endif
