/* Line-offset tables and the view's frames record (src/frames.h). */
#include "frames.h"

/* The length of the line terminator at text[i], or 0. */
static size_t terminator_at(const uint8_t *t, size_t len, size_t i) {
    uint8_t c = t[i];
    if (c == '\n')
        return 1;
    if (c == '\r')
        return i + 1 < len && t[i + 1] == '\n' ? 2 : 1;
    if (c == 0xE2 && i + 2 < len && t[i + 1] == 0x80 && (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
        return 3;
    return 0;
}

lsm_linetab_t *lsm_linetab_build(const char *text, size_t len) {
    const uint8_t *t = (const uint8_t *)text;
    if (len > UINT32_MAX)
        return NULL;
    uint32_t count = 1;
    for (size_t i = 0; i < len;) {
        size_t k = terminator_at(t, len, i);
        count += k != 0;
        i += k ? k : 1;
    }
    lsm_linetab_t *L = lsm_malloc(sizeof *L + (size_t)count * 4);
    if (!L)
        return NULL;
    L->count = count;
    L->text_len = (uint32_t)len;
    uint32_t n = 0;
    lsm_wr32(L->starts, 0);
    n++;
    for (size_t i = 0; i < len;) {
        size_t k = terminator_at(t, len, i);
        i += k ? k : 1;
        if (k)
            lsm_wr32(L->starts + (size_t)n++ * 4, (uint32_t)i);
    }
    return L;
}

bool lsm_lines_span(const lsm_lines_ref_t *L, const char *text, uint32_t i, size_t *start,
                    size_t *end) {
    const uint8_t *t = (const uint8_t *)text;
    size_t len = L->text_len;
    if (i >= L->count)
        return false;
    size_t s = lsm_rd32(L->starts + (size_t)i * 4);
    if (i == 0 && s != 0)
        return false;
    size_t e = len;
    if (i + 1 < L->count) {
        size_t next = lsm_rd32(L->starts + (size_t)(i + 1) * 4);
        if (next <= s || next > len)
            return false;
        /* Step back over the terminator that ends line i. */
        if (t[next - 1] == '\n')
            e = next >= s + 2 && t[next - 2] == '\r' ? next - 2 : next - 1;
        else if (t[next - 1] == '\r')
            e = next - 1;
        else if (next >= s + 3 && t[next - 3] == 0xE2)
            e = next - 3;
        else
            return false;
    }
    if (s > e)
        return false;
    *start = s;
    *end = e;
    return true;
}

lsm_frames_t *lsm_view_frames(const lsm_view_t *view) {
    lsm_frames_t **slot = &((lsm_view_t *)view)->frames;
    lsm_frames_t *F = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (F)
        return F;
    uint32_t n = view->sources.count;
    F = lsm_calloc(1, sizeof *F + ((size_t)n + 1) * sizeof F->built[0]);
    if (!F)
        return NULL;
    F->nsources = n;
    lsm_frames_t *expected = NULL;
    if (!__atomic_compare_exchange_n(slot, &expected, F, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        lsm_free(F);
        return expected;
    }
    return F;
}

void lsm_frames_free(lsm_frames_t *frames) {
    if (!frames)
        return;
    for (uint32_t i = 0; i <= frames->nsources; i++)
        lsm_free(frames->built[i]);
    lsm_free(frames);
}
