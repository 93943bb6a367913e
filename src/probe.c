/* lsm_json_probe(): the top-level "debugId" and "sections" of a source
 * map, read with yajl's event API without building a view. */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "jsontext.h"
#include "yajl_heap.h"

#define PROBE_MAX_DEPTH 1000

enum probe_key { KEY_OTHER, KEY_DEBUG_ID, KEY_DEBUG_ID_LEGACY, KEY_SECTIONS };

typedef struct probe_id {
    const char *s;
    size_t n;
    bool present; /* a string was seen (last one wins, as the parser keeps it) */
    bool escaped;
} probe_id_t;

typedef struct prober {
    const unsigned char *json;
    size_t json_len;
    lsm_error_t *err;
    int code;
    int depth;
    bool root_seen;
    enum probe_key key; /* of the top-level member being read */
    probe_id_t ids[2];  /* debugId, debug_id */
    bool is_index;
} prober_t;

static int probe_fail(prober_t *p, int code, const char *msg) {
    if (!p->code) {
        p->code = code;
        lsm_set_error(p->err, code, "%s", msg);
    }
    return 0;
}

/* A value: a top-level member's when at depth 1 (`s` and `n` for a
 * string). Returns 0 to stop. */
static int member_value(prober_t *p, bool is_string, bool is_null, const unsigned char *s,
                        size_t n) {
    if (p->depth == 0)
        return probe_fail(p, LSM_ERR_NOT_AN_OBJECT, "the top-level value is not an object");
    if (p->depth != 1)
        return 1;
    enum probe_key key = p->key;
    p->key = KEY_OTHER;
    if (key == KEY_SECTIONS) {
        p->is_index = true;
        return 1;
    }
    if (key != KEY_DEBUG_ID && key != KEY_DEBUG_ID_LEGACY)
        return 1;
    probe_id_t *id = &p->ids[key == KEY_DEBUG_ID ? 0 : 1];
    if (is_null) {
        memset(id, 0, sizeof *id);
        return 1;
    }
    if (!is_string)
        return probe_fail(p, LSM_ERR_BAD_DEBUG_ID, key == KEY_DEBUG_ID
                                                       ? "\"debugId\" must be a string"
                                                       : "\"debug_id\" must be a string");
    if (!lsm_utf8_valid(s, n))
        return probe_fail(p, LSM_ERR_INVALID_UTF8, "a string is not valid UTF-8");
    id->present = true;
    /* yajl hands over unescaped strings in place and escaped ones decoded
     * in its own buffer, which does not outlive the call. */
    id->escaped = !(s >= p->json && n <= p->json_len && s - p->json <= (ptrdiff_t)(p->json_len - n));
    id->s = id->escaped ? NULL : (const char *)s;
    id->n = id->escaped ? 0 : n;
    return 1;
}

static int on_null(void *ctx) {
    return member_value(ctx, false, true, NULL, 0);
}
static int on_boolean(void *ctx, int v) {
    (void)v;
    return member_value(ctx, false, false, NULL, 0);
}
static int on_number(void *ctx, const char *s, size_t n) {
    (void)s;
    (void)n;
    return member_value(ctx, false, false, NULL, 0);
}
static int on_string(void *ctx, const unsigned char *s, size_t n) {
    return member_value(ctx, true, false, s, n);
}

static int on_start(void *ctx) {
    prober_t *p = ctx;
    if (p->depth == 0) {
        if (p->root_seen)
            return probe_fail(p, LSM_ERR_JSON, "more than one top-level value");
        p->root_seen = true;
    } else if (!member_value(p, false, false, NULL, 0)) {
        return 0;
    }
    if (++p->depth > PROBE_MAX_DEPTH)
        return probe_fail(p, LSM_ERR_JSON_DEPTH, "JSON nesting deeper than 1000 levels");
    return 1;
}
static int on_start_map(void *ctx) {
    return on_start(ctx);
}
static int on_start_array(void *ctx) {
    prober_t *p = ctx;
    if (p->depth == 0)
        return probe_fail(p, LSM_ERR_NOT_AN_OBJECT, "the top-level value is not an object");
    return on_start(ctx);
}
static int on_end(void *ctx) {
    prober_t *p = ctx;
    p->depth--;
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *s, size_t n) {
    prober_t *p = ctx;
    if (p->depth != 1)
        return 1;
    p->key = KEY_OTHER;
    if (n == 7 && memcmp(s, "debugId", 7) == 0)
        p->key = KEY_DEBUG_ID;
    else if (n == 8 && memcmp(s, "debug_id", 8) == 0)
        p->key = KEY_DEBUG_ID_LEGACY;
    else if (n == 8 && memcmp(s, "sections", 8) == 0)
        p->key = KEY_SECTIONS;
    return 1;
}

static const yajl_callbacks PROBE_CALLBACKS = {
    on_null, on_boolean, NULL, NULL, on_number, on_string,
    on_start_map, on_map_key, on_end, on_start_array, on_end,
};

/* Runs yajl over the input; false when an allocation failed. The setjmp
 * is here so that nothing it changes is one of this function's locals. */
static bool run_probe(prober_t *p, lsm_yajl_heap_t *heap, yajl_handle *h, yajl_status *st) {
    if (setjmp(heap->on_failure))
        return false;
    yajl_alloc_funcs alloc = lsm_yajl_heap_funcs(heap);
    *h = yajl_alloc(&PROBE_CALLBACKS, &alloc, p);
    yajl_config(*h, yajl_dont_validate_strings, 1);
    *st = yajl_parse(*h, p->json, p->json_len);
    if (*st == yajl_status_ok)
        *st = yajl_complete_parse(*h);
    return true;
}

int lsm_json_probe(const char *bytes, size_t len, lsm_json_probe_t *out, lsm_error_t *err) {
    if (out)
        memset(out, 0, sizeof *out);
    if (!out || (!bytes && len > 0)) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL argument");
        return -1;
    }
    lsm_clear_error(err);
    if (!bytes)
        bytes = "";
    size_t skip = lsm_json_prefix_length(bytes, len);
    prober_t p;
    memset(&p, 0, sizeof p);
    p.json = (const unsigned char *)bytes + skip;
    p.json_len = len - skip;
    p.err = err;

    lsm_yajl_heap_t heap;
    lsm_yajl_heap_init(&heap);
    yajl_handle h = NULL;
    yajl_status st = yajl_status_ok;
    int code = 0;
    if (!run_probe(&p, &heap, &h, &st)) {
        lsm_yajl_heap_release(&heap);
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return -1;
    }
    if (p.code) {
        code = p.code;
    } else if (st != yajl_status_ok || !p.root_seen || p.depth != 0) {
        code = lsm_set_error(err, LSM_ERR_JSON, "malformed JSON");
    }
    if (code && err && p.code != LSM_ERR_NOMEM)
        err->offset = (int64_t)(yajl_get_bytes_consumed(h) + skip);
    yajl_free(h);
    lsm_yajl_heap_release(&heap);
    if (code)
        return -1;
    const probe_id_t *id = p.ids[0].present ? &p.ids[0] : &p.ids[1];
    out->debug_id = id->present ? id->s : NULL;
    out->debug_id_len = id->present ? id->n : 0;
    out->debug_id_escaped = id->present && id->escaped;
    out->is_index = p.is_index;
    return 0;
}
