/* A stack frame's token and function name in one call: from the namer,
 * or from what a version 3 cache stored (src/frames.h), which answers
 * without scanning JavaScript. The stored answers reproduce the namer's
 * decisions (src/js/cache_frames.c writes them): the frame lookup under
 * the same-line rule, refused past the token's generated function; the
 * original side by the token found; else the generated side by the
 * innermost generated function around the position. */
#include "../frames.h"
#include "js.h"

int lsm_view_has_frame_data(const lsm_view_t *view) {
    if (!view)
        return 0;
    const lsm_frames_t *F = __atomic_load_n(&view->frames, __ATOMIC_ACQUIRE);
    return F && F->stored;
}

static int cmp_pos(uint32_t al, uint32_t ac, uint32_t bl, uint32_t bc) {
    return al != bl ? (al < bl ? -1 : 1) : ac != bc ? (ac < bc ? -1 : 1) : 0;
}

/* js_scopes_find() over stored scope records. */
static uint32_t stored_scope_at(const lsm_frames_t *F, uint32_t line, uint32_t col) {
    uint32_t lo = 0, hi = F->scope_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *r = F->scopes + (size_t)mid * LSM_SCOPE_RECORD;
        if (cmp_pos(lsm_rd32(r), lsm_rd32(r + 4), line, col) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t k = lo ? lo - 1 : JS_NONE;
    for (uint32_t guard = 0; k < F->scope_count && guard <= F->scope_count; guard++) {
        const uint8_t *r = F->scopes + (size_t)k * LSM_SCOPE_RECORD;
        if (cmp_pos(line, col, lsm_rd32(r + 8), lsm_rd32(r + 12)) < 0)
            return k;
        k = lsm_rd32(r + 16);
    }
    return JS_NONE;
}

/* The index of the token lsm_lookup_ex() found under LSM_RULE_SAME_LINE
 * for column `col`: the first of its run on an exact hit, else the last. */
static uint32_t token_index(const lsm_view_t *view, const lsm_token_t *tok, uint32_t col) {
    uint32_t first = lsm_line_start(view, tok->dst_line);
    uint32_t end = lsm_line_start(view, tok->dst_line + 1);
    if (end > view->token_count)
        end = view->token_count;
    if (first > end)
        first = end;
    uint32_t lo = first, hi = end; /* first token with column > dst_col */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lsm_field(view->records, &view->packing, mid, F_DST_COL) <= tok->dst_col)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t index = lo > first ? lo - 1 : first;
    if (col == tok->dst_col)
        while (index > first &&
               lsm_field(view->records, &view->packing, index - 1, F_DST_COL) == tok->dst_col)
            index--;
    return index;
}

/* Stored function name `k`: false when the entry is damaged. */
static bool fn_name(const lsm_frames_t *F, uint32_t k, const char **s, size_t *n) {
    if (k >= F->fn_count)
        return false;
    const uint8_t *e = F->fn_entries + (size_t)k * LSM_STRTAB_ENTRY;
    uint64_t off = lsm_rd64(e), len = lsm_rd64(e + 8);
    if (off >= F->fn_bytes_len || len >= F->fn_bytes_len - off || F->fn_bytes[off + len] != 0)
        return false;
    *s = (const char *)F->fn_bytes + off;
    *n = (size_t)len;
    return true;
}

static void deliver(const char *s, size_t n, char *buf, size_t size, size_t *len) {
    if (len)
        *len = n;
    if (!buf || !size)
        return;
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(buf, s, k);
    buf[k] = 0;
}

static int damaged(lsm_error_t *err) {
    return lsm_set_error(err, LSM_ERR_CACHE_FRAMES,
                         "cache file corrupt: a stored function name or scope"),
           -1;
}

static int resolve_stored(const lsm_view_t *view, const lsm_frames_t *F, uint32_t line,
                          uint32_t col, lsm_token_t *tok, char *buf, size_t size,
                          size_t *name_len, int *how, int *named, lsm_error_t *err) {
    int rc = lsm_lookup_ex(view, line, col, LSM_RULE_SAME_LINE, tok, err);
    if (rc == 1) {
        uint32_t k = stored_scope_at(F, tok->dst_line, tok->dst_col);
        if (k != JS_NONE) {
            const uint8_t *r = F->scopes + (size_t)k * LSM_SCOPE_RECORD;
            if (cmp_pos(line, col, lsm_rd32(r + 8), lsm_rd32(r + 12)) >= 0)
                rc = 2;
        }
    }
    const char *s;
    size_t n;
    if (rc == 1) {
        uint32_t i = token_index(view, tok, col);
        uint32_t v = i < view->token_count ? lsm_rd32(F->tok_func + (size_t)i * 4) : 0;
        if (v >= 1) {
            if (how)
                *how = v == 2 ? LSM_NAME_ANONYMOUS : LSM_NAME_FROM_ORIGINAL;
            if (v == 2)
                return rc;
            /* v == 1, top-level original code: as the namer does, the
             * generated function around the position names it when it
             * has a mapped name (below); else it stays unnamed. */
            if (v > 2) {
                if (!fn_name(F, v - 3, &s, &n))
                    return damaged(err);
                deliver(s, n, buf, size, name_len);
                *named = 1;
                return rc;
            }
        }
    }
    uint32_t k = stored_scope_at(F, line, col);
    if (k != JS_NONE) {
        uint32_t v = lsm_rd32(F->scopes + (size_t)k * LSM_SCOPE_RECORD + 20);
        if (v) {
            if (!fn_name(F, v - 1, &s, &n))
                return damaged(err);
            if (how)
                *how = LSM_NAME_FROM_GENERATED;
            deliver(s, n, buf, size, name_len);
            *named = 1;
        }
    }
    return rc;
}

int lsm_js_frame_resolve(const lsm_view_t *view, lsm_js_namer_t *namer, uint32_t line,
                         uint32_t col, lsm_token_t *tok, char *buf, size_t size,
                         size_t *name_len, int *how, int *named, lsm_error_t *err) {
    int named_here = 0;
    if (!named)
        named = &named_here;
    *named = 0;
    js_name_outputs_clear(buf, size, name_len, how);
    if (!view || !tok)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or tok is NULL"), -1;
    const lsm_frames_t *F = __atomic_load_n(&view->frames, __ATOMIC_ACQUIRE);
    int rc;
    if (namer) {
        rc = js_namer_resolve(namer, line, col, tok, buf, size, name_len, how, named, err);
    } else if (F && F->stored) {
        rc = resolve_stored(view, F, line, col, tok, buf, size, name_len, how, named, err);
        if (rc >= 0)
            lsm_clear_error(err);
    } else {
        return lsm_lookup_ex(view, line, col, LSM_RULE_SAME_LINE, tok, err);
    }
    if (rc < 0) {
        *named = 0;
        js_name_outputs_clear(buf, size, name_len, how);
    }
    return rc;
}
