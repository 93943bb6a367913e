/* Lookup cursors: the view, rule and output array of a run of lookups,
 * fixed once (see lsm_cursor_t in the header). */
#include "internal.h"

struct lsm_cursor {
    const lsm_view_t *view;
    int rule;
    uint32_t *out;
};

lsm_cursor_t *lsm_cursor_new(const lsm_view_t *view, int rule, uint32_t *out,
                             lsm_error_t *err) {
    if (!view || !out) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL");
        return NULL;
    }
    if (rule < LSM_RULE_GREATEST_LOWER_BOUND || rule > LSM_RULE_LEAST_UPPER_BOUND) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown lookup rule %d", rule);
        return NULL;
    }
    lsm_cursor_t *c = lsm_malloc(sizeof *c);
    if (!c) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    c->view = view;
    c->rule = rule;
    c->out = out;
    lsm_clear_error(err);
    return c;
}

void lsm_cursor_free(lsm_cursor_t *cursor) {
    lsm_free(cursor);
}

int lsm_cursor_lookup(lsm_cursor_t *cursor, uint64_t line_col) {
    if (!cursor)
        return -1;
    lsm_token_t t;
    if (lsm_lookup_ex(cursor->view, (uint32_t)(line_col >> 32), (uint32_t)line_col, cursor->rule,
                      &t, NULL) != 1)
        return 0;
    uint32_t *out = cursor->out;
    out[0] = t.dst_line;
    out[1] = t.dst_col;
    out[2] = t.src_line;
    out[3] = t.src_col;
    out[4] = t.src_id;
    out[5] = t.name_id;
    return 1;
}

/* Two 32-bit arguments rather than one packed 64-bit one: a binding
 * converts small ints to uint32_t on its fast path, where a value past
 * 2^30 goes through a slower conversion in CPython. */
int lsm_cursor_find(lsm_cursor_t *cursor, uint32_t line, uint32_t col) {
    return lsm_cursor_lookup(cursor, (uint64_t)line << 32 | col);
}
