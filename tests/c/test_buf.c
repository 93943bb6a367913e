/* The one growable buffer (src/buf.c): growth keeps what was written, a
 * failed allocation leaves the buffer as it was, sizes that cannot be
 * represented are refused before anything is allocated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"

static void test_append_grows_and_keeps_bytes(void) {
    int64_t live = lsm_alloc_live();
    lsm_buf_t buf = {0};
    uint8_t byte[1];
    for (uint32_t i = 0; i < 3000; i++) {
        byte[0] = (uint8_t)(i * 7);
        CHECK_EQ(lsm_buf_append(&buf, byte, 1), 0);
    }
    CHECK_EQ(buf.len, 3000);
    /* 256 bytes doubled until it holds 3000 */
    CHECK_EQ(buf.cap, 4096);
    int same = 1;
    for (uint32_t i = 0; i < 3000; i++)
        same &= buf.data[i] == (uint8_t)(i * 7);
    CHECK(same);
    CHECK_EQ(lsm_buf_append(&buf, NULL, 0), 0);
    CHECK_EQ(buf.len, 3000);
    lsm_buf_release(&buf);
    CHECK(buf.data == NULL);
    CHECK_EQ(buf.len, 0);
    CHECK_EQ(buf.cap, 0);
    CHECK_EQ(lsm_alloc_live(), live);
}

static void test_append_str_keeps_a_nul(void) {
    lsm_buf_t buf = {0};
    CHECK_EQ(lsm_buf_append_str(&buf, "", 0), 0);
    CHECK_EQ(buf.len, 0);
    CHECK_CSTR((const char *)buf.data, "");
    CHECK_EQ(lsm_buf_append_str(&buf, "abcdef", 3), 0);
    CHECK_EQ(lsm_buf_append_str(&buf, "xy", 2), 0);
    CHECK_EQ(buf.len, 5);
    CHECK_CSTR((const char *)buf.data, "abcxy");
    lsm_buf_release(&buf);
}

static void test_failed_growth_leaves_the_buffer(void) {
    int64_t live = lsm_alloc_live();
    lsm_buf_t buf = {0};
    CHECK_EQ(lsm_buf_append(&buf, "hello", 5), 0);
    uint8_t *data = buf.data;
    size_t cap = buf.cap;
    static uint8_t big[1000];
    lsm_alloc_fail_after(1);
    CHECK_EQ(lsm_buf_append(&buf, big, sizeof big), LSM_ERR_NOMEM);
    lsm_alloc_fail_after(0);
    CHECK(buf.data == data);
    CHECK_EQ(buf.len, 5);
    CHECK_EQ(buf.cap, cap);
    CHECK(memcmp(buf.data, "hello", 5) == 0);
    /* a size that would overflow is refused without allocating */
    CHECK_EQ(lsm_buf_reserve(&buf, SIZE_MAX - 2), LSM_ERR_NOMEM);
    CHECK_EQ(lsm_buf_append_str(&buf, "x", SIZE_MAX), LSM_ERR_NOMEM);
    CHECK_EQ(buf.len, 5);
    lsm_buf_release(&buf);
    CHECK_EQ(lsm_alloc_live(), live);
}

typedef struct pair {
    uint32_t a;
    uint64_t b;
} pair_t;

static void test_array_reserve(void) {
    int64_t live = lsm_alloc_live();
    pair_t *items = NULL;
    uint32_t count = 0, cap = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        if (lsm_array_reserve((void **)&items, &cap, count, 1, sizeof *items)) {
            check_fail(__FILE__, __LINE__, "reserve failed at %u", i);
            break;
        }
        items[count++] = (pair_t){i, (uint64_t)i * i};
    }
    CHECK_EQ(count, 1000);
    /* 256 bytes doubled to 16384: 1024 items of 16 bytes */
    CHECK_EQ(sizeof(pair_t), 16);
    CHECK_EQ(cap, 1024);
    int same = 1;
    for (uint32_t i = 0; i < count; i++)
        same &= items[i].a == i && items[i].b == (uint64_t)i * i;
    CHECK(same);
    /* room already there: nothing changes */
    pair_t *before = items;
    uint32_t cap_before = cap;
    CHECK_EQ(lsm_array_reserve((void **)&items, &cap, 10, 5, sizeof *items), 0);
    CHECK(items == before);
    CHECK_EQ(cap, cap_before);
    /* counts past uint32_t */
    CHECK_EQ(lsm_array_reserve((void **)&items, &cap, UINT32_MAX, 1, sizeof *items),
             LSM_ERR_TOO_LARGE);
    CHECK_EQ(lsm_array_reserve((void **)&items, &cap, 1, UINT32_MAX, sizeof *items),
             LSM_ERR_TOO_LARGE);
    CHECK(items == before);
    CHECK_EQ(cap, cap_before);
    /* out of memory leaves the array */
    lsm_alloc_fail_after(1);
    CHECK_EQ(lsm_array_reserve((void **)&items, &cap, count, cap, sizeof *items),
             LSM_ERR_NOMEM);
    lsm_alloc_fail_after(0);
    CHECK(items == before);
    CHECK_EQ(cap, cap_before);
    lsm_free(items);
    CHECK_EQ(lsm_alloc_live(), live);
}

/* Blocks written whole (src/alloc.c): small and large (huge pages
 * advised for the inside of a large one) behave as lsm_malloc() and
 * lsm_calloc() do, count as live and fail with the failure switch. */
static void test_filled_blocks(void) {
    int64_t live = lsm_alloc_live();
    static const size_t sizes[] = {1, 4096, ((size_t)4 << 20) - 1, ((size_t)9 << 20) + 123};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        uint8_t *z = lsm_calloc_filled(1, n);
        CHECK(z != NULL);
        if (z) {
            size_t nonzero = 0;
            for (size_t k = 0; k < n; k += 4093)
                nonzero += z[k] != 0;
            CHECK_EQ(nonzero + (z[n - 1] != 0), 0);
            z[0] = z[n - 1] = 7; /* writable end to end */
        }
        CHECK_EQ(lsm_alloc_live(), live + 1);
        uint8_t *m = lsm_malloc_filled(n);
        CHECK(m != NULL);
        if (m)
            memset(m, 0xA5, n);
        CHECK_EQ(lsm_alloc_live(), live + 2);
        lsm_free(z);
        lsm_free(m);
        CHECK_EQ(lsm_alloc_live(), live);
    }
    lsm_alloc_fail_after(1);
    CHECK(lsm_malloc_filled((size_t)8 << 20) == NULL);
    lsm_alloc_fail_after(1);
    CHECK(lsm_calloc_filled(2, (size_t)4 << 20) == NULL);
    lsm_alloc_fail_after(0);
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(test_append_grows_and_keeps_bytes);
    RUN(test_append_str_keeps_a_nul);
    RUN(test_failed_growth_leaves_the_buffer);
    RUN(test_array_reserve);
    RUN(test_filled_blocks);
    return check_finish();
}
