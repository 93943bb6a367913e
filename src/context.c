/* Context lines of original sources from their line-offset tables
 * (src/frames.h): stored in a version 3 cache, else built once per source
 * on first use. */
#include "frames.h"

#define TRIM_ABOVE 150 /* lines longer than this (code points) are trimmed */
#define TRIM_WIDTH 140
#define TRIM_BEFORE 60
#define TRIM_EDGE 5

/* The stored table of entry `i` of a version 3 cache's line directory,
 * for a text of `len` bytes. 1 found, 0 none stored, -1 damaged. */
static int stored_lines(const lsm_frames_t *F, uint32_t i, size_t len, lsm_lines_ref_t *out) {
    if (!F->stored || !F->line_dir || i > F->nsources)
        return 0;
    const uint8_t *e = F->line_dir + (size_t)i * LSM_LINEDIR_ENTRY;
    uint64_t first = lsm_rd64(e);
    uint32_t count = lsm_rd32(e + 8), text_len = lsm_rd32(e + 12);
    if (count == 0)
        return 0;
    if (first > F->line_starts_count || count > F->line_starts_count - first || text_len != len)
        return -1;
    out->starts = F->line_starts + first * 4;
    out->count = count;
    out->text_len = text_len;
    return 1;
}

/* The line table of source `id` (text `text`, `len` bytes). 0, or an
 * error code. */
static int source_lines(const lsm_view_t *view, uint32_t id, const char *text, size_t len,
                        lsm_lines_ref_t *out) {
    lsm_frames_t *F = lsm_view_frames(view);
    if (!F)
        return LSM_ERR_NOMEM;
    int rc = stored_lines(F, id, len, out);
    if (rc < 0)
        return LSM_ERR_CACHE_FRAMES;
    if (rc > 0)
        return 0;
    if (len > UINT32_MAX)
        return LSM_ERR_TOO_LARGE;
    lsm_linetab_t **slot = &F->built[id];
    lsm_linetab_t *L = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!L) {
        L = lsm_linetab_build(text, len);
        if (!L)
            return LSM_ERR_NOMEM;
        lsm_linetab_t *expected = NULL;
        if (!__atomic_compare_exchange_n(slot, &expected, L, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
            lsm_free(L);
            L = expected;
        }
    }
    out->starts = L->starts;
    out->count = L->count;
    out->text_len = L->text_len;
    return 0;
}

static size_t cp_len(uint8_t c) {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Cuts span `sp` of a line to the tracker's window around code point
 * `col` (UTF-16 units are counted as the line is walked). */
static void trim(lsm_text_span_t *sp, uint32_t col16) {
    const uint8_t *t = (const uint8_t *)sp->text;
    size_t n = sp->len, points = 0, col = 0;
    uint32_t units = 0;
    for (size_t i = 0; i < n; points++) {
        size_t k = cp_len(t[i]);
        if (k > n - i)
            k = n - i;
        if (units < col16)
            col = points + 1;
        units += k == 4 ? 2 : 1;
        i += k;
    }
    if (points <= TRIM_ABOVE)
        return;
    if (col > points)
        col = points;
    size_t start = col > TRIM_BEFORE ? col - TRIM_BEFORE : 0;
    if (start < TRIM_EDGE)
        start = 0;
    size_t end = start + TRIM_WIDTH < points ? start + TRIM_WIDTH : points;
    if (end + TRIM_EDGE > points)
        end = points;
    if (end == points)
        start = end > TRIM_WIDTH ? end - TRIM_WIDTH : 0;
    size_t b_start = 0, b_end = n, p = 0;
    for (size_t i = 0; i < n; p++) {
        if (p == start)
            b_start = i;
        if (p == end) {
            b_end = i;
            break;
        }
        size_t k = cp_len(t[i]);
        i += k > n - i ? n - i : k;
    }
    sp->text += b_start;
    sp->len = b_end - b_start;
    sp->cut = (start > 0 ? LSM_CUT_BEFORE : 0) | (end < points ? LSM_CUT_AFTER : 0);
}

int lsm_view_source_context(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                            uint32_t col, uint32_t n, uint32_t flags, lsm_text_span_t *lines,
                            size_t lines_count, uint32_t *first, uint32_t *count,
                            lsm_error_t *err) {
    if (first)
        *first = 0;
    if (count)
        *count = 0;
    if (!view || !lines)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or lines is NULL"), -1;
    if (flags & ~(uint32_t)LSM_CONTEXT_TRIM)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown context flags 0x%x", flags),
               -1;
    if (lines_count < (uint64_t)n * 2 + 1)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "room for %zu lines, %llu needed",
                             lines_count, (unsigned long long)n * 2 + 1),
               -1;
    size_t len = 0;
    const char *text = lsm_view_source_contents(view, src_id, &len, err);
    if (!text)
        return err && err->code ? -1 : 0;
    lsm_lines_ref_t L;
    int code = source_lines(view, src_id, text, len, &L);
    if (code)
        return lsm_set_error(err, code,
                             code == LSM_ERR_NOMEM         ? "out of memory"
                             : code == LSM_ERR_TOO_LARGE ? "source of 4 GiB or more"
                                                         : "cache file corrupt: line table of "
                                                           "source %u",
                             src_id),
               -1;
    lsm_clear_error(err);
    if (line >= L.count)
        return 0;
    uint32_t lo = line > n ? line - n : 0;
    uint64_t hi = (uint64_t)line + n + 1 < L.count ? (uint64_t)line + n + 1 : L.count;
    uint32_t k = 0;
    for (uint32_t i = lo; i < hi; i++, k++) {
        size_t s, e;
        if (!lsm_lines_span(&L, text, i, &s, &e))
            return lsm_set_error(err, LSM_ERR_CACHE_FRAMES,
                                 "cache file corrupt: line table of source %u", src_id),
                   -1;
        lines[k] = (lsm_text_span_t){text + s, e - s, 0};
        if (flags & LSM_CONTEXT_TRIM)
            trim(&lines[k], i == line ? col : 0);
    }
    if (first)
        *first = lo;
    if (count)
        *count = k;
    return 1;
}
