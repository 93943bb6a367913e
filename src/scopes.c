/* The public scopes API (include/libsourcemap.h, "scopes"): reading the
 * records src/scopes_decode.c left on the view, finding the range at a
 * generated position, and the original frames it stands for. */
#include "scopes.h"

static const struct lsm_scopes *get(const lsm_view_t *view) {
    return view ? view->scopes : NULL;
}

static const char *name_of(const lsm_view_t *view, uint32_t id) {
    return id == LSM_NO_ID ? NULL : lsm_strtab_get(view, &view->names, id, NULL);
}

uint32_t lsm_view_original_scope_count(const lsm_view_t *view) {
    const struct lsm_scopes *sc = get(view);
    return sc ? sc->scope_count : 0;
}

uint32_t lsm_view_generated_range_count(const lsm_view_t *view) {
    const struct lsm_scopes *sc = get(view);
    return sc ? sc->range_count : 0;
}

uint32_t lsm_view_source_scope(const lsm_view_t *view, uint32_t src_id) {
    const struct lsm_scopes *sc = get(view);
    if (!sc || src_id >= sc->source_count)
        return LSM_NO_ID;
    return sc->source_first[src_id];
}

int lsm_view_original_scope(const lsm_view_t *view, uint32_t index, lsm_original_scope_t *out,
                            lsm_error_t *err) {
    lsm_clear_error(err);
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL view or out"), -1;
    const struct lsm_scopes *sc = get(view);
    if (!sc || index >= sc->scope_count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "no original scope %u", index), -1;
    const lsm_oscope_rec_t *r = &sc->scopes[index];
    out->source = r->source;
    out->start_line = r->start_line;
    out->start_col = r->start_col;
    out->end_line = r->end_line;
    out->end_col = r->end_col;
    out->name_id = r->name;
    out->kind_id = r->kind;
    out->name = name_of(view, r->name);
    out->kind = name_of(view, r->kind);
    out->is_stack_frame = r->stack_frame ? 1 : 0;
    out->variable_count = r->var_count;
    out->parent = r->parent;
    out->first_child = index + 1 < r->subtree_end ? index + 1 : LSM_NO_ID;
    out->next_sibling = r->next_sibling;
    return 0;
}

int lsm_view_generated_range(const lsm_view_t *view, uint32_t index, lsm_generated_range_t *out,
                             lsm_error_t *err) {
    lsm_clear_error(err);
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL view or out"), -1;
    const struct lsm_scopes *sc = get(view);
    if (!sc || index >= sc->range_count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "no generated range %u", index), -1;
    const lsm_grange_rec_t *r = &sc->ranges[index];
    out->start_line = r->start_line;
    out->start_col = r->start_col;
    out->end_line = r->end_line;
    out->end_col = r->end_col;
    out->definition = r->definition;
    out->stack_frame_type = (int)r->frame_type;
    out->call_source = r->call_source;
    out->call_line = r->call_line;
    out->call_col = r->call_col;
    out->binding_count = r->bind_count;
    out->parent = r->parent;
    out->first_child = index + 1 < r->subtree_end ? index + 1 : LSM_NO_ID;
    out->next_sibling = r->next_sibling;
    return 0;
}

uint32_t lsm_view_original_scope_variable(const lsm_view_t *view, uint32_t scope, uint32_t var) {
    const struct lsm_scopes *sc = get(view);
    if (!sc || scope >= sc->scope_count || var >= sc->scopes[scope].var_count)
        return LSM_NO_ID;
    return sc->vars[sc->scopes[scope].var_start + var];
}

static const lsm_binding_rec_t *binding_of(const lsm_view_t *view, uint32_t range,
                                           uint32_t var) {
    const struct lsm_scopes *sc = get(view);
    if (!sc || range >= sc->range_count || var >= sc->ranges[range].bind_count)
        return NULL;
    return &sc->bindings[sc->ranges[range].bind_start + var];
}

uint32_t lsm_view_range_binding_count(const lsm_view_t *view, uint32_t range, uint32_t var) {
    const lsm_binding_rec_t *b = binding_of(view, range, var);
    return b ? 1 + b->sub_count : 0;
}

