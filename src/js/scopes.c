/* Function scopes of JavaScript: the public API, and the layout of what
 * the builder (scope_build.c) found into the lsm_js_scopes_t that answers
 * queries: scopes sorted by position with their parents, and their names
 * composed into one string buffer. */
#include <stdlib.h>

#include "scope_build.h"

/* ----------------------------------------------------------------- output */

static int cmp_scope(const void *a, const void *b) {
    const bscope_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A token that may stand between white space and a function's name. */
static bool is_name_lead(const js_toks_t *ts, uint32_t i) {
    static const char *const words[] = {"function", "class", "async", "static",
                                        "get",      "set",   "*"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (js_tok_is(ts, i, words[k]))
            return true;
    return false;
}

/* js_part_t.lead_col for the name token `i`: where the run of white space
 * and the keywords above before it starts on its line. */
static uint32_t lead_col(const builder_t *B, uint32_t i) {
    uint32_t line = B->v[i].line;
    while (i > 0) {
        uint32_t end_line, end_col;
        js_tok_end(B->ts, i - 1, &end_line, &end_col);
        if (end_line != line)
            return 0;
        if (!is_name_lead(B->ts, i - 1))
            return end_col;
        i--;
    }
    return 0;
}

/* The text of a part. */
static void part_text(const builder_t *B, const pref_t *p, const char **text, size_t *n) {
    const char *src = B->ts->src;
    const js_tok_t *a = &B->v[p->a], *b = &B->v[p->b];
    switch (p->type) {
    case P_LIT:
        *text = p->lit;
        *n = strlen(p->lit);
        return;
    case P_STRKEY:
        *text = src + a->off + 1;
        *n = a->len >= 2 ? a->len - 2 : 0;
        return;
    case P_SPAN:
        *text = src + a->off;
        *n = b->off + b->len - a->off;
        if (*n > MAX_SPAN_BYTES)
            *n = MAX_SPAN_BYTES;
        return;
    default:
        *text = src + a->off;
        *n = a->len;
        return;
    }
}

static int finish(builder_t *B, lsm_js_scopes_t *out) {
    if (B->nscopes > 1)
        qsort(B->scopes, B->nscopes, sizeof *B->scopes, cmp_scope);
    out->scopes = lsm_calloc(B->nscopes ? B->nscopes : 1, sizeof *out->scopes);
    uint32_t total = 0;
    for (uint32_t k = 0; k < B->nscopes; k++)
        total += B->scopes[k].count;
    out->parts = lsm_calloc(total ? total : 1, sizeof *out->parts);
    if (!out->scopes || !out->parts)
        return LSM_ERR_NOMEM;
    lsm_buf_t sb = {0};
    if (lsm_buf_append_str(&sb, "", 0))
        return LSM_ERR_NOMEM;
    uint32_t *stack = lsm_malloc((B->nscopes ? B->nscopes : 1) * sizeof *stack);
    if (!stack) {
        lsm_buf_release(&sb);
        return LSM_ERR_NOMEM;
    }
    uint32_t depth = 0;
    for (uint32_t k = 0; k < B->nscopes; k++) {
        const bscope_t *b = &B->scopes[k];
        js_scope_t *s = &out->scopes[k];
        const js_tok_t *st = &B->v[b->start];
        s->start_line = st->line;
        s->start_col = st->col;
        js_tok_end(B->ts, b->end, &s->end_line, &s->end_col);
        s->name_off = JS_NONE;
        s->name_len = 0;
        s->name_line = s->name_col = LSM_NO_ID;
        s->wrap_callee_line = s->wrap_callee_col = LSM_NO_ID;
        s->wrap_var_line = s->wrap_var_col = LSM_NO_ID;
        if (b->wrap_callee != JS_NONE) {
            s->wrap_callee_line = B->v[b->wrap_callee].line;
            s->wrap_callee_col = B->v[b->wrap_callee].col;
            s->wrap_var_line = B->v[b->wrap_var].line;
            s->wrap_var_col = B->v[b->wrap_var].col;
        }
        s->first_part = out->part_count;
        s->part_count = 0;
        if (b->count) {
            /* The composed name, then each part as a slice of it. */
            size_t name_at = sb.len;
            for (uint32_t q = 0; q < b->count; q++) {
                const pref_t *p = &B->parts[b->first + q];
                const char *text;
                size_t n;
                part_text(B, p, &text, &n);
                if (sb.len - name_at + n > MAX_NAME_BYTES)
                    break;
                js_part_t *jp = &out->parts[out->part_count++];
                jp->text_off = (uint32_t)sb.len;
                jp->text_len = (uint32_t)n;
                jp->line = jp->col = jp->lead_col = LSM_NO_ID;
                if (p->type != P_LIT) {
                    jp->line = B->v[p->a].line;
                    jp->col = B->v[p->a].col;
                    jp->lead_col = lead_col(B, p->a);
                    s->name_line = jp->line;
                    s->name_col = jp->col;
                }
                if (lsm_buf_append_str(&sb, text, n)) {
                    lsm_free(stack);
                    lsm_buf_release(&sb);
                    return LSM_ERR_NOMEM;
                }
                s->part_count++;
            }
            s->name_off = (uint32_t)name_at;
            s->name_len = (uint32_t)(sb.len - name_at);
            if (lsm_buf_append_str(&sb, "", 0)) { /* the NUL after the name */
                lsm_free(stack);
                lsm_buf_release(&sb);
                return LSM_ERR_NOMEM;
            }
            sb.len++;
        }
        while (depth > 0 && B->scopes[stack[depth - 1]].end < b->start)
            depth--;
        s->parent = depth > 0 ? stack[depth - 1] : LSM_NO_ID;
        stack[depth++] = k;
    }
    lsm_free(stack);
    out->count = B->nscopes;
    out->strbuf = (char *)sb.data;
    out->strbuf_len = sb.len;
    return LSM_OK;
}

/* ------------------------------------------------------------------- API */

/* The per-line index of js_scopes_find() (struct lsm_js_scopes), when
 * there are enough scopes for it to pay and it stays within four entries
 * per scope; without memory for it, searches take the whole array. */
static void index_lines(lsm_js_scopes_t *S) {
    if (S->count < 64)
        return;
    uint64_t entries = (uint64_t)S->scopes[S->count - 1].start_line + 2;
    if (entries > (uint64_t)S->count * 4)
        return;
    uint32_t *first = lsm_malloc((size_t)entries * sizeof *first);
    if (!first)
        return;
    uint32_t k = 0;
    for (uint64_t l = 0; l < entries; l++) {
        while (k < S->count && S->scopes[k].start_line < l)
            k++;
        first[l] = k;
    }
    S->line_first = first;
    S->line_entries = (uint32_t)entries;
}

uint32_t js_flags_for_name(const char *name, size_t len) {
    if (!name)
        return LSM_JS_DEFAULT;
    static const char *const ts[] = {".ts", ".mts", ".cts"};
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
        size_t n = strlen(ts[k]);
        if (len >= n && memcmp(name + len - n, ts[k], n) == 0)
            return LSM_JS_NO_JSX;
    }
    return LSM_JS_DEFAULT;
}

lsm_js_scopes_t *lsm_js_scopes_build_ex(const char *src, size_t len, uint32_t flags,
                                        lsm_error_t *err) {
    if (!src && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "src is NULL");
        return NULL;
    }
    if (flags & ~(uint32_t)LSM_JS_NO_JSX) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown scan flags 0x%x", flags);
        return NULL;
    }
    builder_t B = {0};
    js_toks_t ts = {0};
    lsm_js_scopes_t *out = NULL;
    int code = js_lex(src ? src : "", len, flags, &ts, err);
    if (code != LSM_OK)
        return NULL;
    B.ts = &ts;
    B.v = ts.v;
    B.n = ts.n;
    size_t cells = ts.n ? ts.n : 1;
    B.kind = lsm_calloc(cells, 1);
    B.cname_first = lsm_calloc(cells, sizeof *B.cname_first);
    B.cname_count = lsm_calloc(cells, sizeof *B.cname_count);
    out = lsm_calloc(1, sizeof *out);
    if (!B.kind || !B.cname_first || !B.cname_count || !out) {
        code = LSM_ERR_NOMEM;
        goto cleanup;
    }
    js_scope_scan(&B);
    code = B.code;
    if (code == LSM_OK)
        code = finish(&B, out);

