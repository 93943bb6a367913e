/* Decoding the ECMA-426 scopes proposal's "scopes" and "ranges" strings
 * (docs/scopes.md) into the records of src/scopes.h. Items are split at
 * commas, each read as a run of base64 VLQs whose first is the tag. */
#include <stdarg.h>
#include <stdio.h>

#include "mappings.h"
#include "scopes.h"

enum {
    TAG_EMPTY = 0,
    TAG_SCOPE_START = 1,
    TAG_SCOPE_END = 2,
    TAG_SCOPE_VARIABLES = 3,
    TAG_RANGE_START = 4,
    TAG_RANGE_END = 5,
    TAG_RANGE_BINDINGS = 6,
    TAG_RANGE_SUBRANGE = 7,
    TAG_RANGE_CALL_SITE = 8,
};

enum { SCOPE_HAS_NAME = 1, SCOPE_HAS_KIND = 2, SCOPE_IS_FRAME = 4 };
enum { RANGE_HAS_LINE = 1, RANGE_HAS_DEFINITION = 2, RANGE_IS_FRAME = 4, RANGE_IS_HIDDEN = 8 };
enum { SEEN_VARIABLES = 1, SEEN_BINDINGS = 2, SEEN_SUBRANGE = 4, SEEN_CALL_SITE = 8 };

/* What a string may hold. */
enum mode { MODE_SINGLE, MODE_SCOPES, MODE_RANGES };

typedef struct dec {
    uint32_t names, sources;
    lsm_error_t *err;
    const char *what;          /* "scopes", "scopes[3]" or "ranges", for messages */
    char what_buf[32];
    uint32_t item;             /* 0-based item index in the string */

    lsm_oscope_rec_t *scopes;
    uint32_t nscopes, cscopes;
    lsm_grange_rec_t *ranges;
    uint32_t nranges, cranges;
    uint32_t *vars;
    uint32_t nvars, cvars;
    lsm_binding_rec_t *binds;
    uint32_t nbinds, cbinds;
    lsm_subrange_rec_t *subs;
    uint32_t nsubs, csubs;
    uint32_t *source_first;

    uint64_t *vals;            /* the VLQs of the item being read */
    uint32_t nvals, cvals;

    /* Original scopes: relative state and the tree being built. */
    uint32_t source;           /* the source the next top-level tree is for */
    uint32_t o_line, o_col;
    int64_t o_name, o_kind, o_var;
    uint32_t open_scope, closed_scope;
    /* Generated ranges. */
    bool in_ranges;
    uint32_t g_line, g_col;
    int64_t g_def;
    uint32_t open_range, closed_range;
} dec_t;

