/* Decoded ECMA-426 scopes of a view: original scopes and generated ranges
 * in pre-order, with their variables and bindings, in one heap block that
 * lsm_view_free() releases. Written by src/scopes_decode.c at load, read
 * by src/scopes.c (the public API). */
#ifndef LSM_SCOPES_H
#define LSM_SCOPES_H

#include "parse.h"

typedef struct lsm_oscope_rec {
    uint32_t source;
    uint32_t start_line, start_col, end_line, end_col;
    uint32_t name, kind;          /* names indices or LSM_NO_ID */
    uint32_t var_start, var_count; /* into lsm_scopes.vars */
    uint32_t parent, next_sibling;
    uint32_t subtree_end;         /* one past the last descendant */
    uint32_t stack_frame;         /* 1 or 0 */
    uint32_t seen;                /* decoder state: items met inside */
} lsm_oscope_rec_t;

typedef struct lsm_grange_rec {
    uint32_t start_line, start_col, end_line, end_col;
    uint32_t definition;
    uint32_t call_source, call_line, call_col;
    uint32_t bind_start, bind_count; /* into lsm_scopes.bindings */
    uint32_t parent, next_sibling;
    uint32_t subtree_end;
    uint32_t frame_type;          /* LSM_RANGE_FRAME_* */
    uint32_t seen;                /* decoder state: items met inside */
} lsm_grange_rec_t;

/* The bindings of one variable in one range: the value from the range
 * start, then sub-ranges. */
typedef struct lsm_binding_rec {
    uint32_t initial;             /* names index or LSM_NO_ID */
    uint32_t sub_start, sub_count; /* into lsm_scopes.subs */
} lsm_binding_rec_t;

typedef struct lsm_subrange_rec {
    uint32_t line, col, name;
} lsm_subrange_rec_t;

struct lsm_scopes {
    lsm_error_t warning;          /* code LSM_OK when nothing was dropped */
    uint32_t source_count;
    uint32_t scope_count, range_count, var_count, binding_count, sub_count;
    uint32_t *source_first;       /* first top-level scope of each source */
    lsm_oscope_rec_t *scopes;
    lsm_grange_rec_t *ranges;
    uint32_t *vars;
    lsm_binding_rec_t *bindings;
    lsm_subrange_rec_t *subs;
};

/* Decodes the scopes of the regular map `m` into `view->scopes` (left
 * NULL when the map has none). Bad scope data: with `strict`, returns its
 * code (err filled); otherwise it is dropped and recorded as the warning.
 * Returns 0 or an error code (LSM_ERR_NOMEM always fails the load). */
LSM_INTERNAL int lsm_scopes_decode(lsm_view_t *view, const lsm_map_record_t *m, bool strict,
                                   lsm_error_t *err);

/* ---- index maps (flattened) ---- */

/* One regular map of a flattened index map and where its tokens went
 * (src/build.c's parts). */
typedef struct lsm_scopes_part {
    const lsm_map_record_t *map;
    const lsm_placement_t *place;
} lsm_scopes_part_t;

/* Decodes the scopes of every part into one `view->scopes` (left NULL
 * when no part has any): each part decoded as a regular map, then its
 * sources, names, scopes and definitions renumbered by the part's bases
 * and its generated positions moved by its offset (ECMA-426's rule for
 * sections: the column offset counts on the part's first line only). The
 * view's string tables must be complete. Bad scope data in a part: with
 * `strict`, its code (err filled, "part N: " in front); otherwise that
 * part's data is dropped as for a regular map and the first such error is
 * the warning. Returns 0 or an error code. */
LSM_INTERNAL int lsm_scopes_decode_parts(lsm_view_t *view, const lsm_scopes_part_t *parts,
                                         uint32_t nparts, bool strict, lsm_error_t *err);

/* ---- cache files (docs/cache-format.md, optional section 34) ---- */

/* Appends the view's scopes to `out` as section 34; nothing when it has
 * none or without `names` (a file without names keeps no scopes either).
 * Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_scopes_dump(const lsm_view_t *view, bool names, lsm_buf_t *out);

/* Reads what lsm_scopes_dump() wrote into a new `view->scopes`, checking
 * every count against `len` and every index against the arrays and the
 * view's source and name counts (which must be set). Returns 0,
 * LSM_ERR_CACHE_CORRUPT or LSM_ERR_NOMEM (err filled). */
LSM_INTERNAL int lsm_scopes_load(lsm_view_t *view, const uint8_t *p, uint64_t len,
                                 lsm_error_t *err);

#endif
