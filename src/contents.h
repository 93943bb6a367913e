/* Source contents a view references in its input rather than copies
 * (src/contents.c). The reader marks each "sourcesContent" entry it left
 * in the input; the builder turns the entries into the view's
 * lsm_contents_ref_t (src/records.h); every reader of contents asks
 * lsm_contents_get(). */
#ifndef LSM_CONTENTS_H
#define LSM_CONTENTS_H

#include "internal.h"

/* A string-table entry (src/records.h) of the reader's "sourcesContent"
 * lists may stand for a string left in the input: its offset word is
 * LSM_ENTRY_IN_INPUT | the offset of its first content byte in the input,
 * its length word the length as written, with LSM_ENTRY_ESCAPED set when
 * it has backslash escapes. LSM_NULL_STRING keeps its meaning. */
#define LSM_ENTRY_IN_INPUT ((uint64_t)1 << 62)
#define LSM_ENTRY_ESCAPED ((uint64_t)1 << 63)

/* Makes `view`'s contents from `count` entries: slices of `input` where it
 * outlives the view (`borrow`), otherwise slices of one copy of them made
 * here; entries not in the input are NUL-terminated strings of `blob`
 * (the view's blob-to-be, same offsets). Sets view->contents_ref and
 * *uses_input (whether the view now reads `input`). Returns 0 or
 * LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_contents_make(lsm_view_t *view, const uint8_t *entries, uint32_t count,
                                   const char *input, const uint8_t *blob, bool borrow,
                                   bool *uses_input);

/* Contents `index` (< the source count) of `view`: NULL for none, or with
 * *code set to LSM_ERR_NOMEM when its first unescaping could not allocate
 * (`code` may be NULL). Thread-safe: an escaped entry is unescaped on
 * first access and published with compare-and-swap. */
LSM_INTERNAL const char *lsm_contents_get(const lsm_view_t *view, uint32_t index, size_t *len,
                                          int *code);

/* Whether contents `index` (< the source count) is present; never
 * allocates. */
LSM_INTERNAL bool lsm_contents_present(const lsm_view_t *view, uint32_t index);

/* Heap bytes the referenced contents hold now (slots, copy, unescaped). */
LSM_INTERNAL uint64_t lsm_contents_bytes(const lsm_view_t *view);

#endif
