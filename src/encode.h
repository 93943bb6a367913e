/* The JSON and VLQ writing shared by the encoder (encode.c) and the
 * builder (builder.c). */
#ifndef LSM_ENCODE_H
#define LSM_ENCODE_H

#include "internal.h"

/* The longest VLQ of a delta between two values below 2^32: 34 bits with
 * the sign take 7 digits. */
#define VLQ_MAX 7
/* A segment: five values and a separator. */
#define SEGMENT_MAX (5 * VLQ_MAX + 1)

/* Output, and the first failure (LSM_OK until then): after one, every
 * write does nothing. */
typedef struct writer {
    lsm_buf_t out;
    int code;
} writer_t;

/* Writes the base64 VLQ of `value` at `p` (room for VLQ_MAX bytes) and
 * returns the end. */
LSM_INTERNAL uint8_t *lsm_put_vlq(uint8_t *p, int64_t value);

/* Whether a reader takes `d` as one VLQ value: below 2^31 either way. A
 * map can still hold columns, original lines and columns or indices from
 * 2^31 on (sums of such values), and two tokens written one after the
 * other may then be further apart than any value can say: the writers
 * refuse those with LSM_ERR_TOO_LARGE rather than write a map that would
 * not load. */
static inline bool lsm_vlq_delta_fits(int64_t d) {
    return (uint64_t)(d + INT32_MAX) <= (uint64_t)INT32_MAX * 2;
}
LSM_INTERNAL void lsm_jw_put(writer_t *w, const char *s, size_t n);
LSM_INTERNAL void lsm_jw_lit(writer_t *w, const char *s);
/* A JSON string literal of `n` bytes of UTF-8 (the caller checked). */
LSM_INTERNAL void lsm_jw_string(writer_t *w, const char *s, size_t n);
LSM_INTERNAL void lsm_jw_u32(writer_t *w, uint32_t v);

#endif