int lsm_view_range_binding(const lsm_view_t *view, uint32_t range, uint32_t var, uint32_t sub,
                           lsm_range_binding_t *out, lsm_error_t *err) {
    lsm_clear_error(err);
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL view or out"), -1;
    const lsm_binding_rec_t *b = binding_of(view, range, var);
    if (!b || sub > b->sub_count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "no binding %u.%u.%u", range, var, sub),
               -1;
    if (sub == 0) {
        const lsm_grange_rec_t *r = &view->scopes->ranges[range];
        out->from_line = r->start_line;
        out->from_col = r->start_col;
        out->name_id = b->initial;
    } else {
        const lsm_subrange_rec_t *s = &view->scopes->subs[b->sub_start + sub - 1];
        out->from_line = s->line;
        out->from_col = s->col;
        out->name_id = s->name;
    }
    out->expr = name_of(view, out->name_id);
    return 0;
}

static bool before(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 < c2);
}

static bool contains(const lsm_grange_rec_t *r, uint32_t line, uint32_t col) {
    return !before(line, col, r->start_line, r->start_col) &&
           before(line, col, r->end_line, r->end_col);
}

uint32_t lsm_view_range_at(const lsm_view_t *view, uint32_t line, uint32_t col) {
    const struct lsm_scopes *sc = get(view);
    if (!sc || sc->range_count == 0)
        return LSM_NO_ID;
    /* Siblings are ordered and do not overlap: walk down, one level at a
     * time, to the last range that contains the position. */
    uint32_t found = LSM_NO_ID;
    uint32_t i = 0;
    while (i != LSM_NO_ID && i < sc->range_count) {
        const lsm_grange_rec_t *r = &sc->ranges[i];
        if (contains(r, line, col)) {
            found = i;
            i = i + 1 < r->subtree_end ? i + 1 : LSM_NO_ID;
        } else if (before(line, col, r->start_line, r->start_col)) {
            break;
        } else {
            i = r->next_sibling;
        }
    }
    return found;
}

int lsm_view_scopes_warning(const lsm_view_t *view, lsm_error_t *out) {
    const struct lsm_scopes *sc = get(view);
    if (!sc || sc->warning.code == LSM_OK) {
        lsm_clear_error(out);
        return 0;
    }
    if (out)
        *out = sc->warning;
    return 1;
}

/* The nearest stack-frame scope at or above `scope`, or LSM_NO_ID. */
static uint32_t frame_scope(const struct lsm_scopes *sc, uint32_t scope) {
    while (scope != LSM_NO_ID && !sc->scopes[scope].stack_frame)
        scope = sc->scopes[scope].parent;
    return scope;
}

int64_t lsm_view_scope_frames(const lsm_view_t *view, uint32_t line, uint32_t col,
                              lsm_scope_frame_t *out, size_t cap, lsm_error_t *err) {
    lsm_clear_error(err);
    if (!view || (!out && cap))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL view or out"), -1;
    const struct lsm_scopes *sc = get(view);
    uint32_t i = lsm_view_range_at(view, line, col);
    int64_t n = 0;
    uint32_t src = LSM_NO_ID, sline = LSM_NO_ID, scol = LSM_NO_ID;
    while (i != LSM_NO_ID) {
        /* One part of the chain: from `i` outward to the first range with
         * a call site or that is a stack frame, named by its innermost
         * definition. */
        uint32_t def = LSM_NO_ID, last = i;
        for (;;) {
            const lsm_grange_rec_t *r = &sc->ranges[last];
            if (def == LSM_NO_ID && r->definition != LSM_NO_ID)
                def = r->definition;
            if (r->call_source != LSM_NO_ID || r->frame_type != LSM_RANGE_FRAME_NONE ||
                r->parent == LSM_NO_ID)
                break;
            last = r->parent;
        }
        const lsm_grange_rec_t *r = &sc->ranges[last];
        uint32_t scope = frame_scope(sc, def);
        if ((size_t)n < cap) {
            lsm_scope_frame_t *f = &out[n];
            f->range = last;
            f->scope = scope;
            f->name_id = scope == LSM_NO_ID ? LSM_NO_ID : sc->scopes[scope].name;
            f->name = name_of(view, f->name_id);
            f->src_id = src;
            f->line = sline;
            f->col = scol;
            f->hidden = r->call_source == LSM_NO_ID && r->frame_type == LSM_RANGE_FRAME_HIDDEN;
        }
        n++;
        if (r->call_source == LSM_NO_ID)
            break; /* a stack frame (or the outermost range): its caller is another frame */
        src = r->call_source;
        sline = r->call_line;
        scol = r->call_col;
        i = r->parent;
    }
    return n;
}
