/* One JSON value checked as the map reader checks a map: lsm_json_scan()
 * judges the strings, yajl the grammar, and the nesting is bounded as the
 * reader bounds it, so that a value accepted here cannot make a map that
 * carries it unreadable. */
#include "json_check.h"

#include <yajl/yajl_parse.h>

#include "jsontext.h"
#include "yajl_heap.h"

/* The reader allows 1000 levels, the map itself being the first. */
#define CHECK_MAX_DEPTH 999

typedef struct checker {
    unsigned depth;
    bool too_deep;
    bool seen;
} checker_t;

static int on_scalar(void *ctx) {
    ((checker_t *)ctx)->seen = true;
    return 1;
}
static int on_bool(void *ctx, int v) {
    (void)v;
    return on_scalar(ctx);
}
static int on_number(void *ctx, const char *s, size_t n) {
    (void)s;
    (void)n;
    return on_scalar(ctx);
}
static int on_string(void *ctx, const unsigned char *s, size_t n) {
    (void)s;
    (void)n;
    return on_scalar(ctx);
}
static int on_open(void *ctx) {
    checker_t *c = ctx;
    c->seen = true;
    if (++c->depth > CHECK_MAX_DEPTH) {
        c->too_deep = true;
        return 0;
    }
    return 1;
}
static int on_key(void *ctx, const unsigned char *s, size_t n) {
    (void)ctx;
    (void)s;
    (void)n;
    return 1;
}
static int on_close(void *ctx) {
    ((checker_t *)ctx)->depth--;
    return 1;
}

static const yajl_callbacks CHECK_CALLBACKS = {
    on_scalar, on_bool, NULL, NULL, on_number, on_string,
    on_open, on_key, on_close, on_open, on_close,
};

/* False when an allocation failed; the setjmp is here so that nothing it
 * changes is one of this function's locals. */
static bool run_check(checker_t *c, lsm_yajl_heap_t *heap, const char *s, size_t n,
                      yajl_status *st) {
    if (setjmp(heap->on_failure))
        return false;
    yajl_alloc_funcs alloc = lsm_yajl_heap_funcs(heap);
    yajl_handle h = yajl_alloc(&CHECK_CALLBACKS, &alloc, c);
    /* Strings were judged by lsm_json_scan(), more strictly than yajl. */
    yajl_config(h, yajl_dont_validate_strings, 1);
    *st = yajl_parse(h, (const unsigned char *)s, n);
    if (*st == yajl_status_ok)
        *st = yajl_complete_parse(h);
    yajl_free(h);
    return true;
}

int lsm_json_check_value(const char *s, size_t n, const char *what, lsm_error_t *err) {
    if (!s && n)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "%s is NULL", what);
    if (!s)
        s = "";
    lsm_json_scan_t scan;
    memset(&scan, 0, sizeof scan);
    /* SIZE_MAX: validate every string, list none. */
    if (lsm_json_scan((const uint8_t *)s, n, SIZE_MAX, &scan)) {
        lsm_free(scan.strings.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    }
    lsm_free(scan.strings.data);
    if (scan.code) {
        int code = lsm_set_error(err, scan.code, "%s: %s", what, scan.message);
        if (err)
            err->offset = (int64_t)scan.error_offset;
        return code;
    }
    checker_t c;
    memset(&c, 0, sizeof c);
    lsm_yajl_heap_t heap;
    lsm_yajl_heap_init(&heap);
    yajl_status st = yajl_status_ok;
    bool ran = run_check(&c, &heap, s, n, &st);
    lsm_yajl_heap_release(&heap);
    if (!ran)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    if (c.too_deep)
        return lsm_set_error(err, LSM_ERR_JSON_DEPTH, "%s: JSON nesting deeper than %d levels",
                             what, CHECK_MAX_DEPTH);
    if (st != yajl_status_ok || !c.seen || c.depth != 0)
        return lsm_set_error(err, LSM_ERR_JSON, "%s is not one JSON value", what);
    return 0;
}
