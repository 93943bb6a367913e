/* The one growable buffer. Bytes go in an lsm_buf_t; arrays of one type
 * whose struct already holds (items, count, cap) grow through
 * lsm_array_reserve(), which uses the same buffer and growth rule. */
#ifndef LSM_BUF_H
#define LSM_BUF_H

#include "internal.h"

/* A growable byte buffer; zero-initialised is empty. lsm_buf_release()
 * (or lsm_free(buf.data)) releases it. */
typedef struct lsm_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} lsm_buf_t;

/* Makes room for `extra` more bytes. Returns 0 or LSM_ERR_NOMEM (also when
 * the size would overflow); on failure the buffer is unchanged. */
LSM_INTERNAL int lsm_buf_reserve(lsm_buf_t *buf, size_t extra);
/* Appends `len` bytes (`data` may be NULL when `len` is 0). Returns 0 or
 * LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_buf_append(lsm_buf_t *buf, const void *data, size_t len);
/* Appends `len` bytes and keeps a NUL after them, outside `len`, so the
 * buffer always holds a C string. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_buf_append_str(lsm_buf_t *buf, const char *text, size_t len);
/* Frees the bytes and empties the buffer. */
LSM_INTERNAL void lsm_buf_release(lsm_buf_t *buf);

/* Makes room for `extra` more items of `size` bytes in the array `*items`
 * that holds `count` items and has room for `*cap`; updates `*items` and
 * `*cap`. Returns 0, LSM_ERR_NOMEM, or LSM_ERR_TOO_LARGE when the count
 * would not fit a uint32_t. */
LSM_INTERNAL int lsm_array_reserve(void **items, uint32_t *cap, uint32_t count, uint32_t extra,
                                   size_t size);

#endif
