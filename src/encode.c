/* Writing a view as an ECMA-426 source map (JSON).
 *
 * Reading the output gives back the same tokens, sources, contents,
 * names, ignore list, debug ID, file and sourceRoot. An index map is
 * written flattened: one regular map whose sources are the resolved ones
 * (each section had its own sourceRoot) and which has no sourceRoot. */
#include <stdio.h>

#include "contents.h"
#include "encode.h"
#include "range_mappings.h"

static const char BASE64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


uint8_t *lsm_put_vlq(uint8_t *p, int64_t value) {
    uint64_t v = value < 0 ? ((uint64_t)(-value) << 1) | 1 : (uint64_t)value << 1;
    /* Most deltas are small: one digit, no loop. */
    if (v < 32) {
        *p++ = (uint8_t)BASE64[v];
        return p;
    }
    do {
        uint64_t digit = v & 31;
        v >>= 5;
        if (v)
            digit |= 32;
        *p++ = (uint8_t)BASE64[digit];
    } while (v);
    return p;
}

void lsm_jw_put(writer_t *w, const char *s, size_t n) {
    if (!w->code && lsm_buf_append(&w->out, s, n))
        w->code = LSM_ERR_NOMEM;
}

void lsm_jw_lit(writer_t *w, const char *s) {
    lsm_jw_put(w, s, strlen(s));
}

/* A JSON string literal; `s` is UTF-8 (checked by the caller). */
void lsm_jw_string(writer_t *w, const char *s, size_t n) {
    /* Worst case every byte becomes \u00XX. */
    if (w->code)
        return;
    if (n > (SIZE_MAX - 2) / 6 || lsm_buf_reserve(&w->out, n * 6 + 2)) {
        w->code = LSM_ERR_NOMEM;
        return;
    }
    uint8_t *p = w->out.data + w->out.len;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = c;
            continue;
        }
        *p++ = '\\';
        switch (c) {
        case '"': *p++ = '"'; break;
        case '\\': *p++ = '\\'; break;
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\t': *p++ = 't'; break;
        case '\b': *p++ = 'b'; break;
        case '\f': *p++ = 'f'; break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = (uint8_t)"0123456789abcdef"[c >> 4];
            *p++ = (uint8_t)"0123456789abcdef"[c & 15];
        }
    }
    *p++ = '"';
    w->out.len = (size_t)(p - w->out.data);
}

/* A string from a view's table, or null. Strings read from a cache file
 * were not validated when it was opened: one that is not UTF-8 fails. */
static void put_table_string(writer_t *w, const lsm_view_t *view, const lsm_strtab_t *tab,
                             uint32_t index, bool nullable, lsm_error_t *err) {
    size_t n;
    int code = 0;
    const char *s = tab == &view->contents ? lsm_contents_get(view, index, &n, &code)
                                           : lsm_strtab_get(view, tab, index, &n);
    if (code) {
        if (!w->code)
            w->code = lsm_set_error(err, code, "out of memory");
        return;
    }
    if (!s && !nullable) {
        /* Names are never null in a map: a damaged cache file's entry. */
        if (!w->code)
            w->code = lsm_set_error(err, LSM_ERR_CACHE_CORRUPT, "string %u is damaged", index);
        return;
    }
    if (!s) {
        lsm_jw_lit(w, "null");
        return;
    }
    if (!(view->flags & LSM_VIEW_TRUSTED) && !lsm_utf8_valid((const uint8_t *)s, n)) {
        if (!w->code)
            w->code = lsm_set_error(err, LSM_ERR_INVALID_UTF8, "string %u is not valid UTF-8",
                                    index);
        return;
    }
    lsm_jw_string(w, s, n);
}

void lsm_jw_u32(writer_t *w, uint32_t v) {
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%u", v);
    lsm_jw_put(w, buf, (size_t)n);
}

static void put_table(writer_t *w, const lsm_view_t *view, const lsm_strtab_t *tab,
                      bool nullable, lsm_error_t *err) {
    lsm_jw_lit(w, "[");
    uint32_t count = tab == &view->contents ? view->sources.count : tab->count;
    for (uint32_t i = 0; i < count && !w->code; i++) {
        if (i)
            lsm_jw_lit(w, ",");
        put_table_string(w, view, tab, i, nullable, err);
    }
    lsm_jw_lit(w, "]");
}

