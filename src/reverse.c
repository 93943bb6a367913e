/* Reverse lookups: from an original position to the generated positions
 * mapped to it.
 *
 * The answers are trace-mapping 0.3's (generatedPositionFor and
 * allGeneratedPositionsFor): only tokens on the asked original line count;
 * among tokens at one original column the order is the generated one.
 * The index behind them (every mapped token, sorted by source, original
 * line, original column and token index) is built on the first call and
 * published with a compare-and-swap, so that concurrent first calls on a
 * shared view are safe: one index wins, the others are freed. */
#include <stdlib.h>

#include "range_mappings.h"

struct lsm_reverse {
    uint32_t source_count;
    uint32_t mapped;      /* entries */
    uint32_t *start;      /* source s owns entries start[s] .. start[s + 1] */
    uint32_t *order;      /* entry -> token index */
    uint32_t *lines;      /* entry -> original line */
    uint32_t *cols;       /* entry -> original column */
    /* Per source, where its lines start when they are dense enough to
     * list (a source whose greatest line is at most twice its entry
     * count): line_dir[dir_at[s] + l] is the first entry of source s on a
     * line >= l, for l = 0 .. dir_lines[s]; dir_at[s] is UINT32_MAX for a
     * source without a directory, searched by bisection instead. */
    uint32_t *dir_at;
    uint32_t *dir_lines;
    uint32_t *line_dir;
    uint32_t data[];  /* everything above points in here: the index is one
                       * block, which lsm_view_free() frees */
};

typedef struct entry {
    uint64_t key;  /* original line << 32 | original column */
    uint32_t index;
} entry_t;

static int cmp_entry(const void *a, const void *b) {
    const entry_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The source id of token `i` (0-based), or UINT32_MAX when it has none,
 * judged as lsm_view_fill_token() judges it. */
static uint32_t token_source(const lsm_view_t *view, uint32_t i) {
    uint32_t src = lsm_field(view->records, &view->packing, i, F_SRC_ID);
    return src == 0 || src > view->sources.count ? UINT32_MAX : src - 1;
}

static struct lsm_reverse *build_index(const lsm_view_t *view, lsm_error_t *err) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    uint32_t nsrc = view->sources.count, ntok = view->token_count;
    struct lsm_reverse *rev = NULL;
    entry_t *tmp = NULL;
    uint32_t *start = NULL;

    /* Entries per source, then each source's first entry. */
    start = lsm_calloc((size_t)nsrc + 1, sizeof *start);
    if (!start)
        goto nomem;
    uint32_t mapped = 0;
    for (uint32_t i = 0; i < ntok; i++) {
        uint32_t s = token_source(view, i);
        if (s != UINT32_MAX) {
            start[s + 1]++;
            mapped++;
        }
    }
    for (uint32_t s = 0; s < nsrc; s++)
        start[s + 1] += start[s];

    /* Distribute by source in token order, then sort each source's run by
     * (line, column), ties by token index: a stable sort, as trace-mapping's. */
    tmp = lsm_malloc((size_t)(mapped ? mapped : 1) * sizeof *tmp);
    if (!tmp)
        goto nomem;
    {
        uint32_t *cursor = lsm_malloc((size_t)(nsrc ? nsrc : 1) * 4);
        if (!cursor)
            goto nomem;
        memcpy(cursor, start, (size_t)nsrc * 4);
        for (uint32_t i = 0; i < ntok; i++) {
            uint32_t s = token_source(view, i);
            if (s == UINT32_MAX)
                continue;
            entry_t *e = &tmp[cursor[s]++];
            e->key = (uint64_t)lsm_field(rec, pk, i, F_SRC_LINE) << 32 |
                     lsm_field(rec, pk, i, F_SRC_COL);
            e->index = i;
        }
        lsm_free(cursor);
    }
    uint64_t dir_words = 0;
    for (uint32_t s = 0; s < nsrc; s++) {
        uint32_t a = start[s], b = start[s + 1];
        /* Already sorted is common (one module, emitted in order): skip. */
        bool sorted = true;
        for (uint32_t k = a + 1; k < b && sorted; k++)
            sorted = tmp[k - 1].key <= tmp[k].key;
        if (!sorted)
            qsort(tmp + a, b - a, sizeof *tmp, cmp_entry);
        if (b > a) {
            uint64_t max_line = tmp[b - 1].key >> 32;
            if (max_line + 2 <= 2 * (uint64_t)(b - a) + 2 &&
                dir_words + max_line + 2 < UINT32_MAX)
                dir_words += max_line + 2;
        }
    }

    /* One block: start, order, lines, cols, dir_at, dir_lines, line_dir. */
    uint64_t words = ((uint64_t)nsrc + 1) + 3 * (uint64_t)mapped + 2 * (uint64_t)nsrc + dir_words;
    if (words > (SIZE_MAX - sizeof *rev) / 4) {
        lsm_free(tmp);
        lsm_free(start);
        lsm_set_error(err, LSM_ERR_TOO_LARGE, "reverse index too large");
        return NULL;
    }
    rev = lsm_malloc(sizeof *rev + (size_t)words * 4);
    if (!rev)
        goto nomem;
    rev->source_count = nsrc;
    rev->mapped = mapped;
    rev->start = rev->data;
    rev->order = rev->start + (size_t)nsrc + 1;
    rev->lines = rev->order + mapped;
    rev->cols = rev->lines + mapped;
    rev->dir_at = rev->cols + mapped;
    rev->dir_lines = rev->dir_at + nsrc;
    rev->line_dir = rev->dir_lines + nsrc;
    memcpy(rev->start, start, ((size_t)nsrc + 1) * 4);
    for (uint32_t k = 0; k < mapped; k++) {
        rev->order[k] = tmp[k].index;
        rev->lines[k] = (uint32_t)(tmp[k].key >> 32);
        rev->cols[k] = (uint32_t)tmp[k].key;
    }
    uint32_t at = 0;
    for (uint32_t s = 0; s < nsrc; s++) {
        uint32_t a = start[s], b = start[s + 1];
        rev->dir_at[s] = UINT32_MAX;
        rev->dir_lines[s] = 0;
        if (b == a)
            continue;
        uint64_t max_line = rev->lines[b - 1];
        if (max_line + 2 > 2 * (uint64_t)(b - a) + 2 || (uint64_t)at + max_line + 2 >= UINT32_MAX)
            continue;
        rev->dir_at[s] = at;
        rev->dir_lines[s] = (uint32_t)max_line + 1;
        uint32_t k = a;
        for (uint32_t l = 0; l <= max_line + 1; l++) {
            while (k < b && rev->lines[k] < l)
                k++;
            rev->line_dir[at + l] = k;
        }
        at += (uint32_t)max_line + 2;
    }
    lsm_free(tmp);
    lsm_free(start);
    return rev;

nomem:
    lsm_free(tmp);
    lsm_free(start);
    lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    return NULL;
}

