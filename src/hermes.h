/* React Native's extensions (src/hermes.c): Metro's function maps in
 * "x_facebook_sources" and Hermes' "x_hermes_function_offsets". */
#ifndef LSM_HERMES_H
#define LSM_HERMES_H

#include "parse.h"

/* What the extensions of a view being built add up to. */
typedef struct lsm_hermes_acc {
    lsm_buf_t fns;       /* fn_entry_t */
    lsm_buf_t pool;      /* function names, NUL-terminated */
    lsm_buf_t segments;  /* seg_entry_t */
    lsm_buf_t offsets;   /* uint32_t */
    lsm_buf_t names;     /* scratch: one function map's names (offset, len pairs) */
    uint32_t dropped;    /* function maps left out as malformed */
    lsm_buf_t seg_maps;  /* x_facebook_segments: seg_map_t */
    lsm_buf_t seg_text;  /* their JSON texts */
} lsm_hermes_acc_t;

/* Reads the extensions of the regular map `m` (its source ids start at
 * `src_base` in the view), from the JSON text `input` (validated JSON).
 * Malformed extension data is left out, never an error: they are vendor
 * fields. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_hermes_collect(lsm_hermes_acc_t *acc, const lsm_map_record_t *m,
                                    uint32_t src_base, const char *input, size_t input_len,
                                    lsm_error_t *err);

/* Gives the view what was collected (view->hermes; NULL when nothing).
 * Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_hermes_finish(lsm_hermes_acc_t *acc, lsm_view_t *view, lsm_error_t *err);

LSM_INTERNAL void lsm_hermes_acc_release(lsm_hermes_acc_t *acc);

/* The JSON text of segment `id`'s map in "x_facebook_segments", or NULL
 * when the view has none; its length in *len. */
LSM_INTERNAL const char *lsm_fb_segment_text(const lsm_view_t *view, uint32_t id, size_t *len);

/* Cache files (docs/cache-format.md, optional section 33): the view's
 * extensions written little-endian to `out`; nothing when it has none.
 * Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_hermes_dump(const lsm_view_t *view, lsm_buf_t *out);

/* Reads what lsm_hermes_dump() wrote, checking all of it (sorted entries,
 * names inside the pool, sources below the view's count, offsets in
 * range), into view->hermes. Returns 0, LSM_ERR_CACHE_CORRUPT or
 * LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_hermes_load(lsm_view_t *view, const uint8_t *p, uint64_t len,
                                 lsm_error_t *err);

#endif
