/* The record format: choosing the packing, reading tokens and strings
 * back, the column blocks, and releasing a view's memory. The layer every
 * producer (build.c, cache.c) and reader (view.c, lookup.c) of a view
 * shares. */
#include "internal.h"
#include "frames.h"

/* ------------------------------------------------------------- packing */

static uint8_t bits_for(uint32_t v) {
    uint8_t n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

void lsm_packing_init(lsm_packing_t *pk, const uint32_t max[F_COUNT]) {
    uint32_t shift = 0;
    for (int f = 0; f < F_COUNT; f++) {
        pk->width[f] = bits_for(max[f]);
        pk->shift[f] = (uint8_t)shift;
        shift += pk->width[f];
    }
    pk->record_bits = shift;
}

uint64_t lsm_packing_bytes(const lsm_packing_t *pk, uint64_t count) {
    return (count * pk->record_bits + 7) / 8 + LSM_RECORD_PAD;
}

/* ------------------------------------------------------------- tokens */

uint32_t lsm_view_token_line(const lsm_view_t *view, uint32_t index) {
    /* The last line whose first token is at or before `index`. */
    uint32_t lo = 0, hi = view->line_count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lsm_line_start(view, mid) <= index)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void lsm_view_fill_token(const lsm_view_t *view, uint32_t index, uint32_t line,
                         lsm_token_t *out) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    out->dst_line = line;
    out->dst_col = lsm_field(rec, pk, index, F_DST_COL);
    uint32_t src = lsm_field(rec, pk, index, F_SRC_ID);
    uint32_t name = lsm_field(rec, pk, index, F_NAME_ID);
    out->src = NULL;
    out->src_len = 0;
    out->name = NULL;
    out->name_len = 0;
    /* Ids past the tables can only come from a damaged cache file; such a
     * token reads as unmapped (or nameless) rather than out of bounds. */
    if (src == 0 || src > view->sources.count) {
        out->src_id = out->src_line = out->src_col = out->name_id = LSM_NO_ID;
        return;
    }
    out->src_id = src - 1;
    out->src_line = lsm_field(rec, pk, index, F_SRC_LINE);
    out->src_col = lsm_field(rec, pk, index, F_SRC_COL);
    out->src = lsm_strtab_get(view, &view->source_joined, out->src_id, &out->src_len);
    if (name == 0 || name > view->names.count) {
        out->name_id = LSM_NO_ID;
    } else {
        out->name_id = name - 1;
        out->name = lsm_strtab_get(view, &view->names, out->name_id, &out->name_len);
    }
}

/* ----------------------------------------------------- column blocks */

uint8_t *lsm_build_col_blocks(const lsm_view_t *view) {
    uint32_t n = lsm_block_count(view->token_count);
    uint8_t *blocks = lsm_malloc((size_t)n * 4);
    if (!blocks)
        return NULL;
    for (uint32_t k = 0; k < n; k++)
        lsm_wr32(blocks + (size_t)k * 4,
                 lsm_field(view->records, &view->packing, (uint64_t)k * LSM_BLOCK, F_DST_COL));
    return blocks;
}

/* ------------------------------------------------------------ strings */

const char *lsm_strtab_get(const lsm_view_t *view, const lsm_strtab_t *tab, uint32_t index,
                           size_t *len) {
    const uint8_t *e = tab->entries + (size_t)index * LSM_STRTAB_ENTRY;
    uint64_t off = lsm_rd64(e);
    if (off == LSM_NULL_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    uint64_t n = lsm_rd64(e + 8);
    /* A cache file's entries are checked here, when read, rather than all
     * when it is opened: a bad one reads as null. The views this library
     * built itself need no check (and the NUL test costs a cache miss). */
    if (!(view->flags & LSM_VIEW_TRUSTED) &&
        (off >= view->blob_len || n >= view->blob_len - off || view->blob[off + n] != 0)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)n;
    return view->blob + off;
}

/* ------------------------------------------------------------ freeing */

void lsm_view_free(lsm_view_t *view) {
    if (!view)
        return;
    for (size_t i = 0; i < sizeof view->owned / sizeof view->owned[0]; i++)
        lsm_free(view->owned[i]);
    lsm_free(view->reverse); /* one block (src/reverse.c) */
    lsm_free(view->scopes);  /* one block (src/scopes.h) */
    if (view->contents_ref) {
        lsm_contents_ref_t *ref = view->contents_ref;
        for (uint32_t i = 0; i < ref->count; i++)
            lsm_free(ref->slots[i].unescaped);
        lsm_free(ref->copy);
        lsm_free(ref);
    }
    lsm_frames_free(view->frames);
    lsm_free(view->range_owned);
    lsm_free(view->hermes);
    lsm_free(view->section_owned);
    lsm_free(view->fb_segments);
    lsm_unmap_file(view->mapping, view->mapping_len);
    lsm_free(view);
}
