/* Reading a source map's JSON with yajl's event parser: no tree of the
 * document is built; each field goes straight where the view needs it
 * (src/json_values.c). yajl is fed the text without its long string
 * values, which the reader takes in place (src/jsontext.c). */
#include <setjmp.h>
#include <stddef.h>

#include "json_reader.h"
#include "yajl_heap.h"

/* -------------------------------------------------------- yajl glue */

static int enter(reader_t *r) {
    if (++r->depth > MAX_DEPTH)
        return lsm_json_fail(r, LSM_ERR_JSON_DEPTH, "JSON nesting deeper than %d levels", MAX_DEPTH);
    return 1;
}

static int leave(reader_t *r) {
    r->depth--;
    if (r->skip) {
        r->skip--;
        /* A kept top-level value (src/json_extra.c) may end here. */
        if (!r->skip && r->depth == 1 && r->p->extra_open &&
            lsm_extra_close(r->p, r->input, r->input_len, lsm_json_input_pos(r)))
            return lsm_json_fail(r, LSM_ERR_NOMEM, "out of memory");
        return 1;
    }
    if (r->top >= 0)
        r->top--;
    /* The one value kept as text that the reader also walks: a top-level
     * "scopes" array (src/json_values.c) ends here. */
    if (r->depth == 1 && r->p->extra_open &&
        lsm_extra_close(r->p, r->input, r->input_len, lsm_json_input_pos(r)))
        return lsm_json_fail(r, LSM_ERR_NOMEM, "out of memory");
    return 1;
}

static int cb_null(void *ctx) {
    return lsm_json_on_value(ctx, V_NULL, NULL, 0);
}
static int cb_boolean(void *ctx, int b) {
    (void)b;
    return lsm_json_on_value(ctx, V_BOOL, NULL, 0);
}
static int cb_number(void *ctx, const char *s, size_t n) {
    return lsm_json_on_value(ctx, V_NUMBER, (const unsigned char *)s, n);
}
/* Every string was validated by lsm_json_scan() before yajl saw it. */
static int cb_string(void *ctx, const unsigned char *s, size_t n) {
    reader_t *r = ctx;
    if (!r->pending)
        return lsm_json_on_value(r, V_STRING, s, n);
    const lsm_json_long_t *raw = r->pending;
    r->pending = NULL;
    r->escaped = raw->escaped;
    int ok = lsm_json_on_value(r, V_STRING, r->json + raw->start, (size_t)raw->len);
    r->escaped = false;
    return ok;
}
static int cb_start_map(void *ctx) {
    return enter(ctx) && lsm_json_on_value(ctx, V_OBJECT, NULL, 0);
}
static int cb_start_array(void *ctx) {
    return enter(ctx) && lsm_json_on_value(ctx, V_ARRAY, NULL, 0);
}
static int cb_end(void *ctx) {
    return leave(ctx);
}
static int cb_map_key(void *ctx, const unsigned char *s, size_t n) {
    reader_t *r = ctx;
    /* Long strings are elided only as values; a key here would be in a
     * text yajl is about to reject. */
    enum key key = r->pending ? K_UNKNOWN : lsm_json_match_key(s, n);
    r->pending = NULL;
    if (!r->skip) {
        r->frames[r->top].key = key;
        /* The top-level object's keys, in case a value is kept as text. */
        if (r->frames[r->top].kind == FR_MAP && r->frames[r->top].map == &r->p->root &&
            lsm_extra_key(r->p, s, n, lsm_json_input_pos(r)))
            return lsm_json_fail(r, LSM_ERR_NOMEM, "out of memory");
    }
    return 1;
}

static const yajl_callbacks CALLBACKS = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* yajl_get_error() allocates too, through the jumping allocator. */
static unsigned char *get_yajl_error(reader_t *r, lsm_yajl_heap_t *heap, const unsigned char *json,
                                     size_t len) {
    if (setjmp(heap->on_failure))
        return NULL;
    return yajl_get_error(r->yajl, 0, json, len);
}

/* yajl reports errors as text; keep its first line as our message. */
static int yajl_failure(reader_t *r, lsm_yajl_heap_t *heap, const unsigned char *json, size_t len) {
    unsigned char *text = get_yajl_error(r, heap, json, len);
    const char *msg = text ? (const char *)text : "malformed JSON";
    int code = strstr(msg, "UTF8") ? LSM_ERR_INVALID_UTF8 : LSM_ERR_JSON;
    size_t n = strcspn(msg, "\n");
    while (n > 0 && (msg[n - 1] == '.' || msg[n - 1] == ' '))
        n--;
    lsm_json_fail(r, code, "%.*s", (int)n, msg);
    if (r->err)
        r->err->offset = (int64_t)lsm_json_input_pos(r);
    if (text)
        yajl_free_error(r->yajl, text);
    return code;
}

