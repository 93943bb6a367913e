/* The record format of a view: little-endian storage, bit-packed token
 * records, string tables, the view struct itself, and the column blocks
 * lookups search. Everything that reads or writes a view's memory goes
 * through here (src/records.c). */
#ifndef LSM_RECORDS_H
#define LSM_RECORDS_H

#include "internal.h"

/* -------------------------------------------------- little-endian storage */

/* All multi-byte integers a view keeps are stored little-endian, in memory
 * as in cache files, so that a cache file is a plain image of a view and
 * reads the same on any host. On little-endian hosts these are plain loads. */
static inline uint32_t lsm_rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t lsm_rd64(const uint8_t *p) {
    return (uint64_t)lsm_rd32(p) | (uint64_t)lsm_rd32(p + 4) << 32;
}
static inline void lsm_wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void lsm_wr64(uint8_t *p, uint64_t v) {
    lsm_wr32(p, (uint32_t)v);
    lsm_wr32(p + 4, (uint32_t)(v >> 32));
}

/* ---------------------------------------------------------- packed tokens */

/* A token's fields other than its generated line, in record order. */
enum { F_DST_COL, F_SRC_LINE, F_SRC_COL, F_SRC_ID, F_NAME_ID, F_COUNT };

/* Tokens are stored as fixed-width bit-packed records, the width of each
 * field chosen per map from its largest value, so a typical minified
 * bundle's token takes 8 to 11 bytes and any token can still be read by
 * index. Ids are stored plus one so that 0 means absent. Records are padded
 * by LSM_RECORD_PAD bytes so that every field can be read with one 8-byte
 * load. */
#define LSM_RECORD_PAD 8

typedef struct lsm_packing {
    uint8_t width[F_COUNT];  /* bits, 0..32 */
    uint8_t shift[F_COUNT];  /* bit position of the field within a record */
    uint32_t record_bits;    /* sum of the widths */
} lsm_packing_t;

/* Chooses widths able to hold `max[f]` for every field f. */
LSM_INTERNAL void lsm_packing_init(lsm_packing_t *pk, const uint32_t max[F_COUNT]);
/* Bytes needed for `count` records, padding included. */
LSM_INTERNAL uint64_t lsm_packing_bytes(const lsm_packing_t *pk, uint64_t count);

/* The `width` bits (0..32) that start at bit `bit` of the records. The
 * mask is made without a branch: a lookup reads five to ten fields. */
static inline uint32_t lsm_bits_at(const uint8_t *records, uint64_t bit, unsigned width) {
    uint64_t word = lsm_rd64(records + (bit >> 3));
    uint64_t mask = (~(uint64_t)0 >> (63 - width)) >> 1; /* width 0: no bits */
    return (uint32_t)((word >> (bit & 7)) & mask);
}

static inline uint32_t lsm_field(const uint8_t *records, const lsm_packing_t *pk, uint64_t index,
                                 int field) {
    return lsm_bits_at(records, index * pk->record_bits + pk->shift[field], pk->width[field]);
}

/* Writes `value` into a record's field, leaving the other bits alone. */
static inline void lsm_store_field(uint8_t *records, const lsm_packing_t *pk, uint64_t index,
                                   int field, uint32_t value) {
    unsigned width = pk->width[field];
    uint64_t bit = index * pk->record_bits + pk->shift[field];
    uint8_t *p = records + (bit >> 3);
    uint64_t mask = width == 0 ? 0 : (((uint64_t)1 << width) - 1);
    uint64_t word = lsm_rd64(p) & ~(mask << (bit & 7));
    lsm_wr64(p, word | (((uint64_t)value & mask) << (bit & 7)));
}

/* ---------------------------------------------------------- string tables */

/* A table of `count` strings (or nulls) inside a view's blob. Entry i is
 * two little-endian uint64s at entries + 16 * i: the string's offset in
 * the blob and its length; the byte after it is a NUL. An offset of
 * LSM_NULL_STRING marks a null entry. Entries may point anywhere in the
 * blob, so tables can share strings and be concatenated without copying. */
#define LSM_NULL_STRING UINT64_MAX
#define LSM_STRTAB_ENTRY 16

typedef struct lsm_strtab {
    uint32_t count;
    const uint8_t *entries;
} lsm_strtab_t;

/* The singletons a view keeps, stored as one string table. */
enum { META_FILE, META_SOURCE_ROOT, META_DEBUG_ID, META_COUNT };

/* -------------------------------------------------------------------- view */

#define LSM_VIEW_INDEX 1u        /* built from an index map */
#define LSM_VIEW_TRUSTED 2u      /* built by this library, not read from a file */
#define LSM_VIEW_FROM_CACHE 4u   /* opened from a cache */

struct lsm_view {
    uint32_t flags;
    uint32_t token_count;
    /* line_index[l] (l <= line_count) is the index of the first token on
     * generated line l; line_index[line_count] == token_count. */
    uint32_t line_count;
    const uint8_t *line_index;
    const uint8_t *records;
    lsm_packing_t packing;
    /* The generated column of every LSM_BLOCK-th token (little-endian
     * uint32s, lsm_block_count() of them): a binary search over this small
     * array, which stays in cache, narrows a lookup to LSM_BLOCK records. */
    const uint8_t *col_blocks;

