/* The top-level fields a view does not interpret (unknown keys, x_*
 * extensions other than x_google_ignoreList), kept as the JSON text of
 * their values so that lsm_view_to_json() can write them back unchanged.
 *
 * The reader (json.c, json_values.c) reports where each such value starts
 * and ends in the caller's input; the text is copied from there, so the
 * long strings yajl never sees are included as written. Callers pass the
 * positions and report failures themselves: this file calls only down. */
#include <stdlib.h>

#include "parse.h"

#define PAIR (2 * LSM_STRTAB_ENTRY)

/* Copies `n` bytes into the blob, NUL-terminated; `*off` is where. */
static int blob_copy(lsm_buf_t *blob, const void *s, size_t n, uint64_t *off) {
    if (lsm_buf_reserve(blob, n + 1))
        return LSM_ERR_NOMEM;
    *off = blob->len;
    if (n)
        memcpy(blob->data + blob->len, s, n);
    blob->data[blob->len + n] = 0;
    blob->len += n + 1;
    return 0;
}

int lsm_extra_key(lsm_parse_t *p, const unsigned char *name, size_t n, uint64_t pos) {
    uint64_t off = 0;
    if (blob_copy(&p->blob, name, n, &off))
        return LSM_ERR_NOMEM;
    p->extra_key.offset = off;
    p->extra_key.len = n;
    p->extra_key_end = pos;
    return 0;
}

int lsm_extra_open(lsm_parse_t *p) {
    if (p->extras.len / PAIR >= UINT32_MAX - 1)
        return LSM_ERR_TOO_LARGE;
    if (lsm_buf_reserve(&p->extras, PAIR))
        return LSM_ERR_NOMEM;
    uint8_t *e = p->extras.data + p->extras.len;
    lsm_wr64(e, p->extra_key.offset);
    lsm_wr64(e + 8, p->extra_key.len);
    /* The value's entry holds its start until it ends. */
    lsm_wr64(e + 16, p->extra_key_end);
    lsm_wr64(e + 24, 0);
    p->extras.len += PAIR;
    p->extra_open = true;
    return 0;
}

/* yajl also takes \v and \f as white space between tokens. */
static bool json_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int lsm_extra_close(lsm_parse_t *p, const char *input, size_t input_len, uint64_t end) {
    if (!p->extra_open)
        return 0;
    p->extra_open = false;
    uint8_t *e = p->extras.data + p->extras.len - PAIR;
    uint64_t start = lsm_rd64(e + 16);
    if (end > input_len)
        end = input_len;
    /* From just past the key: white space and the colon come first. */
    while (start < end && (json_space((unsigned char)input[start]) || input[start] == ':'))
        start++;
    /* A value cannot end before its key; keep nothing rather than trust
     * positions that say it did. */
    if (start > end)
        start = end;
    uint64_t off = 0;
    if (blob_copy(&p->blob, input + start, (size_t)(end - start), &off))
        return LSM_ERR_NOMEM;
    lsm_wr64(e + 16, off);
    lsm_wr64(e + 24, end - start);
    return 0;
}

/* Sorting pairs by name, ties by position, to find repeated keys. */
typedef struct {
    const uint8_t *blob;
    const uint8_t *pairs;
} sort_ctx_t;

/* qsort has no context argument in C11; views are made on many threads
 * at once, so the context is per thread. */
static _Thread_local const sort_ctx_t *g_sort;

static int cmp_by_name(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const uint8_t *ex = g_sort->pairs + (size_t)x * PAIR, *ey = g_sort->pairs + (size_t)y * PAIR;
    uint64_t lx = lsm_rd64(ex + 8), ly = lsm_rd64(ey + 8);
    int c = memcmp(g_sort->blob + lsm_rd64(ex), g_sort->blob + lsm_rd64(ey), lx < ly ? lx : ly);
    if (c)
        return c;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x < y ? -1 : x > y;
}

int lsm_extra_finish(lsm_parse_t *p, lsm_buf_t *out, uint32_t *count) {
    *count = 0;
    uint32_t n = (uint32_t)(p->extras.len / PAIR);
    if (n == 0)
        return 0;
    if (p->extra_open)
        n--; /* a value that never ended: the parse failed */
    uint8_t *pairs = p->extras.data;
    uint32_t *order = lsm_malloc((size_t)n * sizeof *order + 1);
    uint8_t *keep = lsm_calloc(n ? n : 1, 1);
    int code = 0;
    if (!order || !keep) {
        code = LSM_ERR_NOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    /* A key written twice is kept once, as JSON.parse keeps it: where it
     * first appeared, with the last value. */
    if (n > 1) {
        sort_ctx_t ctx = {p->blob.data, pairs};
        g_sort = &ctx;
        qsort(order, n, sizeof *order, cmp_by_name);
        g_sort = NULL;
    }
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i;
        while (j + 1 < n) {
            const uint8_t *a = pairs + (size_t)order[i] * PAIR, *b = pairs + (size_t)order[j + 1] * PAIR;
            if (lsm_rd64(a + 8) != lsm_rd64(b + 8) ||
                memcmp(p->blob.data + lsm_rd64(a), p->blob.data + lsm_rd64(b), lsm_rd64(a + 8)))
                break;
            j++;
        }
        /* order[i] is the first position, order[j] the last value. */
        memcpy(pairs + (size_t)order[i] * PAIR + LSM_STRTAB_ENTRY,
               pairs + (size_t)order[j] * PAIR + LSM_STRTAB_ENTRY, LSM_STRTAB_ENTRY);
        keep[order[i]] = 1;
        i = j + 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!keep[i])
            continue;
        if (lsm_buf_append(out, pairs + (size_t)i * PAIR, PAIR)) {
            code = LSM_ERR_NOMEM;
            goto cleanup;
        }
        (*count)++;
    }
cleanup:
    lsm_free(order);
    lsm_free(keep);
    return code;
}