/* The view's index, built on first use. */
static const struct lsm_reverse *get_index(const lsm_view_t *view, lsm_error_t *err) {
    /* The view is immutable to callers; the index is a cache it owns, and
     * the view itself was allocated writable. */
    struct lsm_reverse **slot = &((lsm_view_t *)view)->reverse;
    struct lsm_reverse *rev = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (rev)
        return rev;
    rev = build_index(view, err);
    if (!rev)
        return NULL;
    struct lsm_reverse *expected = NULL;
    if (!__atomic_compare_exchange_n(slot, &expected, rev, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        lsm_free(rev);
        rev = expected;
    }
    return rev;
}

/* The first entry in [lo, hi) whose value in `v` is past `key` (strict)
 * or at least `key` (not strict). */
static uint32_t bound(const uint32_t *v, uint32_t lo, uint32_t hi, uint32_t key, bool strict) {
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strict ? v[mid] <= key : v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void no_token(lsm_token_t *out) {
    out->dst_line = out->dst_col = out->src_line = out->src_col = LSM_NO_ID;
    out->src_id = out->name_id = LSM_NO_ID;
    out->src = out->name = NULL;
    out->src_len = out->name_len = 0;
}

static void fill(const lsm_view_t *view, const struct lsm_reverse *rev, uint32_t k,
                 lsm_token_t *out) {
    uint32_t index = rev->order[k];
    lsm_view_fill_token(view, index, lsm_view_token_line(view, index), out);
}

/* Checks the arguments shared by both calls and finds the entries of
 * (src_id, line): [*lo, *hi). Returns the index, or NULL with err set. */
static const struct lsm_reverse *prepare(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                                         int rule, uint32_t *lo, uint32_t *hi,
                                         lsm_error_t *err) {
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    if (rule != LSM_RULE_GREATEST_LOWER_BOUND && rule != LSM_RULE_LEAST_UPPER_BOUND) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown reverse lookup rule %d", rule);
        return NULL;
    }
    if (src_id >= view->sources.count) {
        lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id,
                      view->sources.count);
        return NULL;
    }
    const struct lsm_reverse *rev = get_index(view, err);
    if (!rev)
        return NULL;
    uint32_t a = rev->start[src_id], b = rev->start[src_id + 1];
    if (rev->dir_at[src_id] != UINT32_MAX) {
        const uint32_t *dir = rev->line_dir + rev->dir_at[src_id];
        bool listed = line < rev->dir_lines[src_id];
        *lo = listed ? dir[line] : b;
        *hi = listed ? dir[line + 1] : b;
    } else {
        *lo = bound(rev->lines, a, b, line, false);
        *hi = bound(rev->lines, *lo, b, line, true);
    }
    lsm_clear_error(err);
    return rev;
}

