/* Finding the token for a generated position: a line index gives the
 * line's tokens, a binary search over their packed columns the token. */
#include "lookup.h"
#include "range_mappings.h"

#include <string.h>

/* A lookup in two steps, so that a batch can run the first step for
 * several positions, letting their cache misses overlap, before the
 * second: locate() finds the line and narrows the column search to one
 * block of records (prefetched); finish() searches it and fills the
 * token. */
typedef struct probe {
    uint32_t line;
    uint32_t first, end;   /* the tokens of the line */
    uint32_t lo, hi;       /* where the first token with column > key lies */
    uint32_t key;
    int rule;
    bool searched;         /* false: LUB at column 0, the answer is `first` */
} probe_t;

/* Narrows [lo, hi) within one line's tokens [first, end) to where the
 * first token whose column is greater than `col` can be, using the column
 * blocks, and prefetches those records. */
static void narrow(const lsm_view_t *view, probe_t *p, uint32_t col) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint32_t first = p->first, end = p->end;
    p->lo = first;
    p->hi = end;
    if (end - first <= LSM_BLOCK)
        return;
    /* Blocks whose first token lies in the line: kfirst..kend. The first
     * of them whose column is past `col` bounds the answer. */
    uint32_t kfirst = (first + LSM_BLOCK - 1) / LSM_BLOCK;
    uint32_t kend = (end - 1) / LSM_BLOCK + 1;
    uint32_t klo = kfirst, khi = kend;
    /* Columns grow roughly evenly along a line, so interpolation finds the
     * block in a few probes where bisection takes log2(blocks); a bounded
     * number of steps keeps the worst case logarithmic. */
    for (int step = 0; step < 6 && khi - klo > 16; step++) {
        uint32_t a = lsm_rd32(view->col_blocks + (size_t)klo * 4);
        uint32_t b = lsm_rd32(view->col_blocks + (size_t)(khi - 1) * 4);
        if (col < a) {
            khi = klo;
            break;
        }
        if (col >= b) {
            klo = khi;
            break;
        }
        uint32_t guess = klo + (uint32_t)((uint64_t)(col - a) * (khi - 1 - klo) / (b - a));
        if (lsm_rd32(view->col_blocks + (size_t)guess * 4) <= col)
            klo = guess + 1;
        else
            khi = guess;
    }
    while (klo < khi) {
        uint32_t mid = klo + (khi - klo) / 2;
        if (lsm_rd32(view->col_blocks + (size_t)mid * 4) <= col)
            klo = mid + 1;
        else
            khi = mid;
    }
    if (klo < kend)
        p->hi = klo * LSM_BLOCK; /* that block's first token is past col */
    if (klo > kfirst)
        p->lo = (klo - 1) * LSM_BLOCK + 1; /* the previous block's first is not */
    /* The block's records span two or three cache lines: ask for them all
     * at once rather than miss on each probe in turn. */
    uint64_t from = (uint64_t)p->lo * pk->record_bits / 8;
    uint64_t to = (uint64_t)p->hi * pk->record_bits / 8;
    for (uint64_t at = from; at <= to; at += 64)
        __builtin_prefetch(rec + at);
}

/* The first token in [lo, hi) whose column is greater than `col`. */
static uint32_t search(const lsm_view_t *view, uint32_t lo, uint32_t hi, uint32_t col) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lsm_field(rec, pk, mid, F_DST_COL) <= col)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Steps back to the first of several tokens at the same column. */
static uint32_t first_of_run(const lsm_view_t *view, uint32_t first, uint32_t index) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint32_t col = lsm_field(rec, pk, index, F_DST_COL);
    while (index > first && lsm_field(rec, pk, index - 1, F_DST_COL) == col)
        index--;
    return index;
}

/* Steps forward to the last of several tokens at the same column. */
static uint32_t last_of_run(const lsm_view_t *view, uint32_t end, uint32_t index) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint32_t col = lsm_field(rec, pk, index, F_DST_COL);
    while (index + 1 < end && lsm_field(rec, pk, index + 1, F_DST_COL) == col)
        index++;
    return index;
}

static void no_token(lsm_token_t *out) {
    out->dst_line = out->dst_col = out->src_line = out->src_col = LSM_NO_ID;
    out->src_id = out->name_id = LSM_NO_ID;
    out->src = out->name = NULL;
    out->src_len = out->name_len = 0;
}

