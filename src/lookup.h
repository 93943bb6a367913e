/* What src/lookup.c offers the rest of the public API layer besides the
 * lsm_lookup* functions of libsourcemap.h. */
#ifndef LSM_LOOKUP_H
#define LSM_LOOKUP_H

#include "internal.h"

/* lsm_lookup_ex() answering only the six numbers a cursor gives: on a
 * match, returns 1 with out[] = dst_line, dst_col, src_line, src_col,
 * src_id, name_id (LSM_NO_ID for no name); otherwise returns 0 and leaves
 * out[] alone. `view` must not be NULL and `rule` must be valid (the
 * cursor checked both when it was made). Skips the string lookups a token
 * needs, which these callers do not. */
LSM_INTERNAL int lsm_lookup_numbers(const lsm_view_t *view, uint32_t line, uint32_t col, int rule,
                                    uint32_t out[6]);

#endif