/* The "mappings" string, quotes included. */
static void put_mappings(writer_t *w, const lsm_view_t *view, lsm_error_t *err) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint32_t nsrc = view->sources.count, nnames = view->names.count;
    int64_t prev_src = 0, prev_line = 0, prev_col = 0, prev_name = 0;
    lsm_jw_lit(w, "\"");
    uint32_t index = 0;
    for (uint32_t line = 0; line < view->line_count && !w->code; line++) {
        if (line)
            lsm_jw_lit(w, ";");
        uint32_t end = lsm_line_start(view, line + 1);
        /* Clamped as lookups clamp a damaged cache file's line index. */
        if (end > view->token_count)
            end = view->token_count;
        if (end <= index)
            continue;
        if (lsm_buf_reserve(&w->out, (size_t)(end - index) * SEGMENT_MAX)) {
            w->code = LSM_ERR_NOMEM;
            return;
        }
        uint8_t *p = w->out.data + w->out.len;
        int64_t prev_dst = 0;
        for (uint32_t i = index; i < end; i++) {
            if (i > index)
                *p++ = ',';
            int64_t col = lsm_field(rec, pk, i, F_DST_COL);
            if (!lsm_vlq_delta_fits(col - prev_dst))
                goto too_far;
            p = lsm_put_vlq(p, col - prev_dst);
            prev_dst = col;
            uint32_t src = lsm_field(rec, pk, i, F_SRC_ID);
            if (src == 0 || src > nsrc)
                continue;
            int64_t s = src - 1, l = lsm_field(rec, pk, i, F_SRC_LINE),
                    c = lsm_field(rec, pk, i, F_SRC_COL);
            if (!lsm_vlq_delta_fits(s - prev_src) || !lsm_vlq_delta_fits(l - prev_line) ||
                !lsm_vlq_delta_fits(c - prev_col))
                goto too_far;
            p = lsm_put_vlq(p, s - prev_src);
            p = lsm_put_vlq(p, l - prev_line);
            p = lsm_put_vlq(p, c - prev_col);
            prev_src = s;
            prev_line = l;
            prev_col = c;
            uint32_t name = lsm_field(rec, pk, i, F_NAME_ID);
            if (name == 0 || name > nnames)
                continue;
            if (!lsm_vlq_delta_fits((int64_t)(name - 1) - prev_name))
                goto too_far;
            p = lsm_put_vlq(p, (int64_t)(name - 1) - prev_name);
            prev_name = name - 1;
        }
        w->out.len = (size_t)(p - w->out.data);
        index = end;
        continue;
    too_far:
        w->out.len = (size_t)(p - w->out.data);
        w->code = lsm_set_error(err, LSM_ERR_TOO_LARGE,
                                "mappings line %u: a field of a token is 2^31 or more from the "
                                "previous token's, which no VLQ value can say",
                                line);
        return;
    }
    lsm_jw_lit(w, "\"");
}

static bool any_contents(const lsm_view_t *view) {
    for (uint32_t i = 0; i < view->sources.count; i++)
        if (lsm_contents_present(view, i))
            return true;
    return false;
}

static void put_meta(writer_t *w, const lsm_view_t *view, const char *key, int which,
                     lsm_error_t *err) {
    if (!lsm_strtab_get(view, &view->meta, (uint32_t)which, NULL))
        return;
    lsm_jw_lit(w, ",\"");
    lsm_jw_lit(w, key);
    lsm_jw_lit(w, "\":");
    put_table_string(w, view, &view->meta, (uint32_t)which, false, err);
}

/* The top-level fields kept as JSON text, as they were read. */
static void put_extras(writer_t *w, const lsm_view_t *view) {
    for (uint32_t i = 0; i + 1 < view->extras.count; i += 2) {
        size_t nlen = 0, vlen = 0;
        const char *name = lsm_strtab_get(view, &view->extras, i, &nlen);
        const char *value = lsm_strtab_get(view, &view->extras, i + 1, &vlen);
        if (!name || !value)
            continue;
        lsm_jw_lit(w, ",");
        lsm_jw_string(w, name, nlen);
        lsm_jw_lit(w, ":");
        lsm_jw_put(w, value, vlen);
    }
}

int lsm_view_to_json(const lsm_view_t *view, uint32_t flags, uint8_t **out, size_t *out_len,
                     lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!view || !out || !out_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view, out or out_len is NULL"), -1;
    if (flags & ~(uint32_t)LSM_JSON_NO_CONTENTS)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown flags 0x%x", flags), -1;
    lsm_clear_error(err);
    writer_t w;
    memset(&w, 0, sizeof w);
    bool index = (view->flags & LSM_VIEW_INDEX) != 0;

    lsm_jw_lit(&w, "{\"version\":3");
    put_meta(&w, view, "file", META_FILE, err);
    if (!index)
        put_meta(&w, view, "sourceRoot", META_SOURCE_ROOT, err);
    lsm_jw_lit(&w, ",\"sources\":");
    put_table(&w, view, index ? &view->source_urls : &view->sources, true, err);
    if (!(flags & LSM_JSON_NO_CONTENTS) && any_contents(view)) {
        lsm_jw_lit(&w, ",\"sourcesContent\":");
        put_table(&w, view, &view->contents, true, err);
    }
    lsm_jw_lit(&w, ",\"names\":");
    put_table(&w, view, &view->names, false, err);
    lsm_jw_lit(&w, ",\"mappings\":");
    put_mappings(&w, view, err);
    if (view->range_count && !w.code) {
        /* Range mappings (src/range_mappings.c), as tokens are written. */
        lsm_buf_t ranges = {NULL, 0, 0};
        if (lsm_range_write(view, &ranges))
            w.code = LSM_ERR_NOMEM;
        lsm_jw_lit(&w, ",\"rangeMappings\":\"");
        lsm_jw_put(&w, (const char *)ranges.data, ranges.len);
        lsm_jw_lit(&w, "\"");
        lsm_buf_release(&ranges);
    }
    if (view->ignore_count) {
        lsm_jw_lit(&w, ",\"ignoreList\":[");
        for (uint32_t i = 0; i < view->ignore_count; i++) {
            if (i)
                lsm_jw_lit(&w, ",");
            if (view->ignore_ids[i] >= view->sources.count && !w.code)
                w.code = lsm_set_error(err, LSM_ERR_CACHE_CORRUPT,
                                       "ignore list entry %u is past the sources",
                                       view->ignore_ids[i]);
            lsm_jw_u32(&w, view->ignore_ids[i]);
        }
        lsm_jw_lit(&w, "]");
    }
    put_meta(&w, view, "debugId", META_DEBUG_ID, err);
    put_extras(&w, view);
    lsm_jw_lit(&w, "}");
    /* NUL-terminated for convenience, the NUL not counted. */
    lsm_jw_put(&w, "", 1);

    if (w.code) {
        lsm_free(w.out.data);
        if (w.code == LSM_ERR_NOMEM)
            lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return -1;
    }
    *out = w.out.data;
    *out_len = w.out.len - 1;
    return 0;
}
