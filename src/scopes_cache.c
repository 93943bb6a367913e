/* Cache files' optional section 34 (docs/cache-format.md): a view's
 * decoded scopes (src/scopes.h) written as little-endian u32 records, and
 * read back into one heap block after checking every index they hold, so
 * that src/scopes.c's walks stay inside the arrays and always end. */
#include "scopes.h"

#define HEAD_U32 8    /* counts, warning code, warning message length */
#define HEAD_BYTES 56 /* then the warning's offset, line, segment (u64) */
#define SCOPE_U32 13
#define RANGE_U32 14
#define BINDING_U32 3
#define SUB_U32 3

static size_t pad4(size_t n) {
    return (n + 3) & ~(size_t)3;
}

static void put32(lsm_buf_t *b, uint32_t v, int *failed) {
    uint8_t e[4];
    lsm_wr32(e, v);
    if (!*failed && lsm_buf_append(b, e, 4))
        *failed = 1;
}

int lsm_scopes_dump(const lsm_view_t *view, bool names, lsm_buf_t *out) {
    const struct lsm_scopes *sc = view->scopes;
    /* Without names the file has no name table, and scopes are mostly
     * names: they go too. */
    if (!sc || !names)
        return 0;
    int failed = 0;
    size_t mlen = sc->warning.code ? strnlen(sc->warning.message, sizeof sc->warning.message - 1)
                                   : 0;
    uint32_t head[HEAD_U32] = {sc->source_count, sc->scope_count, sc->range_count,
                               sc->var_count,    sc->binding_count, sc->sub_count,
                               (uint32_t)sc->warning.code, (uint32_t)mlen};
    for (int i = 0; i < HEAD_U32; i++)
        put32(out, head[i], &failed);
    int64_t where[3] = {sc->warning.offset, sc->warning.line, sc->warning.segment};
    for (int i = 0; i < 3; i++) {
        uint8_t e[8];
        lsm_wr64(e, sc->warning.code ? (uint64_t)where[i] : 0);
        if (!failed && lsm_buf_append(out, e, 8))
            failed = 1;
    }
    static const char zeros[4] = {0};
    if (!failed && (lsm_buf_append(out, sc->warning.message, mlen) ||
                    lsm_buf_append(out, zeros, pad4(mlen) - mlen)))
        failed = 1;
    for (uint32_t i = 0; i < sc->source_count; i++)
        put32(out, sc->source_first[i], &failed);
    for (uint32_t i = 0; i < sc->scope_count && !failed; i++) {
        const lsm_oscope_rec_t *r = &sc->scopes[i];
        uint32_t v[SCOPE_U32] = {r->source,    r->start_line, r->start_col,    r->end_line,
                                 r->end_col,   r->name, r->kind,   r->var_start,
                                 r->var_count, r->parent,     r->next_sibling, r->subtree_end,
                                 r->stack_frame};
        for (int k = 0; k < SCOPE_U32; k++)
            put32(out, v[k], &failed);
    }
    for (uint32_t i = 0; i < sc->range_count && !failed; i++) {
        const lsm_grange_rec_t *r = &sc->ranges[i];
        uint32_t v[RANGE_U32] = {r->start_line,  r->start_col,   r->end_line,   r->end_col,
                                 r->definition,  r->call_source, r->call_line,  r->call_col,
                                 r->bind_start,  r->bind_count,  r->parent,     r->next_sibling,
                                 r->subtree_end, r->frame_type};
        for (int k = 0; k < RANGE_U32; k++)
            put32(out, v[k], &failed);
    }
    for (uint32_t i = 0; i < sc->var_count; i++)
        put32(out, sc->vars[i], &failed);
    for (uint32_t i = 0; i < sc->binding_count && !failed; i++) {
        const lsm_binding_rec_t *b = &sc->bindings[i];
        put32(out, b->initial, &failed);
        put32(out, b->sub_start, &failed);
        put32(out, b->sub_count, &failed);
    }
    for (uint32_t i = 0; i < sc->sub_count && !failed; i++) {
        const lsm_subrange_rec_t *s = &sc->subs[i];
        put32(out, s->line, &failed);
        put32(out, s->col, &failed);
        put32(out, s->name, &failed);
    }
    return failed ? LSM_ERR_NOMEM : 0;
}

