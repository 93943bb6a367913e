/* A stack frame's token, function name and context lines in one call
 * (lsm_js_frame_query): bindings pay one foreign call of four arguments
 * per frame, and read a flat struct and one byte buffer. */
#include "js.h"

#define MAX_CONTEXT 1000
#define STACK_SPANS 33 /* room for a context of 16 without an allocation */

static void put(char *buf, size_t size, size_t at, const char *s, size_t n) {
    if (n && at <= size && n <= size - at)
        memcpy(buf + at, s, n);
}

/* The context lines of the token `a` describes, joined into q->buf after
 * the name. 0, or -1 with `err` set. */
static int context(lsm_frame_query_t *q, lsm_frame_answer_t *a, lsm_error_t *err) {
    lsm_text_span_t stack[STACK_SPANS], *spans = stack;
    size_t room = (size_t)q->context * 2 + 1;
    if (room > STACK_SPANS) {
        spans = lsm_malloc(room * sizeof *spans);
        if (!spans)
            return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    uint32_t first = 0, count = 0;
    int rc = lsm_view_source_context(q->view, a->src_id, a->src_line, a->src_col, q->context, 0,
                                     spans, room, &first, &count, err);
    if (rc > 0) {
        uint64_t total = count ? count - 1 : 0;
        for (uint32_t i = 0; i < count; i++)
            total += spans[i].len;
        if (total > UINT32_MAX) {
            lsm_set_error(err, LSM_ERR_TOO_LARGE, "context of 4 GiB or more");
            rc = -1;
        } else {
            size_t at = (size_t)a->name_len + a->token_name_len;
            for (uint32_t i = 0; i < count; i++) {
                if (i)
                    put(q->buf, q->size, at++, "\n", 1);
                put(q->buf, q->size, at, spans[i].text, spans[i].len);
                at += spans[i].len;
            }
            a->context = 1;
            a->first = first;
            a->count = count;
            a->text_len = (uint32_t)total;
            rc = 0;
        }
    }
    if (spans != stack)
        lsm_free(spans);
    return rc < 0 ? -1 : 0;
}

int lsm_js_frame_query(lsm_frame_query_t *q, uint32_t line, uint32_t col, lsm_error_t *err) {
    if (!q)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "query is NULL"), -1;
    lsm_frame_answer_t *a = &q->answer;
    memset(a, 0, sizeof *a);
    a->status = -1;
    if (!q->view || (!q->buf && q->size))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or buf is NULL"), -1;
    if (q->context > MAX_CONTEXT)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "%u context lines, at most %u",
                             q->context, MAX_CONTEXT),
               -1;
    lsm_token_t tok = {0};
    size_t name_len = 0;
    int how = LSM_NAME_NONE, named = 0;
    int rc = lsm_js_frame_resolve(q->view, q->namer, line, col, &tok, q->buf, q->size,
                                  &name_len, &how, &named, err);
    if (rc < 0)
        return -1;
    if (name_len > UINT32_MAX || (tok.name && tok.name_len > UINT32_MAX))
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "name of 4 GiB or more"), -1;
    a->how = how;
    a->named = named;
    a->name_len = (uint32_t)name_len;
    a->dst_line = tok.dst_line;
    a->dst_col = tok.dst_col;
    a->src_line = tok.src_line;
    a->src_col = tok.src_col;
    a->src_id = tok.src_id;
    a->name_id = tok.name_id;
    if (tok.name_id != LSM_NO_ID && tok.name) {
        a->token_named = 1;
        a->token_name_len = (uint32_t)tok.name_len;
        put(q->buf, q->size, name_len, tok.name, tok.name_len);
    }
    if (rc == 1 && tok.src_id != LSM_NO_ID && context(q, a, err) < 0) {
        memset(a, 0, sizeof *a);
        a->status = -1;
        return -1;
    }
    lsm_clear_error(err);
    a->status = rc;
    return rc;
}
