/* Reverse lookup cursors: the view, rule and output array of a run of
 * original -> generated lookups, fixed once (see lsm_reverse_cursor_t in
 * the header), as cursor.c does for generated -> original. */
#include "internal.h"

struct lsm_reverse_cursor {
    const lsm_view_t *view;
    int rule;
    uint32_t *out;
    lsm_buf_t scratch; /* lsm_token_t, for lsm_reverse_cursor_all() */
};

lsm_reverse_cursor_t *lsm_reverse_cursor_new(const lsm_view_t *view, int rule, uint32_t *out,
                                             lsm_error_t *err) {
    if (!view || !out) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL");
        return NULL;
    }
    if (rule != LSM_RULE_GREATEST_LOWER_BOUND && rule != LSM_RULE_LEAST_UPPER_BOUND) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown reverse lookup rule %d", rule);
        return NULL;
    }
    lsm_reverse_cursor_t *c = lsm_malloc(sizeof *c);
    if (!c) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    c->view = view;
    c->rule = rule;
    c->out = out;
    memset(&c->scratch, 0, sizeof c->scratch);
    lsm_clear_error(err);
    return c;
}

void lsm_reverse_cursor_free(lsm_reverse_cursor_t *cursor) {
    if (cursor)
        lsm_buf_release(&cursor->scratch);
    lsm_free(cursor);
}

int lsm_reverse_cursor_lookup(lsm_reverse_cursor_t *cursor, uint32_t src_id, uint64_t line_col) {
    if (!cursor)
        return -1;
    lsm_token_t t;
    int rv = lsm_generated_position_for(cursor->view, src_id, (uint32_t)(line_col >> 32),
                                        (uint32_t)line_col, cursor->rule, &t, NULL);
    if (rv != 1)
        return rv;
    uint32_t *out = cursor->out;
    out[0] = t.dst_line;
    out[1] = t.dst_col;
    out[2] = t.src_line;
    out[3] = t.src_col;
    out[4] = t.src_id;
    out[5] = t.name_id;
    return 1;
}

int64_t lsm_reverse_cursor_all(lsm_reverse_cursor_t *cursor, uint32_t src_id, uint64_t line_col,
                               uint32_t *out, size_t cap) {
    if (!cursor || (!out && cap))
        return -1;
    uint32_t line = (uint32_t)(line_col >> 32), col = (uint32_t)line_col;
    /* The tokens go through the cursor's own array, kept between calls,
     * so that a run of lookups allocates once. */
    size_t room = cursor->scratch.cap / sizeof(lsm_token_t);
    lsm_token_t *tokens = (lsm_token_t *)(void *)cursor->scratch.data;
    int64_t n = lsm_all_generated_positions_for(cursor->view, src_id, line, col, cursor->rule,
                                                tokens, room, NULL);
    if (n < 0)
        return -1;
    size_t want = (size_t)n < cap ? (size_t)n : cap;
    if (want > room) {
        if ((uint64_t)want > SIZE_MAX / sizeof(lsm_token_t) ||
            lsm_buf_reserve(&cursor->scratch, want * sizeof(lsm_token_t)))
            return -1;
        tokens = (lsm_token_t *)(void *)cursor->scratch.data;
        room = cursor->scratch.cap / sizeof(lsm_token_t);
        n = lsm_all_generated_positions_for(cursor->view, src_id, line, col, cursor->rule, tokens,
                                            room, NULL);
        if (n < 0)
            return -1;
        if ((size_t)n < want)
            want = (size_t)n;
    }
    for (size_t i = 0; i < want; i++, out += 6) {
        const lsm_token_t *t = &tokens[i];
        out[0] = t->dst_line;
        out[1] = t->dst_col;
        out[2] = t->src_line;
        out[3] = t->src_col;
        out[4] = t->src_id;
        out[5] = t->name_id;
    }
    return n;
}
