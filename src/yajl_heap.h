/* yajl's allocations, made survivable (src/yajl_heap.c).
 *
 * yajl 2 does not check its own allocations for NULL, so a failed one must
 * not return to it. Every block it allocates through these functions is
 * kept on a list; a failure longjmps to `on_failure`, set by the caller
 * around its yajl calls, which then frees the list with
 * lsm_yajl_heap_release() instead of calling yajl_free(). */
#ifndef LSM_YAJL_HEAP_H
#define LSM_YAJL_HEAP_H

#include <setjmp.h>
#include <yajl/yajl_common.h>

#include "internal.h"

typedef struct lsm_yajl_link {
    struct lsm_yajl_link *prev, *next;
} lsm_yajl_link_t;

typedef struct lsm_yajl_heap {
    lsm_yajl_link_t head; /* sentinel of a circular list of blocks */
    jmp_buf on_failure;
} lsm_yajl_heap_t;

/* An empty heap. */
LSM_INTERNAL void lsm_yajl_heap_init(lsm_yajl_heap_t *heap);
/* The functions to give yajl_alloc(), allocating on `heap`. */
LSM_INTERNAL yajl_alloc_funcs lsm_yajl_heap_funcs(lsm_yajl_heap_t *heap);
/* Frees every block still on the heap (after a failure, or whatever
 * yajl_free() left). */
LSM_INTERNAL void lsm_yajl_heap_release(lsm_yajl_heap_t *heap);

#endif
