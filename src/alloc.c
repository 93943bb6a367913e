/* The library's allocator: the C library's, with a failure switch for
 * tests. The counters are atomics so that threads loading views at the
 * same time stay well-defined; they cost nothing measurable next to the
 * allocations themselves. */
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

static _Atomic uint64_t fail_countdown;
static _Atomic int64_t live;

void lsm_alloc_fail_after(uint64_t n) {
    atomic_store(&fail_countdown, n);
}

int64_t lsm_alloc_live(void) {
    return atomic_load(&live);
}

static bool should_fail(void) {
    uint64_t n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (n == 0)
        return false;
    /* Only the call that takes the countdown from 1 to 0 fails. */
    while (n > 0 && !atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) {
    }
    return n == 1;
}

void *lsm_malloc(size_t size) {
    if (should_fail())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    return p;
}

void *lsm_calloc(size_t count, size_t size) {
    if (should_fail())
        return NULL;
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    return p;
}

void *lsm_realloc(void *ptr, size_t size) {
    if (!ptr)
        return lsm_malloc(size);
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void lsm_free(void *ptr) {
    if (!ptr)
        return;
    atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
    free(ptr);
}