cleanup:
    lsm_free(B.kind);
    lsm_free(B.cname_first);
    lsm_free(B.cname_count);
    lsm_free(B.scopes);
    lsm_free(B.parts);
    lsm_free(B.levels);
    lsm_free(B.pend);
    js_toks_free(&ts);
    if (code != LSM_OK) {
        lsm_js_scopes_free(out);
        lsm_set_error(err, code, code == LSM_ERR_NOMEM ? "out of memory" : "too many scopes");
        return NULL;
    }
    index_lines(out);
    lsm_clear_error(err);
    return out;
}

lsm_js_scopes_t *lsm_js_scopes_build(const char *src, size_t len, lsm_error_t *err) {
    return lsm_js_scopes_build_ex(src, len, LSM_JS_DEFAULT, err);
}

void lsm_js_scopes_free(lsm_js_scopes_t *scopes) {
    if (!scopes)
        return;
    lsm_free(scopes->scopes);
    lsm_free(scopes->parts);
    lsm_free(scopes->strbuf);
    lsm_free(scopes->line_first);
    lsm_free(scopes);
}

uint32_t lsm_js_scopes_count(const lsm_js_scopes_t *scopes) {
    return scopes ? scopes->count : 0;
}

static void fill_scope(const lsm_js_scopes_t *S, uint32_t index, lsm_js_scope_t *out) {
    const js_scope_t *s = &S->scopes[index];
    out->start_line = s->start_line;
    out->start_col = s->start_col;
    out->end_line = s->end_line;
    out->end_col = s->end_col;
    out->name_line = s->name_line;
    out->name_col = s->name_col;
    out->parent = s->parent;
    out->index = index;
    if (s->name_off == JS_NONE) {
        out->name = NULL;
        out->name_len = 0;
    } else {
        out->name = S->strbuf + s->name_off;
        out->name_len = s->name_len;
    }
}