    const char *blob;
    uint64_t blob_len;
    lsm_strtab_t sources;      /* as written */
    lsm_strtab_t source_urls;  /* resolved against sourceRoot */
    lsm_strtab_t source_joined; /* joined with sourceRoot as 0.8 did: tokens' src */
    lsm_strtab_t contents;     /* same count as sources; null when absent */
    lsm_strtab_t names;
    lsm_strtab_t meta;         /* META_COUNT entries */
    uint32_t ignore_count;
    const uint32_t *ignore_ids; /* native order, sorted, unique (owned) */
    /* Range mappings (src/range_mappings.c): the indices of the tokens that
     * are ranges, sorted and unique, as little-endian uint32s; freed with
     * range_owned when that is not NULL. */
    uint32_t range_count;
    const uint8_t *range_ids;
    void *range_owned;
    /* React Native's function maps and Hermes function offsets
     * (src/hermes.c): one block, or NULL. */
    struct lsm_hermes *hermes;
    /* "x_facebook_segments": each segment's map as JSON text, parsed on
     * request (src/hermes.c, src/segments.c); one block, or NULL. */
    struct lsm_fb_segments *fb_segments;
    /* Top-level fields kept as JSON text (src/json_extra.c): entry 2i is
     * a key, entry 2i + 1 its value as written; none in a cache file. */
    lsm_strtab_t extras;

    /* What to release on free: heap blocks, or a file mapping. */
    void *owned[16];
    /* The reverse-lookup index (src/reverse.c), built on first use and
     * published atomically; NULL until then. */
    struct lsm_reverse *reverse;
    /* Decoded scopes and generated ranges (src/scopes.h), one block;
     * NULL when the map had none. */
    struct lsm_scopes *scopes;
    /* Line tables and stored function names for stack frames
     * (src/frames.h): set by a version 3 cache, else made on first use and
     * published atomically; NULL until then. */
    struct lsm_frames *frames;
    void *mapping;
    size_t mapping_len;

    /* For lsm_view_stats() (src/stats.c): the input's size and the time
     * spent making the view from it. */
    uint64_t bytes_read;
    uint64_t parse_ns;

    /* Source contents referenced in place (src/contents.c); NULL when the
     * view reads them from `contents` (cache files). When set, `contents`
     * is empty and every reader goes through lsm_contents_get(). */
    struct lsm_contents_ref *contents_ref;

    /* An index map's flattened sections (src/sections.c): where each
     * regular map placed went, as little-endian uint32 pairs (line,
     * column); freed with section_owned when that is not NULL (a cache
     * file's point into its mapping). 0 and NULL for a regular map. */
    uint32_t section_count;
    const uint8_t *section_offsets;
    void *section_owned;
};

/* -------------------------------------------------- referenced contents */

/* One "sourcesContent" entry of a view that references its contents: a
 * slice of `base` (or of the view's blob, for short strings yajl decoded),
 * as written in the JSON when `escaped`. The unescaped form of an escaped
 * slice is made on first access and published with compare-and-swap in
 * `unescaped`: one heap block holding its length (8 bytes, native order)
 * then the bytes and a NUL. */
#define LSM_CONTENTS_NULL 0u
#define LSM_CONTENTS_BASE 1u     /* a slice of base */
#define LSM_CONTENTS_BLOB 2u     /* a NUL-terminated string of the blob */

typedef struct lsm_contents_slot {
    uint64_t offset;
    uint64_t len;
    uint8_t *unescaped;          /* atomic; NULL until first access */
    uint8_t kind;                /* LSM_CONTENTS_* */
    bool escaped;
    bool terminated;             /* a NUL follows the slice */
} lsm_contents_slot_t;

typedef struct lsm_contents_ref {
    const char *base;            /* the caller's input, or `copy` */
    char *copy;                  /* owned copy of the slices, or NULL */
    uint64_t copy_len;
    uint32_t count;
    lsm_contents_slot_t slots[]; /* `count` of them */
} lsm_contents_ref_t;

/* The string at `index` of `tab`; NULL for a null entry. */
LSM_INTERNAL const char *lsm_strtab_get(const lsm_view_t *view, const lsm_strtab_t *tab,
                                        uint32_t index, size_t *len);

/* Fills `out` with token `index` (which must be < token_count) whose
 * generated line is `line`. */
LSM_INTERNAL void lsm_view_fill_token(const lsm_view_t *view, uint32_t index, uint32_t line,
                                      lsm_token_t *out);
/* The generated line of token `index`. */
LSM_INTERNAL uint32_t lsm_view_token_line(const lsm_view_t *view, uint32_t index);

#define LSM_BLOCK 16

static inline uint32_t lsm_block_count(uint32_t tokens) {
    return (uint32_t)(((uint64_t)tokens + LSM_BLOCK - 1) / LSM_BLOCK);
}

/* Allocates and fills the column blocks of a view whose records are
 * written; returns the array (owned by the caller) or NULL. */
LSM_INTERNAL uint8_t *lsm_build_col_blocks(const lsm_view_t *view);

static inline uint32_t lsm_line_start(const lsm_view_t *view, uint32_t line) {
    return lsm_rd32(view->line_index + (size_t)line * 4);
}

/* lsm_view_free() (declared in libsourcemap.h) is defined in records.c
 * with the view's memory rather than in view.c with the getters: the
 * builder frees half-built views and must only call down. */

#endif