static int fail(dec_t *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(dec_t *d, int code, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lsm_set_error(d->err, code, "%s item %u: %s", d->what, d->item, msg);
}

static int grow(dec_t *d, void **items, uint32_t *cap, uint32_t count, size_t size) {
    int code = lsm_array_reserve(items, cap, count, 1, size);
    if (code == LSM_ERR_TOO_LARGE)
        return lsm_set_error(d->err, code, "%s: too many items", d->what);
    if (code)
        return lsm_set_error(d->err, LSM_ERR_NOMEM, "out of memory");
    return 0;
}

/* ---------------------------------------------------------------- VLQs */

/* Reads the VLQs of s[0..n) (one item, no commas) into d->vals, raw: an
 * unsigned field is the value, a signed one its sign-magnitude form. */
static int read_item(dec_t *d, const char *s, size_t n) {
    d->nvals = 0;
    size_t i = 0;
    while (i < n) {
        uint64_t acc = 0;
        unsigned shift = 0;
        for (;;) {
            if (i == n)
                return fail(d, LSM_ERR_SCOPES_VLQ, "a VLQ ends inside its continuation");
            int v = lsm_base64_digit((unsigned char)s[i++]);
            if (v < 0)
                return fail(d, LSM_ERR_SCOPES_VLQ, "invalid base64 digit 0x%02x",
                            (unsigned char)s[i - 1]);
            if (shift > 30)
                return fail(d, LSM_ERR_SCOPES_VLQ, "a VLQ beyond 32 bits");
            acc |= (uint64_t)(v & 31) << shift;
            shift += 5;
            if (!(v & 32))
                break;
        }
        if (acc > 0x1ffffffffull)
            return fail(d, LSM_ERR_SCOPES_VLQ, "a VLQ beyond 32 bits");
        if (d->nvals == d->cvals) {
            int code = grow(d, (void **)&d->vals, &d->cvals, d->nvals, sizeof *d->vals);
            if (code)
                return code;
        }
        d->vals[d->nvals++] = acc;
    }
    return 0;
}

/* Field `i` (1-based: 0 is the tag) as an unsigned 32-bit value. */
static int uval(dec_t *d, uint32_t i, uint32_t *out) {
    if (d->vals[i] >= LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_VLQ, "field %u beyond 32 bits", i);
    *out = (uint32_t)d->vals[i];
    return 0;
}

static int64_t sval(const dec_t *d, uint32_t i) {
    int64_t mag = (int64_t)(d->vals[i] >> 1);
    return (d->vals[i] & 1) ? -mag : mag;
}

/* base + delta, which must stay below LSM_NO_ID. */
static int add(dec_t *d, uint32_t base, uint32_t delta, uint32_t *out) {
    uint64_t sum = (uint64_t)base + delta;
    if (sum >= LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_VLQ, "a position beyond 32 bits");
    *out = (uint32_t)sum;
    return 0;
}

/* A relative signed index: acc += field i, which must land in [0, limit). */
static int rel_index(dec_t *d, int64_t *acc, uint32_t i, uint32_t limit, int code,
                     const char *what) {
    *acc += sval(d, i);
    if (*acc < 0 || *acc >= (int64_t)limit)
        return fail(d, code, "%s index %lld out of range", what, (long long)*acc);
    return 0;
}

/* A 1-based binding: 0 is "unavailable" (LSM_NO_ID). */
static int binding(dec_t *d, uint32_t i, uint32_t *out) {
    uint64_t v = d->vals[i];
    if (v == 0) {
        *out = LSM_NO_ID;
        return 0;
    }
    if (v > d->names)
        return fail(d, LSM_ERR_SCOPES_NAME, "binding %llu past the names",
                    (unsigned long long)v);
    *out = (uint32_t)(v - 1);
    return 0;
}

/* ------------------------------------------------------ original scopes */

static int scope_start(dec_t *d, bool single) {
    uint32_t flags = 0, dl = 0, dc = 0;
    if (d->nvals < 4)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a scope start needs flags, line and column");
    int code;
    if ((code = uval(d, 1, &flags)) || (code = uval(d, 2, &dl)) || (code = uval(d, 3, &dc)))
        return code;
    uint32_t need = 4 + !!(flags & SCOPE_HAS_NAME) + !!(flags & SCOPE_HAS_KIND);
    if (d->nvals < need)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a scope start lacks its name or kind");
    if (d->open_scope == LSM_NO_ID) {
        if (d->source >= d->sources)
            return fail(d, LSM_ERR_SCOPES_SOURCE, "a scope tree for source %u of %u", d->source,
                        d->sources);
        if (single)
            d->o_line = d->o_col = 0;
    }
    lsm_oscope_rec_t r;
    memset(&r, 0, sizeof r);
    if ((code = add(d, d->o_line, dl, &r.start_line)) ||
        (code = add(d, dl == 0 ? d->o_col : 0, dc, &r.start_col)))
        return code;
    d->o_line = r.start_line;
    d->o_col = r.start_col;
    r.source = d->source;
    r.name = r.kind = LSM_NO_ID;
    uint32_t f = 4;
    if (flags & SCOPE_HAS_NAME) {
        if ((code = rel_index(d, &d->o_name, f++, d->names, LSM_ERR_SCOPES_NAME, "name")))
            return code;
        r.name = (uint32_t)d->o_name;
    }
    if (flags & SCOPE_HAS_KIND) {
        if ((code = rel_index(d, &d->o_kind, f++, d->names, LSM_ERR_SCOPES_NAME, "kind")))
            return code;
        r.kind = (uint32_t)d->o_kind;
    }
    r.stack_frame = (flags & SCOPE_IS_FRAME) ? 1 : 0;
    r.parent = d->open_scope;
    r.next_sibling = LSM_NO_ID;
    r.end_line = r.end_col = LSM_NO_ID;
    if ((code = grow(d, (void **)&d->scopes, &d->cscopes, d->nscopes, sizeof r)))
        return code;
    uint32_t idx = d->nscopes++;
    if (d->closed_scope != LSM_NO_ID && d->scopes[d->closed_scope].parent == r.parent)
        d->scopes[d->closed_scope].next_sibling = idx;
    if (r.parent == LSM_NO_ID && d->source_first[d->source] == LSM_NO_ID)
        d->source_first[d->source] = idx;
    d->scopes[idx] = r;
    d->open_scope = idx;
    d->closed_scope = LSM_NO_ID;
    return 0;
}

static int scope_end(dec_t *d, bool single) {
    uint32_t dl = 0, dc = 0;
    int code;
    if (d->open_scope == LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_UNBALANCED, "a scope end without a start");
    if (d->nvals != 3)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a scope end needs exactly a line and a column");
    if ((code = uval(d, 1, &dl)) || (code = uval(d, 2, &dc)))
        return code;
    lsm_oscope_rec_t *r = &d->scopes[d->open_scope];
    if ((code = add(d, d->o_line, dl, &r->end_line)) ||
        (code = add(d, dl == 0 ? d->o_col : 0, dc, &r->end_col)))
        return code;
    d->o_line = r->end_line;
    d->o_col = r->end_col;
    r->subtree_end = d->nscopes;
    d->closed_scope = d->open_scope;
    d->open_scope = r->parent;
    if (single && d->open_scope == LSM_NO_ID) {
        d->source++; /* one tree per source in this layout */
        d->closed_scope = LSM_NO_ID;
    }
    return 0;
}

static int scope_variables(dec_t *d) {
    if (d->open_scope == LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_ITEM, "variables outside a scope");
    lsm_oscope_rec_t *r = &d->scopes[d->open_scope];
    if (r->seen & SEEN_VARIABLES)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a scope with two variables items");
    if (d->nvals < 2)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a variables item without variables");
    r->seen |= SEEN_VARIABLES;
    r->var_start = d->nvars;
    for (uint32_t i = 1; i < d->nvals; i++) {
        int code = rel_index(d, &d->o_var, i, d->names, LSM_ERR_SCOPES_NAME, "variable");
        if (code)
            return code;
        if ((code = grow(d, (void **)&d->vars, &d->cvars, d->nvars, sizeof *d->vars)))
            return code;
        d->vars[d->nvars++] = (uint32_t)d->o_var;
    }
    d->scopes[d->open_scope].var_count = d->nvals - 1;
    return 0;
}

/* ----------------------------------------------------- generated ranges */

static int range_start(dec_t *d) {
    uint32_t flags = 0, dl = 0, dc = 0;
    int code;
    if (d->nvals < 3 || (code = uval(d, 1, &flags)))
        return d->nvals < 3 ? fail(d, LSM_ERR_SCOPES_ITEM, "a range start needs flags and a column")
                            : code;
    uint32_t f = 2;
    uint32_t need = 3 + !!(flags & RANGE_HAS_LINE) + !!(flags & RANGE_HAS_DEFINITION);
    if (d->nvals < need)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a range start lacks its line or definition");
    if ((flags & RANGE_HAS_LINE) && (code = uval(d, f++, &dl)))
        return code;
    if ((code = uval(d, f++, &dc)))
        return code;
    lsm_grange_rec_t r;
    memset(&r, 0, sizeof r);
    if ((code = add(d, d->g_line, dl, &r.start_line)) ||
        (code = add(d, dl == 0 ? d->g_col : 0, dc, &r.start_col)))
        return code;
    d->g_line = r.start_line;
    d->g_col = r.start_col;
    r.definition = LSM_NO_ID;
    r.bind_start = d->nbinds;
    if (flags & RANGE_HAS_DEFINITION) {
        if ((code = rel_index(d, &d->g_def, f++, d->nscopes, LSM_ERR_SCOPES_DEFINITION,
                              "definition")))
            return code;
        r.definition = (uint32_t)d->g_def;
        r.bind_count = d->scopes[r.definition].var_count;
    }
    r.frame_type = (flags & RANGE_IS_HIDDEN)  ? LSM_RANGE_FRAME_HIDDEN
                   : (flags & RANGE_IS_FRAME) ? LSM_RANGE_FRAME_ORIGINAL
                                              : LSM_RANGE_FRAME_NONE;
    r.call_source = r.call_line = r.call_col = LSM_NO_ID;
    r.parent = d->open_range;
    r.next_sibling = LSM_NO_ID;
    r.end_line = r.end_col = LSM_NO_ID;
    for (uint32_t i = 0; i < r.bind_count; i++) {
        if ((code = grow(d, (void **)&d->binds, &d->cbinds, d->nbinds, sizeof *d->binds)))
            return code;
        d->binds[d->nbinds++] = (lsm_binding_rec_t){LSM_NO_ID, 0, 0};
    }
    if ((code = grow(d, (void **)&d->ranges, &d->cranges, d->nranges, sizeof r)))
        return code;
    uint32_t idx = d->nranges++;
    if (d->closed_range != LSM_NO_ID && d->ranges[d->closed_range].parent == r.parent)
        d->ranges[d->closed_range].next_sibling = idx;
    d->ranges[idx] = r;
    d->open_range = idx;
    d->closed_range = LSM_NO_ID;
    return 0;
}

static int range_end(dec_t *d) {
    uint32_t dl = 0, dc = 0;
    int code;
    if (d->open_range == LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_UNBALANCED, "a range end without a start");
    if (d->nvals != 2 && d->nvals != 3)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a range end needs a column and at most a line");
    if (d->nvals == 3 && (code = uval(d, 1, &dl)))
        return code;
    if ((code = uval(d, d->nvals - 1, &dc)))
        return code;
    lsm_grange_rec_t *r = &d->ranges[d->open_range];
    if ((code = add(d, d->g_line, dl, &r->end_line)) ||
        (code = add(d, dl == 0 ? d->g_col : 0, dc, &r->end_col)))
        return code;
    d->g_line = r->end_line;
    d->g_col = r->end_col;
    if (!(r->seen & (SEEN_BINDINGS | SEEN_SUBRANGE)))
        r->bind_count = 0;
    r->subtree_end = d->nranges;
    d->closed_range = d->open_range;
    d->open_range = r->parent;
    return 0;
}

static lsm_grange_rec_t *range_with_definition(dec_t *d, const char *what) {
    if (d->open_range == LSM_NO_ID) {
        fail(d, LSM_ERR_SCOPES_ITEM, "%s outside a range", what);
        return NULL;
    }
    lsm_grange_rec_t *r = &d->ranges[d->open_range];
    if (r->definition == LSM_NO_ID) {
        fail(d, LSM_ERR_SCOPES_DEFINITION, "%s in a range without a definition", what);
        return NULL;
    }
    return r;
}

static int range_bindings(dec_t *d) {
    lsm_grange_rec_t *r = range_with_definition(d, "bindings");
    if (!r)
        return d->err ? d->err->code : LSM_ERR_SCOPES_ITEM;
    if (r->seen & SEEN_BINDINGS)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a range with two bindings items");
    if (d->nvals - 1 != r->bind_count)
        return fail(d, LSM_ERR_SCOPES_DEFINITION, "%u bindings for %u variables", d->nvals - 1,
                    r->bind_count);
    r->seen |= SEEN_BINDINGS;
    for (uint32_t i = 0; i < r->bind_count; i++) {
        int code = binding(d, i + 1, &d->binds[r->bind_start + i].initial);
        if (code)
            return code;
    }
    return 0;
}

static int range_subrange(dec_t *d) {
    lsm_grange_rec_t *r = range_with_definition(d, "a sub-range binding");
    if (!r)
        return d->err ? d->err->code : LSM_ERR_SCOPES_ITEM;
    if (d->nvals < 5 || (d->nvals - 2) % 3 != 0)
        return fail(d, LSM_ERR_SCOPES_ITEM,
                    "a sub-range binding needs a variable and (line, column, binding) triples");
    /* The variable index is absolute and each triple is (line, column,
     * binding), as Chrome DevTools' codec writes and reads them (the
     * proposal's text once had the binding first and relative indices). */
    uint32_t var = 0;
    int code = uval(d, 1, &var);
    if (code)
        return code;
    if (var >= r->bind_count)
        return fail(d, LSM_ERR_SCOPES_DEFINITION, "variable %u past the definition's %u", var,
                    r->bind_count);
    lsm_binding_rec_t *b = &d->binds[r->bind_start + var];
    if (b->sub_count)
        return fail(d, LSM_ERR_SCOPES_ITEM, "two sub-range items for variable %u", var);
    r->seen |= SEEN_SUBRANGE;
    uint32_t line = r->start_line, col = r->start_col;
    uint32_t first = d->nsubs;
    for (uint32_t i = 2; i + 2 < d->nvals; i += 3) {
        lsm_subrange_rec_t s = {0, 0, 0};
        uint32_t dl = 0, dc = 0;
        if ((code = uval(d, i, &dl)) || (code = uval(d, i + 1, &dc)) ||
            (code = binding(d, i + 2, &s.name)) || (code = add(d, line, dl, &s.line)) ||
            (code = add(d, dl == 0 ? col : 0, dc, &s.col)))
            return code;
        line = s.line;
        col = s.col;
        if ((code = grow(d, (void **)&d->subs, &d->csubs, d->nsubs, sizeof s)))
            return code;
        d->subs[d->nsubs++] = s;
    }
    /* grow() may have moved nothing of binds; b is still valid. */
    b->sub_start = first;
    b->sub_count = d->nsubs - first;
    return 0;
}

static int range_call_site(dec_t *d) {
    if (d->open_range == LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a call site outside a range");
    lsm_grange_rec_t *r = &d->ranges[d->open_range];
    if (r->seen & SEEN_CALL_SITE)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a range with two call sites");
    if (d->nvals != 4)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a call site needs exactly source, line and column");
    int code;
    uint32_t src = 0, line = 0, col = 0;
    if ((code = uval(d, 1, &src)) || (code = uval(d, 2, &line)) || (code = uval(d, 3, &col)))
        return code;
    if (src >= d->sources)
        return fail(d, LSM_ERR_SCOPES_SOURCE, "call site source %u of %u", src, d->sources);
    r->seen |= SEEN_CALL_SITE;
    r->call_source = src;
    r->call_line = line;
    r->call_col = col;
    return 0;
}

/* -------------------------------------------------------------- strings */

static int item(dec_t *d, enum mode mode, const char *s, size_t n) {
    if (n == 0) {
        /* An empty item stands for a source without scopes (single layout,
         * before the ranges); the array layout tolerates them. */
        if (mode == MODE_SINGLE && !d->in_ranges && d->open_scope == LSM_NO_ID) {
            d->source++;
            return 0;
        }
        if (mode == MODE_SCOPES && d->open_scope == LSM_NO_ID)
            return 0;
        return fail(d, LSM_ERR_SCOPES_ITEM, "an empty item where no source's scopes start");
    }
    int code = read_item(d, s, n);
    if (code)
        return code;
    uint64_t tag = d->vals[0];
    if (tag == TAG_EMPTY) {
        /* "A": a source without scopes, as an empty item. */
        if (d->nvals != 1)
            return fail(d, LSM_ERR_SCOPES_ITEM, "an empty item with fields");
        return item(d, mode, s, 0);
    }
    bool scope_tag = tag >= TAG_SCOPE_START && tag <= TAG_SCOPE_VARIABLES;
    bool range_tag = tag >= TAG_RANGE_START && tag <= TAG_RANGE_CALL_SITE;
    if (!scope_tag && !range_tag)
        return 0; /* a vendor or future item: skipped */
    if (scope_tag && (mode == MODE_RANGES || d->in_ranges))
        return fail(d, LSM_ERR_SCOPES_ITEM, "an original scope item among the ranges");
    if (range_tag && mode == MODE_SCOPES)
        return fail(d, LSM_ERR_SCOPES_ITEM, "a generated range item among the scopes");
    if (range_tag && d->open_scope != LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_UNBALANCED, "a range item inside an open scope");
    if (range_tag)
        d->in_ranges = true;
    switch (tag) {
    case TAG_SCOPE_START:
        return scope_start(d, mode == MODE_SINGLE);
    case TAG_SCOPE_END:
        return scope_end(d, mode == MODE_SINGLE);
    case TAG_SCOPE_VARIABLES:
        return scope_variables(d);
    case TAG_RANGE_START:
        return range_start(d);
    case TAG_RANGE_END:
        return range_end(d);
    case TAG_RANGE_BINDINGS:
        return range_bindings(d);
    case TAG_RANGE_SUBRANGE:
        return range_subrange(d);
    default:
        return range_call_site(d);
    }
}

static int decode_string(dec_t *d, enum mode mode, const char *s, size_t n) {
    d->item = 0;
    if (n == 0)
        return 0;
    size_t at = 0;
    for (;;) {
        const char *comma = memchr(s + at, ',', n - at);
        size_t end = comma ? (size_t)(comma - s) : n;
        int code = item(d, mode, s + at, end - at);
        if (code)
            return code;
        d->item++;
        if (!comma)
            break;
        at = end + 1;
    }
    d->item = 0;
    if (d->open_scope != LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_UNBALANCED, "a scope never ended");
    if (d->open_range != LSM_NO_ID)
        return fail(d, LSM_ERR_SCOPES_UNBALANCED, "a range never ended");
    return 0;
}

static const char *blob_string(const lsm_view_t *view, lsm_span_t span, size_t *len) {
    *len = (size_t)span.len;
    return view->blob + span.offset;
}

/* ------------------------------------------------------------- packing */

static size_t round8(size_t n) {
    return (n + 7) & ~(size_t)7;
}

static int pack(dec_t *d, lsm_view_t *view, const lsm_error_t *warning) {
    size_t sizes[6] = {
        round8(sizeof(struct lsm_scopes)),
        round8((size_t)d->sources * sizeof(uint32_t)),
        round8((size_t)d->nscopes * sizeof *d->scopes),
        round8((size_t)d->nranges * sizeof *d->ranges),
        round8((size_t)d->nvars * sizeof *d->vars),
        round8((size_t)d->nbinds * sizeof *d->binds),
    };
    size_t subs = (size_t)d->nsubs * sizeof *d->subs;
    size_t total = subs;
    for (int i = 0; i < 6; i++)
        total += sizes[i];
    uint8_t *block = lsm_calloc(1, total);
    if (!block)
        return LSM_ERR_NOMEM;
    struct lsm_scopes *sc = (struct lsm_scopes *)block;
    uint8_t *p = block + sizes[0];
    if (warning)
        sc->warning = *warning;
    sc->source_count = d->sources;
    sc->scope_count = d->nscopes;
    sc->range_count = d->nranges;
    sc->var_count = d->nvars;
    sc->binding_count = d->nbinds;
    sc->sub_count = d->nsubs;
    sc->source_first = (uint32_t *)p;
    for (uint32_t i = 0; i < d->sources; i++)
        sc->source_first[i] = d->nscopes ? d->source_first[i] : LSM_NO_ID;
    p += sizes[1];
    sc->scopes = (lsm_oscope_rec_t *)p;
    if (d->nscopes)
        memcpy(p, d->scopes, (size_t)d->nscopes * sizeof *d->scopes);
    p += sizes[2];
    sc->ranges = (lsm_grange_rec_t *)p;
    if (d->nranges)
        memcpy(p, d->ranges, (size_t)d->nranges * sizeof *d->ranges);
    p += sizes[3];
    sc->vars = (uint32_t *)p;
    if (d->nvars)
        memcpy(p, d->vars, (size_t)d->nvars * sizeof *d->vars);
    p += sizes[4];
    sc->bindings = (lsm_binding_rec_t *)p;
    if (d->nbinds)
        memcpy(p, d->binds, (size_t)d->nbinds * sizeof *d->binds);
    p += sizes[5];
    sc->subs = (lsm_subrange_rec_t *)p;
    if (d->nsubs)
        memcpy(p, d->subs, subs);
    view->scopes = sc;
    return 0;
}

static void drop_ranges(dec_t *d) {
    d->nranges = d->nbinds = d->nsubs = 0;
}

static void drop_all(dec_t *d) {
    d->nscopes = d->nvars = 0;
    drop_ranges(d);
}

static int decode_all(dec_t *d, const lsm_view_t *view, const lsm_map_record_t *m) {
    size_t n;
    const char *s;
    int code;
    if (m->scopes_type_error) {
        d->what = "scopes";
        return lsm_set_error(d->err, LSM_ERR_BAD_SCOPES,
                             "\"scopes\" must be a string or an array of strings and nulls, "
                             "\"ranges\" a string");
    }
    if (m->has_scopes_string) {
        d->what = "scopes";
        s = blob_string(view, m->scopes_string, &n);
        return decode_string(d, MODE_SINGLE, s, n);
    }
    if (m->scopes_list.present) {
        const uint8_t *e = m->scopes_list.entries.data;
        for (uint32_t i = 0; i < m->scopes_list.count; i++, e += LSM_STRTAB_ENTRY) {
            lsm_span_t span = {lsm_rd64(e), lsm_rd64(e + 8)};
            if (span.offset == LSM_NULL_STRING || span.len == 0)
                continue;
            snprintf(d->what_buf, sizeof d->what_buf, "scopes[%u]", i);
            d->what = d->what_buf;
            if (i >= d->sources) {
                d->item = 0;
                return fail(d, LSM_ERR_SCOPES_SOURCE, "scopes for source %u of %u", i,
                            d->sources);
            }
            /* Every source's string starts afresh. */
            d->source = i;
            d->o_line = d->o_col = 0;
            d->o_name = d->o_kind = d->o_var = 0;
            d->closed_scope = LSM_NO_ID;
            s = blob_string(view, span, &n);
            if ((code = decode_string(d, MODE_SCOPES, s, n)))
                return code;
        }
    }
    if (m->has_ranges) {
        d->what = "ranges";
        d->in_ranges = true;
        s = blob_string(view, m->ranges, &n);
        return decode_string(d, MODE_RANGES, s, n);
    }
    return 0;
}

int lsm_scopes_decode(lsm_view_t *view, const lsm_map_record_t *m, bool strict,
                      lsm_error_t *err) {
    view->scopes = NULL;
    if (!m->has_scopes_string && !m->scopes_list.present && !m->scopes_type_error &&
        !m->has_ranges)
        return 0;
    lsm_error_t local;
    memset(&local, 0, sizeof local);
    dec_t d;
    memset(&d, 0, sizeof d);
    d.err = &local;
    d.what = "scopes";
    d.names = view->names.count;
    d.sources = view->sources.count;
    d.open_scope = d.closed_scope = d.open_range = d.closed_range = LSM_NO_ID;
    int code = 0;
    if (d.sources) {
        d.source_first = lsm_malloc((size_t)d.sources * sizeof *d.source_first);
        if (!d.source_first)
            code = lsm_set_error(&local, LSM_ERR_NOMEM, "out of memory");
        else
            for (uint32_t i = 0; i < d.sources; i++)
                d.source_first[i] = LSM_NO_ID;
    }
    if (!code)
        code = decode_all(&d, view, m);
    if (code && code != LSM_ERR_NOMEM && !strict) {
        if (d.in_ranges && code != LSM_ERR_BAD_SCOPES)
            drop_ranges(&d);
        else
            drop_all(&d);
        if (pack(&d, view, &local))
            code = lsm_set_error(&local, LSM_ERR_NOMEM, "out of memory");
        else
            code = 0;
    } else if (!code && pack(&d, view, NULL)) {
        code = lsm_set_error(&local, LSM_ERR_NOMEM, "out of memory");
    }
    if (code && err)
        *err = local;
    lsm_free(d.source_first);
    lsm_free(d.scopes);
    lsm_free(d.ranges);
    lsm_free(d.vars);
    lsm_free(d.binds);
    lsm_free(d.subs);
    lsm_free(d.vals);
    return code;
}

/* ---------------------------------------------------------- index maps */

/* Moves a generated position by a section's offset (its column offset
 * counts on the section's first line only). */
static int place_pos(dec_t *d, const lsm_placement_t *pl, uint32_t *line, uint32_t *col) {
    uint32_t c = *col;
    if (*line == 0 && add(d, c, pl->col_offset, &c))
        return LSM_ERR_SCOPES_VLQ;
    if (add(d, *line, pl->line_offset, line))
        return LSM_ERR_SCOPES_VLQ;
    *col = c;
    return 0;
}

static bool at_or_after(uint32_t line, uint32_t col, uint32_t l, uint32_t c) {
    return line > l || (line == l && col >= c);
}

/* The next section starts at (line, col): as its mappings, the part's
 * ranges stop there. Starts never decrease in pre-order (positions are
 * relative and unsigned), so the ranges starting there or later are the
 * last ones; they go, and the ends of the others are cut. Bindings of the
 * dropped ranges stay in the arrays, unreferenced. */
static void clip_ranges(dec_t *d, uint32_t line, uint32_t col) {
    uint32_t keep = 0;
    while (keep < d->nranges &&
           !at_or_after(d->ranges[keep].start_line, d->ranges[keep].start_col, line, col))
        keep++;
    for (uint32_t i = 0; i < keep; i++) {
        lsm_grange_rec_t *r = &d->ranges[i];
        if (at_or_after(r->end_line, r->end_col, line, col)) {
            r->end_line = line;
            r->end_col = col;
        }
        if (r->next_sibling != LSM_NO_ID && r->next_sibling >= keep)
            r->next_sibling = LSM_NO_ID;
        if (r->subtree_end > keep)
            r->subtree_end = keep;
    }
    d->nranges = keep;
}

/* The part's generated positions, in the flattened map's coordinates. */
static int place_ranges(dec_t *d, const lsm_placement_t *pl) {
    d->what = "ranges";
    d->item = 0;
    for (uint32_t i = 0; i < d->nranges; i++) {
        lsm_grange_rec_t *r = &d->ranges[i];
        if (place_pos(d, pl, &r->start_line, &r->start_col) ||
            place_pos(d, pl, &r->end_line, &r->end_col))
            return LSM_ERR_SCOPES_VLQ;
    }
    for (uint32_t i = 0; i < d->nsubs; i++)
        if (place_pos(d, pl, &d->subs[i].line, &d->subs[i].col))
            return LSM_ERR_SCOPES_VLQ;
    if (pl->clip)
        clip_ranges(d, pl->stop_line, pl->stop_col);
    return 0;
}

static uint32_t moved(uint32_t id, uint32_t base) {
    return id == LSM_NO_ID ? LSM_NO_ID : id + base;
}

/* Appends the decoded part `d` to `t`, renumbered. */
static int merge_part(dec_t *t, const dec_t *d, const lsm_placement_t *pl) {
    uint32_t s0 = t->nscopes, r0 = t->nranges, v0 = t->nvars, b0 = t->nbinds, u0 = t->nsubs;
    if ((uint64_t)s0 + d->nscopes >= LSM_NO_ID || (uint64_t)r0 + d->nranges >= LSM_NO_ID ||
        (uint64_t)v0 + d->nvars >= LSM_NO_ID || (uint64_t)b0 + d->nbinds >= LSM_NO_ID ||
        (uint64_t)u0 + d->nsubs >= LSM_NO_ID)
        return lsm_set_error(t->err, LSM_ERR_TOO_LARGE, "scopes: too many items");
    if (lsm_array_reserve((void **)&t->scopes, &t->cscopes, s0, d->nscopes, sizeof *t->scopes) ||
        lsm_array_reserve((void **)&t->ranges, &t->cranges, r0, d->nranges, sizeof *t->ranges) ||
        lsm_array_reserve((void **)&t->vars, &t->cvars, v0, d->nvars, sizeof *t->vars) ||
        lsm_array_reserve((void **)&t->binds, &t->cbinds, b0, d->nbinds, sizeof *t->binds) ||
        lsm_array_reserve((void **)&t->subs, &t->csubs, u0, d->nsubs, sizeof *t->subs))
        return lsm_set_error(t->err, LSM_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < d->nscopes; i++) {
        lsm_oscope_rec_t s = d->scopes[i];
        s.source += pl->src_base;
        s.name = moved(s.name, pl->name_base);
        s.kind = moved(s.kind, pl->name_base);
        s.var_start += v0;
        s.parent = moved(s.parent, s0);
        s.next_sibling = moved(s.next_sibling, s0);
        s.subtree_end += s0;
        t->scopes[s0 + i] = s;
    }
    for (uint32_t i = 0; i < d->nvars; i++)
        t->vars[v0 + i] = moved(d->vars[i], pl->name_base);
    for (uint32_t i = 0; i < d->sources; i++)
        t->source_first[pl->src_base + i] = d->nscopes ? moved(d->source_first[i], s0) : LSM_NO_ID;
    for (uint32_t i = 0; i < d->nranges; i++) {
        lsm_grange_rec_t r = d->ranges[i];
        r.definition = moved(r.definition, s0);
        r.call_source = moved(r.call_source, pl->src_base);
        r.bind_start += b0;
        r.parent = moved(r.parent, r0);
        r.next_sibling = moved(r.next_sibling, r0);
        r.subtree_end += r0;
        t->ranges[r0 + i] = r;
    }
    /* The part's top-level ranges follow the previous parts' ones. */
    if (d->nranges && r0) {
        uint32_t last = 0;
        while (t->ranges[last].next_sibling != LSM_NO_ID)
            last = t->ranges[last].next_sibling;
        t->ranges[last].next_sibling = r0;
    }
    for (uint32_t i = 0; i < d->nbinds; i++) {
        lsm_binding_rec_t b = d->binds[i];
        b.initial = moved(b.initial, pl->name_base);
        b.sub_start += u0;
        t->binds[b0 + i] = b;
    }
    for (uint32_t i = 0; i < d->nsubs; i++) {
        lsm_subrange_rec_t u = d->subs[i];
        u.name = moved(u.name, pl->name_base);
        t->subs[u0 + i] = u;
    }
    t->nscopes += d->nscopes;
    t->nranges += d->nranges;
    t->nvars += d->nvars;
    t->nbinds += d->nbinds;
    t->nsubs += d->nsubs;
    return 0;
}

static void dec_release(dec_t *d) {
    lsm_free(d->source_first);
    lsm_free(d->scopes);
    lsm_free(d->ranges);
    lsm_free(d->vars);
    lsm_free(d->binds);
    lsm_free(d->subs);
    lsm_free(d->vals);
}

static bool has_scopes(const lsm_map_record_t *m) {
    return m->has_scopes_string || m->scopes_list.present || m->scopes_type_error ||
           m->has_ranges;
}

/* Decodes one part into `d` (set up by the caller) as lsm_scopes_decode()
 * does a regular map, its positions placed. Lenient: bad data dropped,
 * *warned set (the first time) from the error. */
static int decode_part(dec_t *d, const lsm_view_t *view, const lsm_scopes_part_t *part,
                       uint32_t index, bool strict, lsm_error_t *warning, bool *warned) {
    const lsm_map_record_t *m = part->map;
    d->names = m->names.count;
    d->sources = m->sources.count;
    d->open_scope = d->closed_scope = d->open_range = d->closed_range = LSM_NO_ID;
    int code = 0;
    if (d->sources) {
        d->source_first = lsm_malloc((size_t)d->sources * sizeof *d->source_first);
        if (!d->source_first)
            return lsm_set_error(d->err, LSM_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < d->sources; i++)
            d->source_first[i] = LSM_NO_ID;
    }
    code = decode_all(d, view, m);
    if (!code)
        code = place_ranges(d, part->place);
    if (!code || code == LSM_ERR_NOMEM)
        return code;
    char inner[sizeof d->err->message];
    snprintf(inner, sizeof inner, "%s", d->err->message);
    snprintf(d->err->message, sizeof d->err->message, "part %u: %.200s", index, inner);
    if (strict)
        return code;
    if (!*warned) {
        *warning = *d->err;
        *warned = true;
    }
    if (d->in_ranges && code != LSM_ERR_BAD_SCOPES)
        drop_ranges(d);
    else
        drop_all(d);
    return 0;
}

int lsm_scopes_decode_parts(lsm_view_t *view, const lsm_scopes_part_t *parts, uint32_t nparts,
                            bool strict, lsm_error_t *err) {
    view->scopes = NULL;
    bool any = false;
    for (uint32_t i = 0; i < nparts && !any; i++)
        any = has_scopes(parts[i].map);
    if (!any)
        return 0;
    lsm_error_t local, warning;
    memset(&local, 0, sizeof local);
    memset(&warning, 0, sizeof warning);
    bool warned = false;
    dec_t t;
    memset(&t, 0, sizeof t);
    t.err = &local;
    t.what = "scopes";
    t.sources = view->sources.count;
    int code = 0;
    if (t.sources) {
        t.source_first = lsm_malloc((size_t)t.sources * sizeof *t.source_first);
        if (!t.source_first)
            code = lsm_set_error(&local, LSM_ERR_NOMEM, "out of memory");
        else
            for (uint32_t i = 0; i < t.sources; i++)
                t.source_first[i] = LSM_NO_ID;
    }
    for (uint32_t i = 0; i < nparts && !code; i++) {
        if (!has_scopes(parts[i].map))
            continue;
        if ((uint64_t)parts[i].place->src_base + parts[i].map->sources.count > t.sources) {
            code = lsm_set_error(&local, LSM_ERR_INVALID_ARGUMENT, "part %u: sources past the view's", i);
            break;
        }
        dec_t d;
        memset(&d, 0, sizeof d);
        d.err = &local;
        d.what = "scopes";
        code = decode_part(&d, view, &parts[i], i, strict, &warning, &warned);
        if (!code)
            code = merge_part(&t, &d, parts[i].place);
        dec_release(&d);
    }
    if (!code && pack(&t, view, warned ? &warning : NULL))
        code = lsm_set_error(&local, LSM_ERR_NOMEM, "out of memory");
    if (code && err)
        *err = local;
    dec_release(&t);
    return code;
}
