/* The library's allocator: the C library's, with a failure switch for
 * tests. The counters are atomics so that threads loading views at the
 * same time stay well-defined; they cost nothing measurable next to the
 * allocations themselves. */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

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

/* A fresh page costs its fault: about 2 us per 4 KiB page on the machine
 * the bench runs on, which made the faults of a 34 MB map's records and
 * contents copy a third of a first load, and of every warm load of an
 * index map whose blocks glibc gives back to the system on each free.
 * A 2 MiB page costs one fault for 512 of them (measured: 0.12 us per
 * 4 KiB). Only the 2 MiB-aligned inside of a block is advised, so a
 * block that is written whole takes no more memory than before; Linux
 * honours the advice when transparent huge pages are "always" or
 * "madvise", and it is a no-op elsewhere. */
#define LARGE_BLOCK ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void advise_large(void *p, size_t size) {
#if defined(MADV_HUGEPAGE)
    if (!p || size < LARGE_BLOCK)
        return;
    uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}

void *lsm_malloc_filled(size_t size) {
    void *p = lsm_malloc(size);
    advise_large(p, size);
    return p;
}

void *lsm_calloc_filled(size_t count, size_t size) {
    void *p = lsm_calloc(count, size);
    /* calloc() leaves pages it got fresh from the system untouched (they
     * are zero), so the advice still applies to them. A product that
     * overflows never gets here: calloc() refuses it. */
    if (p)
        advise_large(p, count * size);
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