int lsm_generated_position_for(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                               uint32_t col, int rule, lsm_token_t *out, lsm_error_t *err) {
    if (!out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "out is NULL"), -1;
    uint32_t lo, hi;
    const struct lsm_reverse *rev = prepare(view, src_id, line, rule, &lo, &hi, err);
    if (!rev) {
        no_token(out);
        return -1;
    }
    uint32_t lt = bound(rev->cols, lo, hi, col, false);
    uint32_t le = bound(rev->cols, lt, hi, col, true);
    /* Inside a range mapping (src/range_mappings.c) the position itself
     * is mapped, whatever the rule. */
    if (lt == le && lt > lo && view->range_count) {
        fill(view, rev, lt - 1, out);
        if (lsm_range_reverse(view, rev->order[lt - 1], col, out))
            return 1;
    }
    int64_t k;
    if (rule == LSM_RULE_GREATEST_LOWER_BOUND)
        /* On the column: the first there; else the last before it. */
        k = lt < le ? (int64_t)lt : (int64_t)lt - 1;
    else
        /* On the column: the last there; else the first after it. */
        k = lt < le ? (int64_t)le - 1 : (int64_t)lt;
    if (k < (int64_t)lo || k >= (int64_t)hi) {
        no_token(out);
        return 0;
    }
    fill(view, rev, (uint32_t)k, out);
    return 1;
}

/* As lsm_generated_position_for() answers inside a range mapping: when
 * no token sits at `col`, the tokens at the greatest column before it
 * (entries [lo, lt) end there) that are ranges reaching `col` on their
 * generated line, each moved by the offset. Returns how many, writing the
 * first `cap`; 0 when none does (the usual answer stands). */
static int64_t in_ranges(const lsm_view_t *view, const struct lsm_reverse *rev, uint32_t lo,
                         uint32_t lt, uint32_t col, lsm_token_t *out, size_t cap) {
    if (!view->range_count || lt == lo)
        return 0;
    uint32_t first = bound(rev->cols, lo, lt, rev->cols[lt - 1], false);
    int64_t n = 0;
    for (uint32_t k = first; k < lt; k++) {
        lsm_token_t t;
        fill(view, rev, k, &t);
        if (!lsm_range_reverse(view, rev->order[k], col, &t))
            continue;
        if ((size_t)n < cap)
            out[n] = t;
        n++;
    }
    return n;
}

int64_t lsm_all_generated_positions_for(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                                        uint32_t col, int rule, lsm_token_t *out, size_t cap,
                                        lsm_error_t *err) {
    if (cap && !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "out is NULL"), -1;
    uint32_t lo, hi;
    const struct lsm_reverse *rev = prepare(view, src_id, line, rule, &lo, &hi, err);
    if (!rev)
        return -1;
    uint32_t from = lo, to = hi;
    if (col != LSM_NO_ID) {
        uint32_t lt = bound(rev->cols, lo, hi, col, false);
        uint32_t le = bound(rev->cols, lt, hi, col, true);
        int64_t inside = lt < le ? 0 : in_ranges(view, rev, lo, lt, col, out, cap);
        if (inside)
            return inside;
        if (lt < le) {
            from = lt;
            to = le;
        } else if (rule == LSM_RULE_GREATEST_LOWER_BOUND) {
            /* Every token at the greatest column before `col`. */
            if (lt == lo)
                return 0;
            to = lt;
            from = bound(rev->cols, lo, lt, rev->cols[lt - 1], false);
        } else {
            /* Every token at the least column after `col`. */
            if (lt == hi)
                return 0;
            from = lt;
            to = bound(rev->cols, lt, hi, rev->cols[lt], true);
        }
    }
    uint32_t n = to - from;
    for (uint32_t k = 0; k < n && k < cap; k++)
        fill(view, rev, from + k, &out[k]);
    return n;
}

int64_t lsm_view_find_source(const lsm_view_t *view, const char *name, size_t len,
                             lsm_error_t *err) {
    if (!view || (!name && len))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or name is NULL"), -1;
    if (!name)
        name = "";
    /* As written first, then resolved: trace-mapping's order. */
    const lsm_strtab_t *tabs[2] = {&view->sources, &view->source_urls};
    for (int t = 0; t < 2; t++) {
        for (uint32_t i = 0; i < tabs[t]->count; i++) {
            size_t n;
            const char *s = lsm_strtab_get(view, tabs[t], i, &n);
            if (s && n == len && memcmp(s, name, len) == 0) {
                lsm_clear_error(err);
                return i;
            }
        }
    }
    return lsm_set_error(err, LSM_ERR_NO_SOURCE, "no source named \"%.*s\"",
                         len > 120 ? 120 : (int)len, name),
           -1;
}
