/* The cache writer's internal entry points, for the version 3 sections
 * computed by the JavaScript layer (src/js/cache_frames.c). */
#ifndef LSM_CACHE_H
#define LSM_CACHE_H

#include "internal.h"

/* Sections 12 to 17 of a version 3 file, in order (docs/cache-format.md). */
#define LSM_CACHE_V3_EXTRA 6

typedef struct lsm_cache_section {
    const void *data;
    size_t len;
} lsm_cache_section_t;

/* lsm_view_dump_cache(), writing version 3 with `extra` as sections 12 to
 * 17 when `extra` is not NULL (else version 2). */
LSM_INTERNAL int lsm_cache_dump(const lsm_view_t *view, uint32_t flags,
                                const lsm_cache_section_t *extra, uint8_t **out,
                                size_t *out_len, lsm_error_t *err);

/* Writes `len` bytes to `path` atomically (beside it, then renamed). */
LSM_INTERNAL int lsm_cache_write_file(const char *path, const uint8_t *data, size_t len,
                                      lsm_error_t *err);

#endif
