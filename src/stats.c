/* Per-view figures for metrics and traces: what a view was made from, how
 * long that took and what memory it keeps. The figures are recorded where
 * views are made (src/view.c, src/cache.c) or derived here from the view's
 * layout, so that callers never estimate them from the outside. */
#include <time.h>

#include "contents.h"

uint64_t lsm_now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t table_bytes(const lsm_strtab_t *tab) {
    return tab->entries ? (uint64_t)tab->count * LSM_STRTAB_ENTRY : 0;
}

/* The heap blocks a view built from JSON owns (src/build.c lays them out):
 * records, line index, column blocks, string tables, ignore list, blob. */
static uint64_t built_bytes(const lsm_view_t *view) {
    uint64_t n = lsm_packing_bytes(&view->packing, view->token_count);
    n += ((uint64_t)view->line_count + 1) * 4;
    if (view->col_blocks)
        n += (uint64_t)lsm_block_count(view->token_count) * 4;
    n += table_bytes(&view->sources);
    if (view->source_urls.entries != view->sources.entries)
        n += table_bytes(&view->source_urls);
    n += table_bytes(&view->contents) + table_bytes(&view->names) + table_bytes(&view->meta);
    n += view->blob_len;
    n += lsm_contents_bytes(view);
    return n;
}

int lsm_view_stats(const lsm_view_t *view, lsm_view_stats_t *out, lsm_error_t *err) {
    if (out)
        memset(out, 0, sizeof *out);
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "%s is NULL", view ? "out" : "view"),
               -1;
    lsm_clear_error(err);
    out->bytes_read = view->bytes_read;
    out->tokens = view->token_count;
    out->sources = view->sources.count;
    out->names = view->names.count;
    out->lines = view->line_count;
    out->parse_ns = view->parse_ns;
    out->from_cache = view->flags & LSM_VIEW_FROM_CACHE ? 1 : 0;
    out->is_index = view->flags & LSM_VIEW_INDEX ? 1 : 0;
    /* A cache view reads its records where they lie; of its own it keeps
     * only the struct and the ignore list in native order. */
    uint64_t heap = sizeof *view + (uint64_t)view->ignore_count * 4;
    if (!out->from_cache)
        heap += built_bytes(view);
    out->mapped_bytes = view->mapping ? view->mapping_len : 0;
    out->memory_bytes = heap + out->mapped_bytes;
    return 0;
}