int lsm_js_scopes_get(const lsm_js_scopes_t *scopes, uint32_t index, lsm_js_scope_t *out,
                      lsm_error_t *err) {
    if (!scopes || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or out is NULL"), -1;
    if (index >= scopes->count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "scope %u of %u", index,
                             scopes->count),
               -1;
    fill_scope(scopes, index, out);
    lsm_clear_error(err);
    return 0;
}

static inline int pos_cmp(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    return c1 < c2 ? -1 : c1 > c2;
}

uint32_t js_scopes_find(const lsm_js_scopes_t *S, uint32_t line, uint32_t col) {
    /* The last scope starting at or before the position, then out through
     * its parents to the first that still contains it. */
    uint32_t lo = 0, hi = S->count;
    if (S->line_first) {
        /* Scopes starting on earlier lines all come first, later ones after. */
        if ((uint64_t)line + 1 < S->line_entries) {
            lo = S->line_first[line];
            hi = S->line_first[line + 1];
        } else {
            lo = S->count;
        }
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const js_scope_t *s = &S->scopes[mid];
        if (pos_cmp(s->start_line, s->start_col, line, col) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t k = lo ? lo - 1 : JS_NONE;
    for (uint32_t guard = 0; k != JS_NONE && k != LSM_NO_ID && guard <= S->count; guard++) {
        const js_scope_t *s = &S->scopes[k];
        if (pos_cmp(line, col, s->end_line, s->end_col) < 0)
            return k;
        k = s->parent;
    }
    return JS_NONE;
}

int lsm_js_scope_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                    lsm_js_scope_t *out, lsm_error_t *err) {
    if (!scopes || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or out is NULL"), -1;
    lsm_clear_error(err);
    uint32_t k = js_scopes_find(scopes, line, col);
    if (k == JS_NONE) {
        memset(out, 0, sizeof *out);
        out->start_line = out->start_col = out->end_line = out->end_col = LSM_NO_ID;
        out->name_line = out->name_col = out->parent = out->index = LSM_NO_ID;
        return 0;
    }
    fill_scope(scopes, k, out);
    return 1;
}

int lsm_js_scope_name_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                         const char **name, size_t *name_len, lsm_error_t *err) {
    if (!scopes || !name)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or name is NULL"), -1;
    lsm_js_scope_t s;
    int found = lsm_js_scope_at(scopes, line, col, &s, err);
    *name = found == 1 ? s.name : NULL;
    if (name_len)
        *name_len = found == 1 ? s.name_len : 0;
    return found == 1 && s.name ? 1 : 0;
}
