/* yajl's allocations on a list, so that a failed one can jump out of yajl
 * and leak nothing (see src/yajl_heap.h). */
#include "yajl_heap.h"

#include <stddef.h>

typedef struct block {
    lsm_yajl_link_t link;
    max_align_t align[];
} block_t;

static block_t *block_of(void *p) {
    return (block_t *)(void *)((char *)p - offsetof(block_t, align));
}

static void *heap_malloc(void *ctx, size_t n) {
    lsm_yajl_heap_t *heap = ctx;
    block_t *b = n > SIZE_MAX - sizeof *b ? NULL : lsm_malloc(sizeof *b + n);
    if (!b)
        longjmp(heap->on_failure, 1);
    b->link.next = heap->head.next;
    b->link.prev = &heap->head;
    b->link.next->prev = &b->link;
    heap->head.next = &b->link;
    return b->align;
}

static void *heap_realloc(void *ctx, void *p, size_t n) {
    lsm_yajl_heap_t *heap = ctx;
    if (!p)
        return heap_malloc(ctx, n);
    block_t *b = n > SIZE_MAX - sizeof *b ? NULL : lsm_realloc(block_of(p), sizeof *b + n);
    if (!b)
        longjmp(heap->on_failure, 1); /* the old block is still on the list */
    b->link.prev->next = &b->link;
    b->link.next->prev = &b->link;
    return b->align;
}

static void heap_free(void *ctx, void *p) {
    (void)ctx;
    if (!p)
        return;
    block_t *b = block_of(p);
    b->link.prev->next = b->link.next;
    b->link.next->prev = b->link.prev;
    lsm_free(b);
}

void lsm_yajl_heap_init(lsm_yajl_heap_t *heap) {
    heap->head.next = heap->head.prev = &heap->head;
}

yajl_alloc_funcs lsm_yajl_heap_funcs(lsm_yajl_heap_t *heap) {
    yajl_alloc_funcs funcs = {heap_malloc, heap_realloc, heap_free, heap};
    return funcs;
}

void lsm_yajl_heap_release(lsm_yajl_heap_t *heap) {
    lsm_yajl_link_t *l = heap->head.next;
    while (l != &heap->head) {
        lsm_yajl_link_t *next = l->next;
        lsm_free(l); /* the link is the block's first member */
        l = next;
    }
    lsm_yajl_heap_init(heap);
}
