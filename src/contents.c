/* Source contents referenced, not copied: a view made from JSON keeps each
 * "sourcesContent" entry as a slice of its input (a file mapping the view
 * keeps, or bytes the caller promised outlive it) or of one copy of those
 * slices, and unescapes an entry with escapes on first access. */
#include "contents.h"

#include "jsontext.h"

int lsm_contents_make(lsm_view_t *view, const uint8_t *entries, uint32_t count,
                      const char *input, const uint8_t *blob, bool borrow, bool *uses_input) {
    *uses_input = false;
    lsm_contents_ref_t *ref =
        lsm_calloc(1, sizeof *ref + (size_t)count * sizeof(lsm_contents_slot_t));
    if (!ref)
        return LSM_ERR_NOMEM;
    ref->count = count;
    ref->base = input;
    uint64_t copy_len = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = entries + (size_t)i * LSM_STRTAB_ENTRY;
        uint64_t off = lsm_rd64(e), len = lsm_rd64(e + 8);
        lsm_contents_slot_t *slot = &ref->slots[i];
        if (off == LSM_NULL_STRING)
            continue;
        if (off & LSM_ENTRY_IN_INPUT) {
            slot->kind = LSM_CONTENTS_BASE;
            slot->offset = off & ~LSM_ENTRY_IN_INPUT;
            slot->escaped = (len & LSM_ENTRY_ESCAPED) != 0;
            slot->len = len & ~LSM_ENTRY_ESCAPED;
            *uses_input = true;
        } else {
            slot->kind = LSM_CONTENTS_BLOB;
            slot->offset = off;
            slot->len = len;
            slot->terminated = true;
        }
        copy_len += slot->len + 1;
    }
    if (!borrow && copy_len > 0) {
        /* One copy of every slice, each followed by a NUL. */
        ref->copy = lsm_malloc_filled((size_t)copy_len);
        if (!ref->copy) {
            lsm_free(ref);
            return LSM_ERR_NOMEM;
        }
        uint64_t at = 0;
        for (uint32_t i = 0; i < count; i++) {
            lsm_contents_slot_t *slot = &ref->slots[i];
            if (slot->kind == LSM_CONTENTS_NULL)
                continue;
            const void *from = slot->kind == LSM_CONTENTS_BASE ? (const void *)(input + slot->offset)
                                                                : (const void *)(blob + slot->offset);
            memcpy(ref->copy + at, from, (size_t)slot->len);
            ref->copy[at + slot->len] = 0;
            slot->kind = LSM_CONTENTS_BASE;
            slot->offset = at;
            slot->terminated = true;
            at += slot->len + 1;
        }
        ref->copy_len = copy_len;
        ref->base = ref->copy;
        *uses_input = false;
    }
    if (!*uses_input)
        ref->base = ref->copy;
    view->contents_ref = ref;
    return 0;
}

/* The unescaped form of an escaped slice, made once: racing first readers
 * may each make one, the first published wins and the others are freed. */
static const uint8_t *unescaped(const lsm_contents_ref_t *ref, lsm_contents_slot_t *slot) {
    uint8_t *u = __atomic_load_n(&slot->unescaped, __ATOMIC_ACQUIRE);
    if (u)
        return u;
    u = lsm_malloc((size_t)slot->len + 9);
    if (!u)
        return NULL;
    uint64_t n = lsm_json_unescape((const uint8_t *)ref->base + slot->offset, (size_t)slot->len,
                                   u + 8);
    memcpy(u, &n, 8);
    u[8 + n] = 0;
    uint8_t *expected = NULL;
    if (!__atomic_compare_exchange_n(&slot->unescaped, &expected, u, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        lsm_free(u);
        return expected;
    }
    return u;
}

const char *lsm_contents_get(const lsm_view_t *view, uint32_t index, size_t *len, int *code) {
    if (code)
        *code = 0;
    if (len)
        *len = 0;
    const lsm_contents_ref_t *ref = view->contents_ref;
    if (!ref)
        return index < view->contents.count ? lsm_strtab_get(view, &view->contents, index, len)
                                            : NULL;
    if (index >= ref->count)
        return NULL;
    /* The slot's one mutable field is published atomically. */
    lsm_contents_slot_t *slot = (lsm_contents_slot_t *)&ref->slots[index];
    switch (slot->kind) {
    case LSM_CONTENTS_BLOB:
        if (len)
            *len = (size_t)slot->len;
        return view->blob + slot->offset;
    case LSM_CONTENTS_BASE:
        if (!slot->escaped) {
            if (len)
                *len = (size_t)slot->len;
            return ref->base + slot->offset;
        }
        const uint8_t *u = unescaped(ref, slot);
        if (!u) {
            if (code)
                *code = LSM_ERR_NOMEM;
            return NULL;
        }
        uint64_t n;
        memcpy(&n, u, 8);
        if (len)
            *len = (size_t)n;
        return (const char *)u + 8;
    default:
        return NULL;
    }
}

bool lsm_contents_present(const lsm_view_t *view, uint32_t index) {
    const lsm_contents_ref_t *ref = view->contents_ref;
    if (!ref)
        return index < view->contents.count &&
               lsm_strtab_get(view, &view->contents, index, NULL) != NULL;
    return index < ref->count && ref->slots[index].kind != LSM_CONTENTS_NULL;
}

uint64_t lsm_contents_bytes(const lsm_view_t *view) {
    const lsm_contents_ref_t *ref = view->contents_ref;
    if (!ref)
        return 0;
    uint64_t n = sizeof *ref + (uint64_t)ref->count * sizeof(lsm_contents_slot_t) + ref->copy_len;
    for (uint32_t i = 0; i < ref->count; i++) {
        const uint8_t *u = __atomic_load_n(&ref->slots[i].unescaped, __ATOMIC_ACQUIRE);
        if (u)
            n += ref->slots[i].len + 9;
    }
    return n;
}