static size_t round8(size_t n) {
    return (n + 7) & ~(size_t)7;
}

static int corrupt(lsm_error_t *err, const char *what) {
    return lsm_set_error(err, LSM_ERR_CACHE_CORRUPT, "cache file corrupt: scopes section: %s",
                         what);
}

/* An index below `count`, or LSM_NO_ID when `none` allows it. */
static bool id_ok(uint32_t v, uint32_t count, bool none) {
    return v < count || (none && v == LSM_NO_ID);
}

/* The tree fields every walk trusts: parents before, next siblings after,
 * subtrees ending past themselves and inside the array. */
static bool tree_ok(uint32_t i, uint32_t count, uint32_t parent, uint32_t next, uint32_t end) {
    return (parent == LSM_NO_ID || parent < i) && (next == LSM_NO_ID || (next > i && next < count)) &&
           end > i && end <= count;
}

static bool span_ok(uint32_t start, uint32_t n, uint32_t total) {
    return (uint64_t)start + n <= total;
}

int lsm_scopes_load(lsm_view_t *view, const uint8_t *p, uint64_t len, lsm_error_t *err) {
    if (len < HEAD_BYTES)
        return corrupt(err, "truncated header");
    uint32_t h[HEAD_U32];
    for (int i = 0; i < HEAD_U32; i++)
        h[i] = lsm_rd32(p + 4 * i);
    uint32_t sources = h[0], nscopes = h[1], nranges = h[2], nvars = h[3], nbinds = h[4],
             nsubs = h[5], wcode = h[6], mlen = h[7];
    if (sources != view->sources.count)
        return corrupt(err, "source count disagrees with the header's");
    if (mlen > 255 || wcode > INT32_MAX || (wcode == 0) != (mlen == 0))
        return corrupt(err, "bad warning");
    uint64_t want = HEAD_BYTES + pad4(mlen) +
                    4 * ((uint64_t)sources + (uint64_t)nscopes * SCOPE_U32 +
                         (uint64_t)nranges * RANGE_U32 + nvars +
                         (uint64_t)nbinds * BINDING_U32 + (uint64_t)nsubs * SUB_U32);
    if (want != len)
        return corrupt(err, "size disagrees with its counts");
    const uint8_t *msg = p + HEAD_BYTES;
    for (uint32_t i = 0; i < mlen; i++)
        if (msg[i] == 0 || msg[i] == '\n')
            return corrupt(err, "bad warning");

    size_t sizes[6] = {
        round8(sizeof(struct lsm_scopes)),
        round8((size_t)sources * sizeof(uint32_t)),
        round8((size_t)nscopes * sizeof(lsm_oscope_rec_t)),
        round8((size_t)nranges * sizeof(lsm_grange_rec_t)),
        round8((size_t)nvars * sizeof(uint32_t)),
        round8((size_t)nbinds * sizeof(lsm_binding_rec_t)),
    };
    size_t total = (size_t)nsubs * sizeof(lsm_subrange_rec_t);
    for (int i = 0; i < 6; i++)
        total += sizes[i];
    uint8_t *block = lsm_calloc(1, total);
    if (!block)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    struct lsm_scopes *sc = (struct lsm_scopes *)block;
    uint8_t *b = block + sizes[0];
    sc->source_first = (uint32_t *)b;
    b += sizes[1];
    sc->scopes = (lsm_oscope_rec_t *)b;
    b += sizes[2];
    sc->ranges = (lsm_grange_rec_t *)b;
    b += sizes[3];
    sc->vars = (uint32_t *)b;
    b += sizes[4];
    sc->bindings = (lsm_binding_rec_t *)b;
    b += sizes[5];
    sc->subs = (lsm_subrange_rec_t *)b;
    sc->source_count = sources;
    sc->scope_count = nscopes;
    sc->range_count = nranges;
    sc->var_count = nvars;
    sc->binding_count = nbinds;
    sc->sub_count = nsubs;
    if (wcode) {
        sc->warning.code = (int)wcode;
        const uint8_t *w = p + 4 * HEAD_U32;
        sc->warning.offset = (int64_t)lsm_rd64(w);
        sc->warning.line = (int64_t)lsm_rd64(w + 8);
        sc->warning.segment = (int64_t)lsm_rd64(w + 16);
        memcpy(sc->warning.message, msg, mlen);
    }

    uint32_t names = view->names.count;
    const uint8_t *q = msg + pad4(mlen);
#define NEXT() (q += 4, lsm_rd32(q - 4))
    const char *bad = NULL;
    for (uint32_t i = 0; i < sources && !bad; i++) {
        sc->source_first[i] = NEXT();
        if (!id_ok(sc->source_first[i], nscopes, true))
            bad = "source's first scope out of range";
    }
    for (uint32_t i = 0; i < nscopes && !bad; i++) {
        lsm_oscope_rec_t *r = &sc->scopes[i];
        r->source = NEXT();
        r->start_line = NEXT();
        r->start_col = NEXT();
        r->end_line = NEXT();
        r->end_col = NEXT();
        r->name = NEXT();
        r->kind = NEXT();
        r->var_start = NEXT();
        r->var_count = NEXT();
        r->parent = NEXT();
        r->next_sibling = NEXT();
        r->subtree_end = NEXT();
        r->stack_frame = NEXT();
        if (r->source >= sources || !id_ok(r->name, names, true) || !id_ok(r->kind, names, true) ||
            r->stack_frame > 1 || !span_ok(r->var_start, r->var_count, nvars) ||
            !tree_ok(i, nscopes, r->parent, r->next_sibling, r->subtree_end))
            bad = "bad original scope";
    }
    for (uint32_t i = 0; i < nranges && !bad; i++) {
        lsm_grange_rec_t *r = &sc->ranges[i];
        r->start_line = NEXT();
        r->start_col = NEXT();
        r->end_line = NEXT();
        r->end_col = NEXT();
        r->definition = NEXT();
        r->call_source = NEXT();
        r->call_line = NEXT();
        r->call_col = NEXT();
        r->bind_start = NEXT();
        r->bind_count = NEXT();
        r->parent = NEXT();
        r->next_sibling = NEXT();
        r->subtree_end = NEXT();
        r->frame_type = NEXT();
        if (!id_ok(r->definition, nscopes, true) || !id_ok(r->call_source, sources, true) ||
            r->frame_type > LSM_RANGE_FRAME_HIDDEN || !span_ok(r->bind_start, r->bind_count, nbinds) ||
            !tree_ok(i, nranges, r->parent, r->next_sibling, r->subtree_end))
            bad = "bad generated range";
    }
    for (uint32_t i = 0; i < nvars && !bad; i++) {
        sc->vars[i] = NEXT();
        if (!id_ok(sc->vars[i], names, true))
            bad = "variable past the names";
    }
    for (uint32_t i = 0; i < nbinds && !bad; i++) {
        lsm_binding_rec_t *r = &sc->bindings[i];
        r->initial = NEXT();
        r->sub_start = NEXT();
        r->sub_count = NEXT();
        if (!id_ok(r->initial, names, true) || !span_ok(r->sub_start, r->sub_count, nsubs))
            bad = "bad binding";
    }
    for (uint32_t i = 0; i < nsubs && !bad; i++) {
        lsm_subrange_rec_t *r = &sc->subs[i];
        r->line = NEXT();
        r->col = NEXT();
        r->name = NEXT();
        if (!id_ok(r->name, names, true))
            bad = "binding past the names";
    }
#undef NEXT
    if (bad) {
        lsm_free(block);
        return corrupt(err, bad);
    }
    view->scopes = sc;
    return 0;
}
