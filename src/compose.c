/* Composing maps: outer (final -> intermediate) with, per outer source,
 * an inner map (intermediate -> original), as @jridgewell/remapping 2.x
 * traces them:
 *
 * - each outer token is followed into its source's inner map, looked up
 *   the way trace-mapping's traceSegment() does (on the same generated
 *   line: the first token at the column, else the last before it); no
 *   inner token there drops the outer token, an inner 1-field token makes
 *   it unmapped;
 * - a source without an inner map is kept as the outer map has it;
 * - the name is the inner token's, else the outer token's;
 * - a token is dropped when it adds nothing to the previous one on its
 *   generated line (gen-mapping's maybeAddSegment): an unmapped token at
 *   a line's start or after another unmapped one, a mapped one at the
 *   previous one's original position and name;
 * - sources and names are numbered in the order they are first met
 *   (dropped tokens included); contents come with them, the last one met
 *   winning; a source ignored where it is met is ignored.
 *
 * The result is made with the builder, so it is validated as any map. */
#include "contents.h"

/* The inner token for intermediate (line, col), as traceSegment() finds
 * it: its index, or -1. */
static int64_t trace_segment(const lsm_view_t *v, uint32_t line, uint32_t col) {
    if (line >= v->line_count)
        return -1;
    uint32_t first = lsm_line_start(v, line), end = lsm_line_start(v, line + 1);
    if (end > v->token_count)
        end = v->token_count;
    if (first > end)
        first = end;
    /* The first token whose column is not below `col`. */
    uint32_t lo = first, hi = end;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lsm_field(v->records, &v->packing, mid, F_DST_COL) < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < end && lsm_field(v->records, &v->packing, lo, F_DST_COL) == col)
        return lo;
    return lo > first ? (int64_t)lo - 1 : -1;
}

/* What the last kept token on the current generated line was. */
typedef struct last {
    bool any;          /* a token was kept on this line */
    bool mapped;
    uint32_t src, line, col, name;
} last_t;

typedef struct traced {
    bool mapped;
    const char *src;
    size_t src_len;
    uint32_t line, col;
    const char *name;  /* NULL: none */
    size_t name_len;
    const char *content;
    size_t content_len;
    bool ignored;
    int content_code;  /* LSM_ERR_NOMEM when the contents could not be read */
} traced_t;

/* Per output source: the contents last given to the builder and whether
 * it is on the ignore list, so that each is passed once per change rather
 * than once per token (the builder copies contents on every set). */
typedef struct given {
    const char *content;
    bool ignored;
} given_t;

static int add(lsm_builder_t *b, uint32_t dst_line, uint32_t dst_col, const traced_t *t,
               last_t *last, lsm_buf_t *given, lsm_error_t *err) {
    if (!t->mapped) {
        if (!last->any || !last->mapped)
            return 0;
        if (lsm_builder_add_token(b, dst_line, dst_col, LSM_NO_ID, 0, 0, 0, err))
            return -1;
        last->mapped = false;
        return 0;
    }
    int64_t src = lsm_builder_add_source(b, t->src, t->src_len, err);
    if (src < 0)
        return -1;
    int64_t name = LSM_NO_ID;
    if (t->name && t->name_len) {
        name = lsm_builder_add_name(b, t->name, t->name_len, err);
        if (name < 0)
            return -1;
    }
    /* Sources are numbered in the order added: a new one is the next. */
    if ((size_t)src >= given->len / sizeof(given_t)) {
        given_t none = {NULL, false};
        if (lsm_buf_append(given, &none, sizeof none))
            return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    given_t *g = (given_t *)(void *)given->data + src;
    if (t->content && t->content != g->content) {
        if (lsm_builder_set_source_contents(b, (uint32_t)src, t->content, t->content_len, err))
            return -1;
        g->content = t->content;
    }
    if (t->ignored && !g->ignored) {
        if (lsm_builder_ignore_source(b, (uint32_t)src, err))
            return -1;
        g->ignored = true;
    }
    if (last->any && last->mapped && last->src == (uint32_t)src && last->line == t->line &&
        last->col == t->col && last->name == (uint32_t)name)
        return 0;
    if (lsm_builder_add_token(b, dst_line, dst_col, (uint32_t)src, t->line, t->col,
                              (uint32_t)name, err))
        return -1;
    *last = (last_t){true, true, (uint32_t)src, t->line, t->col, (uint32_t)name};
    return 0;
}

/* The original side of token `index` of `v` (which has a source). */
static void original_of(const lsm_view_t *v, uint32_t index, traced_t *t) {
    lsm_token_t tok;
    lsm_view_fill_token(v, index, 0, &tok);
    t->src = tok.src;
    t->src_len = tok.src_len;
    /* remapping treats an empty or missing source name as no source. */
    t->mapped = tok.src_id != LSM_NO_ID && tok.src && tok.src_len;
    t->line = tok.src_line;
    t->col = tok.src_col;
    if (tok.name) {
        t->name = tok.name;
        t->name_len = tok.name_len;
    }
    if (t->mapped) {
        t->content = lsm_contents_get(v, tok.src_id, &t->content_len, &t->content_code);
        t->ignored = lsm_view_is_ignored(v, tok.src_id);
    }
}

lsm_view_t *lsm_compose(const lsm_view_t *outer, const lsm_view_t *const *inner,
                        uint32_t inner_count, lsm_error_t *err) {
    if (!outer || (inner_count && !inner)) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "outer or inner is NULL");
        return NULL;
    }
    if (inner_count != outer->sources.count) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT,
                      "%u inner maps for an outer map of %u sources", inner_count,
                      outer->sources.count);
        return NULL;
    }
    lsm_view_t *view = NULL;
    lsm_buf_t given = {NULL, 0, 0}; /* before the first goto: released at done */
    lsm_builder_t *b = lsm_builder_new(err);
    if (!b)
        return NULL;
    size_t file_len;
    const char *file = lsm_view_file(outer, &file_len);
    if (file && lsm_builder_set_file(b, file, file_len, err))
        goto done;
    last_t last = {0};
    uint32_t line = 0;
    for (uint32_t i = 0; i < outer->token_count; i++) {
        while (line + 1 < outer->line_count && lsm_line_start(outer, line + 1) <= i) {
            line++;
            last.any = false;
        }
        lsm_token_t tok;
        lsm_view_fill_token(outer, i, line, &tok);
        traced_t t;
        memset(&t, 0, sizeof t);
        if (tok.src_id != LSM_NO_ID) {
            const lsm_view_t *in = inner[tok.src_id];
            if (!in) {
                original_of(outer, i, &t);
            } else {
                int64_t k = trace_segment(in, tok.src_line, tok.src_col);
                if (k < 0)
                    continue;
                original_of(in, (uint32_t)k, &t);
                if (!t.name && tok.name) {
                    t.name = tok.name;
                    t.name_len = tok.name_len;
                }
            }
        }
        if (t.content_code) {
            lsm_set_error(err, t.content_code, "out of memory");
            goto done;
        }
        if (add(b, tok.dst_line, tok.dst_col, &t, &last, &given, err))
            goto done;
    }
    view = lsm_builder_to_view(b, err);
done:
    lsm_buf_release(&given);
    lsm_builder_free(b);
    return view;
}