/* Strings with at least this many content bytes are read in place rather
 * than lexed by yajl. */
#define LONG_STRING 64

/* Runs yajl over the text in chunks, eliding the long string values the
 * scan found, and up to the first bad string if there is one. Returns
 * false when one of yajl's allocations failed; the caller then owns
 * whatever is left on `heap`. The setjmp sits in this function so that
 * nothing it changes is one of its own locals. */
static bool run_yajl(reader_t *r, lsm_yajl_heap_t *heap, size_t len, const lsm_json_scan_t *scan,
                     yajl_status *st, bool *at_end) {
    if (setjmp(heap->on_failure))
        return false;
    yajl_alloc_funcs alloc = lsm_yajl_heap_funcs(heap);
    r->yajl = yajl_alloc(&CALLBACKS, &alloc, r);
    /* Strings are validated by lsm_json_scan(), more strictly than yajl. */
    yajl_config(r->yajl, yajl_dont_validate_strings, 1);
    const lsm_json_long_t *items = (const lsm_json_long_t *)(const void *)scan->strings.data;
    size_t count = scan->strings.len / sizeof *items;
    size_t end = scan->code ? scan->error_string : len;
    size_t pos = 0;
    for (size_t k = 0;; k++) {
        /* Up to and including the opening quote of the next long string. */
        size_t stop = k < count ? (size_t)items[k].start : end;
        r->chunk_base = pos;
        *st = yajl_parse(r->yajl, r->json + pos, stop - pos);
        if (*st != yajl_status_ok || r->code || k == count)
            break;
        r->pending = &items[k];
        pos = (size_t)(items[k].start + items[k].len); /* its closing quote */
    }
    if (*st == yajl_status_ok && !r->code && !scan->code) {
        *at_end = true;
        /* yajl's flush parses a buffer of its own, so its byte count says
         * nothing about the input: a value ending there ends the input. */
        r->chunk_base = end;
        *st = yajl_complete_parse(r->yajl);
    }
    return true;
}

int lsm_read_json(const char *bytes, size_t len, lsm_parse_t *out, lsm_error_t *err) {
    reader_t r;
    memset(&r, 0, sizeof r);
    r.p = out;
    r.input = bytes;
    r.input_len = len;
    r.err = err;
    r.top = -1;
    out->input = bytes;
    out->input_len = len;
    out->root.file.offset = out->root.source_root.offset = LSM_NULL_STRING;
    out->root.debug_id.offset = out->root.debug_id_legacy.offset = LSM_NULL_STRING;
    out->root.mappings_pos = -1;

    size_t skip = lsm_json_prefix_length(bytes, len);
    const unsigned char *json = (const unsigned char *)bytes + skip;
    size_t json_len = len - skip;
    r.json = json;
    r.skip_prefix = skip;

    lsm_json_scan_t scan;
    memset(&scan, 0, sizeof scan);
    if (lsm_json_scan(json, json_len, LONG_STRING, &scan)) {
        lsm_free(scan.strings.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    }

    lsm_yajl_heap_t heap;
    lsm_yajl_heap_init(&heap);
    bool at_end = false;
    yajl_status st = yajl_status_ok;
    if (!run_yajl(&r, &heap, json_len, &scan, &st, &at_end)) {
        lsm_yajl_heap_release(&heap);
        lsm_free(scan.strings.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    }
    int code = 0;
    if (st == yajl_status_client_canceled || r.code) {
        code = r.code ? r.code : LSM_ERR_NOMEM;
        if (err && err->offset < 0 && code != LSM_ERR_NOMEM)
            err->offset = (int64_t)lsm_json_input_pos(&r);
    } else if (st == yajl_status_error) {
        code = yajl_failure(&r, &heap, json + r.chunk_base, json_len - r.chunk_base);
        /* After the whole input, yajl counts bytes of its own flush
         * buffer: the error is at the end of the input. */
        if (at_end && err)
            err->offset = (int64_t)len;
    } else if (scan.code) {
        /* The text is fine up to the first bad string. */
        lsm_json_fail(&r, scan.code, "%s", scan.message);
        code = scan.code;
        if (err)
            err->offset = (int64_t)(skip + scan.error_offset);
    } else if (r.top != -1 || r.depth != 0) {
        lsm_json_fail(&r, LSM_ERR_JSON, "premature end of JSON");
        if (err)
            err->offset = (int64_t)len;
        code = LSM_ERR_JSON;
    }
    yajl_free(r.yajl);
    /* Whatever an allocation failure in yajl_get_error() left behind. */
    lsm_yajl_heap_release(&heap);
    lsm_free(scan.strings.data);
    return code;
}