static void locate(const lsm_view_t *view, uint32_t line, uint32_t col, int rule, probe_t *p) {
    p->line = line;
    p->rule = rule;
    if (line < view->line_count) {
        /* Clamped so that a damaged cache file's line index cannot lead
         * outside the records. */
        p->first = lsm_line_start(view, line);
        p->end = lsm_line_start(view, line + 1);
        if (p->first > view->token_count)
            p->first = view->token_count;
        if (p->end > view->token_count)
            p->end = view->token_count;
        if (p->end < p->first)
            p->end = p->first;
    } else {
        p->first = p->end = view->token_count;
    }
    /* Least upper bound: the first token at or after col, that is past
     * any run below col. The others: the last at or before col. */
    p->searched = !(rule == LSM_RULE_LEAST_UPPER_BOUND && col == 0);
    p->key = rule == LSM_RULE_LEAST_UPPER_BOUND ? col - 1 : col;
    if (p->searched)
        narrow(view, p, p->key);
}

/* The token that answers a located position: 1 with *index and *line (the
 * token's generated line) set, or 0 when no token does.
 *
 * Several tokens at one position are told apart the way the established
 * consumers do (see docs/compatibility.md):
 *   GREATEST_LOWER_BOUND (Sentry's 0.8): the last of them, whether the
 *     position is exactly theirs or lies after them;
 *   SAME_LINE (trace-mapping's GLB bias): the first on an exact hit, the
 *     last when the position lies after them;
 *   LEAST_UPPER_BOUND (trace-mapping's LUB bias): the last on an exact hit,
 *     the first when the position lies before them. */
static int resolve(const lsm_view_t *view, const probe_t *p, uint32_t *index, uint32_t *line) {
    uint32_t first = p->first, end = p->end;
    uint32_t after = p->searched ? search(view, p->lo, p->hi, p->key) : first;
    *line = p->line;
    if (p->rule == LSM_RULE_LEAST_UPPER_BOUND) {
        if (after == end)
            return 0;
        *index = after;
        /* key is col - 1, so `after` is the first token at or past col. */
        if (lsm_field(view->records, &view->packing, after, F_DST_COL) == p->key + 1u)
            *index = last_of_run(view, end, after);
    } else if (after > first) {
        *index = after - 1; /* the last token at or before col */
        if (p->rule == LSM_RULE_SAME_LINE &&
            lsm_field(view->records, &view->packing, after - 1, F_DST_COL) == p->key)
            *index = first_of_run(view, first, after - 1);
    } else if (p->rule == LSM_RULE_SAME_LINE || first == 0) {
        return 0;
    } else {
        /* The last token of the nearest earlier line that has any. */
        *line = lsm_view_token_line(view, first - 1);
        *index = first - 1;
    }
    return 1;
}

/* 1 found, 0 not (out then holds the unmapped token or nothing). */
static int finish(const lsm_view_t *view, const probe_t *p, lsm_token_t *out) {
    uint32_t index, token_line;
    if (!resolve(view, p, &index, &token_line)) {
        no_token(out);
        return 0;
    }
    lsm_view_fill_token(view, index, token_line, out);
    if (view->range_count && p->rule != LSM_RULE_LEAST_UPPER_BOUND)
        lsm_range_apply(view, index, p->line, p->key, out);
    return out->src_id != LSM_NO_ID;
}

/* As finish(), answering only the six numbers (dst_line, dst_col,
 * src_line, src_col, src_id, name_id) in `n`, all LSM_NO_ID when nothing
 * maps: what a cursor and lsm_lookup_columns() give, without looking up
 * the strings a token points at. */
static int finish_numbers(const lsm_view_t *view, const probe_t *p, uint32_t n[6]) {
    n[0] = n[1] = n[2] = n[3] = n[4] = n[5] = LSM_NO_ID;
    if (view->range_count) { /* range mappings rewrite the token: take the whole path */
        lsm_token_t t;
        if (!finish(view, p, &t))
            return 0;
        n[0] = t.dst_line, n[1] = t.dst_col, n[2] = t.src_line;
        n[3] = t.src_col, n[4] = t.src_id, n[5] = t.name_id;
        return 1;
    }
    uint32_t index, line;
    if (!resolve(view, p, &index, &line))
        return 0;
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint64_t at = (uint64_t)index * pk->record_bits; /* the record's first bit */
#define FIELD(f) lsm_bits_at(rec, at + pk->shift[f], pk->width[f])
    /* Checked as lsm_view_fill_token() checks them: ids past the tables
     * come only from a damaged cache file and read as unmapped. */
    uint32_t src = FIELD(F_SRC_ID);
    if (src == 0 || src > view->sources.count)
        return 0;
    uint32_t name = FIELD(F_NAME_ID);
    n[0] = line;
    n[1] = FIELD(F_DST_COL);
    n[2] = FIELD(F_SRC_LINE);
    n[3] = FIELD(F_SRC_COL);
#undef FIELD
    n[4] = src - 1;
    n[5] = name == 0 || name > view->names.count ? LSM_NO_ID : name - 1;
    return 1;
}

