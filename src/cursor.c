/* Lookup cursors: the view, rule and output array of a run of lookups,
 * fixed once (see lsm_cursor_t in the header). */
#include "lookup.h"

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
    return lsm_lookup_numbers(cursor->view, (uint32_t)(line_col >> 32), (uint32_t)line_col,
                              cursor->rule, cursor->out);
}

int lsm_cursor_find(lsm_cursor_t *cursor, uint32_t line, uint32_t col) {
    return lsm_cursor_lookup(cursor, (uint64_t)line << 32 | col);
}
