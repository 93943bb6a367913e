/* What a stack frame needs beyond a lookup: the line-offset tables of
 * source texts, and the function names a version 3 cache file stores per
 * token (docs/cache-format.md). A view reaches them through `view->frames`:
 * set when a version 3 cache is opened, else made on first use and
 * published atomically (src/frames.c). */
#ifndef LSM_FRAMES_H
#define LSM_FRAMES_H

#include "internal.h"

/* A line table built for a text: the byte offset of each line's start,
 * little-endian u32s as in a cache file. */
typedef struct lsm_linetab {
    uint32_t count;
    uint32_t text_len;
    uint8_t starts[]; /* count * 4 */
} lsm_linetab_t;

/* Sizes of the version 3 records. */
#define LSM_SCOPE_RECORD 24 /* start line, start col, end line, end col, parent, name + 1 */
#define LSM_LINEDIR_ENTRY 16 /* u64 first start, u32 line count, u32 text length */

typedef struct lsm_frames {
    uint32_t nsources;
    /* From a version 3 cache (all NULL/0 otherwise). */
    bool stored;
    const uint8_t *tok_func;      /* token_count u32s: 0 generated side, 1 no name,
                                   * 2 anonymous, k + 3 name k */
    const uint8_t *scopes;        /* scope_count records */
    uint32_t scope_count;
    const uint8_t *fn_entries;    /* fn_count * 16: u64 offset, u64 length in fn_bytes */
    uint32_t fn_count;
    const uint8_t *fn_bytes;
    uint64_t fn_bytes_len;
    const uint8_t *line_dir;      /* (nsources + 1) entries; the last is the generated file */
    const uint8_t *line_starts;   /* u32s */
    uint64_t line_starts_count;
    /* Made on first use for views without stored tables, one per source;
     * read and published with __atomic builtins. */
    lsm_linetab_t *built[];
} lsm_frames_t;

/* A line table as the readers see it, stored or built. */
typedef struct lsm_lines_ref {
    const uint8_t *starts;
    uint32_t count;
    uint32_t text_len;
} lsm_lines_ref_t;

/* Builds the line table of `text` (LF, CR, CRLF, U+2028, U+2029 end a
 * line; a text of `len` bytes, len < 2^32). NULL on LSM_ERR_NOMEM. */
LSM_INTERNAL lsm_linetab_t *lsm_linetab_build(const char *text, size_t len);

/* The byte span [*start, *end) of line `i` of a text whose table is `L`,
 * its terminator excluded. False when the table is damaged there (a
 * start past the text or before the previous one). */
LSM_INTERNAL bool lsm_lines_span(const lsm_lines_ref_t *L, const char *text, uint32_t i,
                                 size_t *start, size_t *end);

/* The view's frames record, made (empty of stored sections) on first use
 * for views not opened from a version 3 cache. NULL on LSM_ERR_NOMEM. */
LSM_INTERNAL lsm_frames_t *lsm_view_frames(const lsm_view_t *view);

/* Frees a frames record and the tables built in it. NULL is accepted. */
LSM_INTERNAL void lsm_frames_free(lsm_frames_t *frames);

#endif
