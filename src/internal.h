/* Internal declarations shared by the library's source files: allocation,
 * errors and UTF-8 here; the buffer, the record format and file mapping in
 * the headers included at the end, by layer (docs/architecture.md). */
#ifndef LSM_INTERNAL_H
#define LSM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libsourcemap.h"

#define LSM_INTERNAL __attribute__((visibility("hidden")))

/* ------------------------------------------------------------- allocation */

/* Every allocation goes through these so that tests can make the Nth one
 * fail and check that the failure is reported and nothing leaks. */
LSM_INTERNAL void *lsm_malloc(size_t size);
LSM_INTERNAL void *lsm_calloc(size_t count, size_t size);
LSM_INTERNAL void *lsm_realloc(void *ptr, size_t size);
LSM_INTERNAL void lsm_free(void *ptr);
/* As lsm_malloc()/lsm_calloc(), for a block the caller writes whole right
 * away (a view's records, a copy of the input): a large one is backed by
 * huge pages where the system allows, which cuts its page faults about
 * twentyfold. Freed with lsm_free(). */
LSM_INTERNAL void *lsm_malloc_filled(size_t size);
LSM_INTERNAL void *lsm_calloc_filled(size_t count, size_t size);

/* Test hook: the `n`th allocation from now on fails (1 = the next one);
 * 0 disables. Not exported from the shared library. */
LSM_INTERNAL void lsm_alloc_fail_after(uint64_t n);
/* Number of allocations not yet freed; tests check it returns to zero. */
LSM_INTERNAL int64_t lsm_alloc_live(void);

/* ----------------------------------------------------------------- errors */

LSM_INTERNAL void lsm_clear_error(lsm_error_t *err);
/* Fills `err` (if not NULL) with `code` and a printf-style message.
 * Always returns `code` so callers can `return lsm_set_error(...)`. */
LSM_INTERNAL int lsm_set_error(lsm_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A monotonic clock in nanoseconds (src/stats.c); 0 if there is none. */
LSM_INTERNAL uint64_t lsm_now_ns(void);

/* True when s[0..n) is well-formed UTF-8. */
LSM_INTERNAL bool lsm_utf8_valid(const uint8_t *s, size_t n);

/* The lower layers' headers; each also includes this one. */
#include "buf.h"
#include "file.h"
#include "records.h"

#endif
