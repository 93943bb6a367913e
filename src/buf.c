/* The one growable buffer (see buf.h). */
#include "buf.h"

int lsm_buf_reserve(lsm_buf_t *buf, size_t extra) {
    if (buf->cap - buf->len >= extra)
        return 0;
    if (extra > SIZE_MAX / 2 - buf->len)
        return LSM_ERR_NOMEM;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap - buf->len < extra)
        cap *= 2;
    uint8_t *data = lsm_realloc(buf->data, cap);
    if (!data)
        return LSM_ERR_NOMEM;
    buf->data = data;
    buf->cap = cap;
    return 0;
}

int lsm_buf_append(lsm_buf_t *buf, const void *data, size_t len) {
    if (lsm_buf_reserve(buf, len))
        return LSM_ERR_NOMEM;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    return 0;
}

int lsm_buf_append_str(lsm_buf_t *buf, const char *text, size_t len) {
    if (len == SIZE_MAX || lsm_buf_reserve(buf, len + 1))
        return LSM_ERR_NOMEM;
    if (len)
        memcpy(buf->data + buf->len, text, len);
    buf->len += len;
    buf->data[buf->len] = 0;
    return 0;
}

void lsm_buf_release(lsm_buf_t *buf) {
    lsm_free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

int lsm_array_reserve(void **items, uint32_t *cap, uint32_t count, uint32_t extra,
                      size_t size) {
    if (extra > UINT32_MAX - count)
        return LSM_ERR_TOO_LARGE;
    uint32_t need = count + extra;
    if (need <= *cap)
        return 0;
    if (size == 0 || need > SIZE_MAX / 2 / size)
        return LSM_ERR_TOO_LARGE;
    size_t have = (size_t)*cap * size;
    lsm_buf_t buf = {*items, have, have};
    int code = lsm_buf_reserve(&buf, (size_t)(need - *cap) * size);
    if (code)
        return code;
    *items = buf.data;
    size_t room = buf.cap / size;
    *cap = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
    return 0;
}