static int valid_rule(int rule) {
    return rule >= LSM_RULE_GREATEST_LOWER_BOUND && rule <= LSM_RULE_LEAST_UPPER_BOUND;
}

int lsm_lookup_ex(const lsm_view_t *view, uint32_t line, uint32_t col, int rule,
                  lsm_token_t *out, lsm_error_t *err) {
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL"), -1;
    if (!valid_rule(rule))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown lookup rule %d", rule), -1;
    lsm_clear_error(err);
    probe_t p;
    locate(view, line, col, rule, &p);
    return finish(view, &p, out);
}

int lsm_lookup_numbers(const lsm_view_t *view, uint32_t line, uint32_t col, int rule,
                       uint32_t out[6]) {
    probe_t p;
    locate(view, line, col, rule, &p);
    uint32_t v[6];
    if (!finish_numbers(view, &p, v))
        return 0;
    memcpy(out, v, sizeof v);
    return 1;
}

int lsm_lookup(const lsm_view_t *view, uint32_t line, uint32_t col, lsm_token_t *out,
               lsm_error_t *err) {
    return lsm_lookup_ex(view, line, col, LSM_RULE_GREATEST_LOWER_BOUND, out, err);
}

/* Positions located before any of them is finished. */
#define BATCH 8

/* Where a batch's answers go: whole tokens, or six columns. */
typedef struct answers {
    lsm_token_t *tokens;   /* lsm_lookup_many, or NULL */
    uint32_t *col[6];      /* lsm_lookup_columns */
} answers_t;

/* The batch both entry points run: BATCH positions located (their cache
 * misses overlap), then finished. */
static int64_t lookup_batch(const lsm_view_t *view, const uint32_t *lines, const uint32_t *cols,
                            size_t count, int rule, const answers_t *a, lsm_error_t *err) {
    if (!valid_rule(rule))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown lookup rule %d", rule), -1;
    int64_t found = 0;
    probe_t probes[BATCH];
    for (size_t base = 0; base < count; base += BATCH) {
        size_t n = count - base < BATCH ? count - base : BATCH;
        for (size_t k = 0; k < n; k++)
            locate(view, lines[base + k], cols[base + k], rule, &probes[k]);
        for (size_t k = 0; k < n; k++) {
            size_t i = base + k;
            if (a->tokens) {
                if (finish(view, &probes[k], &a->tokens[i]))
                    found++;
                else
                    no_token(&a->tokens[i]);
                continue;
            }
            uint32_t v[6];
            found += finish_numbers(view, &probes[k], v);
            for (int f = 0; f < 6; f++)
                a->col[f][i] = v[f];
        }
    }
    lsm_clear_error(err);
    return found;
}

int64_t lsm_lookup_many(const lsm_view_t *view, const uint32_t *lines, const uint32_t *cols,
                        size_t count, int rule, lsm_token_t *out, lsm_error_t *err) {
    if (!view || (count && (!lines || !cols || !out)))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or an array is NULL"), -1;
    answers_t a = {out, {NULL, NULL, NULL, NULL, NULL, NULL}};
    return lookup_batch(view, lines, cols, count, rule, &a, err);
}

int64_t lsm_lookup_columns(const lsm_view_t *view, const uint32_t *lines, const uint32_t *cols,
                           size_t count, int rule, uint32_t *dst_line, uint32_t *dst_col,
                           uint32_t *src_line, uint32_t *src_col, uint32_t *src_id,
                           uint32_t *name_id, lsm_error_t *err) {
    if (!view || (count && (!lines || !cols || !dst_line || !dst_col || !src_line || !src_col ||
                            !src_id || !name_id)))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or an array is NULL"), -1;
    answers_t a = {NULL, {dst_line, dst_col, src_line, src_col, src_id, name_id}};
    return lookup_batch(view, lines, cols, count, rule, &a, err);
}
