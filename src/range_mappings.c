/* Range mappings: "rangeMappings" marks segments of "mappings" as ranges.
 * After the tokens exist, each marked segment's generated position is found
 * among them and the token's index kept in a sorted array on the view;
 * lookups ask it whether the token they answer is a range. Indices count
 * segments as written on their line, so this file reads the generated
 * columns of "mappings" itself (cheaply: first field only) rather than
 * relying on the decoder's order, which sorts lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mappings.h"
#include "range_mappings.h"

typedef struct segment {
    uint32_t col;            /* generated column, within the map's own line */
    bool original;           /* 4 or 5 fields */
} segment_t;

static int range_error(lsm_error_t *err, int code, uint32_t line, int64_t segment,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int range_error(lsm_error_t *err, int code, uint32_t line, int64_t segment,
                       const char *fmt, ...) {
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    lsm_set_error(err, code, "rangeMappings line %u: %s", line, what);
    if (err) {
        err->line = line;
        err->segment = segment;
    }
    return code;
}

/* Reads the segments of one "mappings" line, s[*pos] up to its ';' or
 * the end, into acc->segments; leaves *pos past the ';'. The string was
 * validated by the mappings scan, so every value is well formed. */
static int read_line_segments(lsm_range_acc_t *acc, const char *s, size_t len, size_t *pos,
                              uint32_t *count) {
    acc->segments.len = 0;
    *count = 0;
    uint64_t col = 0;
    size_t i = *pos;
    while (i < len && s[i] != ';') {
        if (s[i] == ',') {
            i++;
            continue;
        }
        int fields = 0;
        int64_t first = 0;
        while (i < len && s[i] != ',' && s[i] != ';') {
            uint64_t v = 0;
            unsigned shift = 0;
            int d;
            do {
                d = i < len ? lsm_base64_digit((unsigned char)s[i]) : -1;
                if (d < 0)
                    break;
                if (shift < 60)
                    v |= (uint64_t)(d & 31) << shift;
                shift += 5;
                i++;
            } while (d & 32);
            if (d < 0) {
                i++; /* cannot happen after the scan; never loop */
                continue;
            }
            int64_t value = (int64_t)(v >> 1);
            if (v & 1)
                value = -value;
            if (fields == 0)
                first = value;
            fields++;
        }
        col = (uint64_t)((int64_t)col + first);
        segment_t seg = {(uint32_t)col, fields >= 4};
        if (lsm_buf_append(&acc->segments, &seg, sizeof seg))
            return LSM_ERR_NOMEM;
        (*count)++;
    }
    *pos = i < len ? i + 1 : len + 1;
    return 0;
}

/* Adds the range segment `index` of map line `line`, if it exists and the
 * placement keeps it. */
static int add_range(lsm_range_acc_t *acc, const lsm_placement_t *pl, uint32_t line,
                     uint64_t index, uint32_t count, lsm_error_t *err) {
    if (index >= count)
        return range_error(err, LSM_ERR_RANGE_OUT_OF_RANGE, line, (int64_t)index,
                           "range index %u past the line's %u segments",
                           index > UINT32_MAX ? UINT32_MAX : (uint32_t)index, count);
    const segment_t *seg = (const segment_t *)acc->segments.data + index;
    if (!seg->original)
        return range_error(err, LSM_ERR_RANGE_NO_ORIGINAL, line, (int64_t)index,
                           "segment %u has no original position", (uint32_t)index);
    uint64_t out_line = (uint64_t)line + pl->line_offset;
    uint64_t out_col = (uint64_t)seg->col + (line == 0 ? pl->col_offset : 0);
    if (out_line > UINT32_MAX || out_col > UINT32_MAX)
        return 0; /* the decoder rejected such a token already */
    if (pl->clip && (out_line > pl->stop_line ||
                     (out_line == pl->stop_line && out_col >= pl->stop_col)))
        return 0;
    uint32_t pair[2] = {(uint32_t)out_line, (uint32_t)out_col};
    if (lsm_buf_append(&acc->positions, pair, sizeof pair))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    return 0;
}

/* One line of rangeMappings, r[from, to), against its line's segments. */
static int decode_line(lsm_range_acc_t *acc, const lsm_placement_t *pl, const char *r,
                       size_t from, size_t to, uint32_t line, uint32_t count,
                       lsm_error_t *err) {
    int code;
    if (acc->flags & LSM_LOAD_RANGE_MAPPINGS_BITS) {
        for (size_t i = from; i < to; i++) {
            int d = lsm_base64_digit((unsigned char)r[i]);
            if (d < 0)
                return range_error(err, LSM_ERR_VLQ_INVALID_DIGIT, line, -1,
                                   "invalid base64 digit at character %u",
                                   (uint32_t)(i - from));
            for (unsigned bit = 0; bit < 6; bit++)
                if (d & (1 << bit)) {
                    uint64_t index = (uint64_t)(i - from) * 6 + bit;
                    if ((code = add_range(acc, pl, line, index, count, err)))
                        return code;
                }
        }
        return 0;
    }
    bool one_based = (acc->flags & LSM_LOAD_RANGE_MAPPINGS_ONE_BASED) != 0;
    uint64_t prev = 0;
    bool first = true;
    size_t i = from;
    while (i < to) {
        uint64_t v = 0;
        unsigned shift = 0;
        int d;
        do {
            if (i >= to)
                return range_error(err, LSM_ERR_VLQ_UNTERMINATED, line, -1,
                                   "value ends inside its continuation");
            d = lsm_base64_digit((unsigned char)r[i]);
            if (d < 0)
                return range_error(err, LSM_ERR_VLQ_INVALID_DIGIT, line, -1,
                                   "invalid base64 digit at character %u",
                                   (uint32_t)(i - from));
            if (shift >= 35 || (shift == 30 && (d & 31) > 3))
                return range_error(err, LSM_ERR_VLQ_OVERFLOW, line, -1,
                                   "value beyond 32 bits");
            v |= (uint64_t)(d & 31) << shift;
            shift += 5;
            i++;
        } while (d & 32);
        uint64_t index;
        if (one_based) {
            if (v == 0)
                return range_error(err, LSM_ERR_RANGE_NOT_INCREASING, line, -1,
                                   "a 1-based offset of 0");
            prev += v;
            index = prev - 1;
        } else if (first) {
            prev = index = v;
        } else {
            if (v == 0)
                return range_error(err, LSM_ERR_RANGE_NOT_INCREASING, line, (int64_t)prev,
                                   "a delta of 0 after index %u", (uint32_t)prev);
            prev += v;
            index = prev;
        }
        first = false;
        if ((code = add_range(acc, pl, line, index, count, err)))
            return code;
    }
    return 0;
}

int lsm_range_collect(lsm_range_acc_t *acc, const lsm_map_record_t *m, const lsm_placement_t *pl,
                      lsm_error_t *err) {
    if (!m->range_mappings)
        return 0;
    const char *r = m->range_mappings, *s = m->mappings ? m->mappings : "";
    size_t rlen = m->range_mappings_len, slen = m->mappings ? m->mappings_len : 0;
    size_t rpos = 0, spos = 0;
    for (uint32_t line = 0; rpos <= rlen; line++) {
        size_t end = rpos;
        while (end < rlen && r[end] != ';')
            end++;
        bool have_line = spos <= slen;
        uint32_t count = 0;
        if (end > rpos) {
            if (!have_line)
                return range_error(err, LSM_ERR_RANGE_OUT_OF_RANGE, line, -1,
                                   "past the %u lines of \"mappings\"", line);
            int code = read_line_segments(acc, s, slen, &spos, &count);
            if (code)
                return lsm_set_error(err, code, "out of memory");
            if ((code = decode_line(acc, pl, r, rpos, end, line, count, err)))
                return code;
        } else if (have_line) {
            while (spos < slen && s[spos] != ';')
                spos++;
            spos++;
        }
        if (line == UINT32_MAX)
            break;
        rpos = end + 1;
    }
    return 0;
}

static int cmp_pair(const void *a, const void *b) {
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

int lsm_range_finish(lsm_range_acc_t *acc, lsm_view_t *view, lsm_error_t *err) {
    size_t n = acc->positions.len / (2 * sizeof(uint32_t));
    if (n == 0)
        return 0;
    uint32_t *pairs = (uint32_t *)acc->positions.data;
    qsort(pairs, n, 2 * sizeof(uint32_t), cmp_pair);
    lsm_buf_t ids = {NULL, 0, 0};
    uint32_t count = 0, last = UINT32_MAX;
    const lsm_packing_t *pk = &view->packing;
    for (size_t k = 0; k < n; k++) {
        uint32_t line = pairs[2 * k], col = pairs[2 * k + 1];
        if (line >= view->line_count)
            continue;
        uint32_t lo = lsm_line_start(view, line), hi = lsm_line_start(view, line + 1);
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (lsm_field(view->records, pk, mid, F_DST_COL) < col)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint32_t end = lsm_line_start(view, line + 1);
        for (uint32_t t = lo; t < end && lsm_field(view->records, pk, t, F_DST_COL) == col; t++) {
            if ((last != UINT32_MAX && t <= last) || lsm_field(view->records, pk, t, F_SRC_ID) == 0)
                continue;
            uint8_t le[4];
            lsm_wr32(le, t);
            if (lsm_buf_append(&ids, le, 4)) {
                lsm_buf_release(&ids);
                return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
            }
            count++;
            last = t;
        }
    }
    if (count == 0) {
        lsm_buf_release(&ids);
        return 0;
    }
    view->range_owned = ids.data;
    view->range_ids = ids.data;
    view->range_count = count;
    return 0;
}

void lsm_range_acc_release(lsm_range_acc_t *acc) {
    lsm_buf_release(&acc->positions);
    lsm_buf_release(&acc->segments);
}

bool lsm_range_is(const lsm_view_t *view, uint32_t index) {
    uint32_t lo = 0, hi = view->range_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t v = lsm_rd32(view->range_ids + (size_t)mid * 4);
        if (v == index)
            return true;
        if (v < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

void lsm_range_apply(const lsm_view_t *view, uint32_t index, uint32_t line, uint32_t col,
                     lsm_token_t *tok) {
    if (!view->range_count || tok->src_id == LSM_NO_ID || !lsm_range_is(view, index))
        return;
    uint64_t src_line = tok->src_line, src_col = tok->src_col;
    if (line == tok->dst_line) {
        if (col < tok->dst_col)
            return;
        src_col += col - tok->dst_col;
    } else if (line > tok->dst_line) {
        src_line += line - tok->dst_line;
        src_col = col;
    } else {
        return;
    }
    /* Positions stay below LSM_NO_ID, which means absent. */
    tok->src_line = src_line >= LSM_NO_ID ? LSM_NO_ID - 1 : (uint32_t)src_line;
    tok->src_col = src_col >= LSM_NO_ID ? LSM_NO_ID - 1 : (uint32_t)src_col;
}

bool lsm_range_reverse(const lsm_view_t *view, uint32_t index, uint32_t col, lsm_token_t *out) {
    if (!view->range_count || out->src_col == LSM_NO_ID || col < out->src_col ||
        !lsm_range_is(view, index))
        return false;
    uint64_t dst = (uint64_t)out->dst_col + (col - out->src_col);
    uint32_t end = out->dst_line + 1 < view->line_count ? lsm_line_start(view, out->dst_line + 1)
                                                        : view->token_count;
    if (index + 1 < end &&
        dst >= lsm_field(view->records, &view->packing, index + 1, F_DST_COL))
        return false;
    if (dst >= LSM_NO_ID)
        return false;
    out->dst_col = (uint32_t)dst;
    out->src_col = col;
    return true;
}

static int put_uvlq(lsm_buf_t *out, uint32_t v) {
    static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char digits[8];
    size_t n = 0;
    do {
        unsigned d = v & 31;
        v >>= 5;
        digits[n++] = B64[d | (v ? 32 : 0)];
    } while (v);
    return lsm_buf_append(out, digits, n);
}

int lsm_range_write(const lsm_view_t *view, lsm_buf_t *out) {
    uint32_t line = 0, prev = 0;
    bool first = true;
    for (uint32_t k = 0; k < view->range_count; k++) {
        uint32_t id = lsm_rd32(view->range_ids + (size_t)k * 4);
        if (id >= view->token_count)
            continue;
        uint32_t l = lsm_view_token_line(view, id);
        for (; line < l; line++) {
            if (lsm_buf_append(out, ";", 1))
                return LSM_ERR_NOMEM;
            first = true;
        }
        uint32_t index = id - lsm_line_start(view, l);
        if (!first && index <= prev)
            continue; /* only from a damaged cache file */
        if (put_uvlq(out, first ? index : index - prev))
            return LSM_ERR_NOMEM;
        prev = index;
        first = false;
    }
    return 0;
}

/* ------------------------------------------------------------- public */

uint32_t lsm_view_range_mapping_count(const lsm_view_t *view) {
    return view ? view->range_count : 0;
}

int lsm_view_token_is_range(const lsm_view_t *view, uint32_t index) {
    return view && index < view->token_count && lsm_range_is(view, index) ? 1 : 0;
}
