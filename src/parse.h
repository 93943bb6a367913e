/* What the JSON reader collects for the view builder: one record per
 * source map object (the top-level one and each section's), with strings
 * already in the view's blob and "mappings" scanned but not yet decoded. */
#ifndef LSM_PARSE_H
#define LSM_PARSE_H

#include "internal.h"
#include "mappings.h"

/* A JSON array of strings as string-table entries, 16 bytes each. */
typedef struct lsm_list {
    lsm_buf_t entries;
    uint32_t count;
    bool present;
} lsm_list_t;

typedef struct lsm_u32vec {
    uint32_t *items;
    uint32_t count;
    uint32_t cap;
    bool present;
} lsm_u32vec_t;

/* A string in the blob, or offset LSM_NULL_STRING when absent. */
typedef struct lsm_span {
    uint64_t offset;
    uint64_t len;
} lsm_span_t;

/* Index maps may contain index maps this many levels deep. */
#define LSM_MAX_INDEX_DEPTH 64

typedef struct lsm_section lsm_section_t;

typedef struct lsm_map_record {
    uint32_t level;          /* 0 for the top-level object, +1 per section */
    bool has_version;
    bool has_mappings;
    bool has_sections;
    /* "mappings": borrowed from the input when it had no escapes,
     * otherwise a copy owned here. */
    const char *mappings;
    size_t mappings_len;
    char *mappings_copy;
    int64_t mappings_pos;    /* its offset in the input, or -1 */
    lsm_mappings_stats_t stats;
    lsm_list_t sources;
    lsm_list_t contents;
    lsm_list_t names;
    lsm_span_t file;
    lsm_span_t source_root;
    lsm_span_t debug_id;
    lsm_span_t debug_id_legacy;
    lsm_u32vec_t ignore;
    lsm_u32vec_t x_google_ignore;
    /* Errors in "x_google_ignoreList" count only when "ignoreList" is
     * absent, which is known at the end. */
    int x_google_error;
    /* "scopes" and "ranges" (ECMA-426 scopes proposal), kept raw for
     * src/scopes_decode.c: "scopes" as one string (has_scopes_string) or
     * as an array of strings and nulls (scopes_list.present). A value of
     * the wrong type is not an error here: scopes_type_error says so. */
    bool has_scopes_string;
    bool has_ranges;
    lsm_span_t scopes_string;
    lsm_list_t scopes_list;
    lsm_span_t ranges;
    int scopes_type_error;
    /* "rangeMappings" (src/range_mappings.c), unescaped and owned here;
     * NULL when absent or null. */
    char *range_mappings;
    size_t range_mappings_len;
    /* Where "x_facebook_sources" and "x_hermes_function_offsets" (arrays,
     * objects) start in the input, plus one; 0 when absent (src/hermes.c
     * reads them). */
    uint64_t fb_sources_at;
    uint64_t hermes_offsets_at;
    uint64_t fb_segments_at;     /* "x_facebook_segments" (an object) */
    /* An index map's sections (has_sections), each owning its map. */
    lsm_section_t *sections;
    uint32_t section_count;
    uint32_t section_cap;
} lsm_map_record_t;

struct lsm_section {
    bool has_offset;
    bool has_line;
    bool has_col;
    bool has_url;
    uint32_t line;
    uint32_t col;
    int64_t pos;             /* input offset of the section, for errors */
    lsm_map_record_t *map;   /* NULL when the section has no "map" */
};

typedef struct lsm_parse {
    const char *input;       /* the caller's bytes (contents may stay there; src/hermes.c reads there) */
    size_t input_len;
    lsm_buf_t blob;
    lsm_map_record_t root;
    /* The top-level object's fields the view does not interpret
     * (src/json_extra.c): pairs of string-table entries, the key and the
     * JSON text of its value, in input order; repeats not yet merged. */
    lsm_buf_t extras;
    bool extra_open;         /* the last pair's value has not ended yet */
    lsm_span_t extra_key;    /* the top-level key read last, in the blob */
    uint64_t extra_key_end;  /* and the input offset just past it */
} lsm_parse_t;

/* Reads JSON into `out` (zeroed by the caller). Returns 0 or an error code;
 * on error `out` still needs lsm_parse_release(). */
LSM_INTERNAL int lsm_read_json(const char *bytes, size_t len, lsm_parse_t *out,
                               lsm_error_t *err);
LSM_INTERNAL void lsm_parse_release(lsm_parse_t *p);

/* Builds a view from a complete parse; takes the blob. */
LSM_INTERNAL lsm_view_t *lsm_build_view(lsm_parse_t *p, uint32_t flags, lsm_error_t *err);

/* ------------------------------------------- fields kept as JSON text */

/* Remembers a key of the top-level object, `name` (its `n` bytes as yajl
 * unescaped them), which ends just before input offset `pos`, in case its
 * value is one the view does not interpret. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_extra_key(lsm_parse_t *p, const unsigned char *name, size_t n, uint64_t pos);
/* The value of the key remembered last starts: it is kept. Returns 0,
 * LSM_ERR_NOMEM or LSM_ERR_TOO_LARGE. */
LSM_INTERNAL int lsm_extra_open(lsm_parse_t *p);
/* The open field's value ends at input offset `end`: its text, as
 * written in `input`, goes into the blob. Nothing when none is open.
 * Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_extra_close(lsm_parse_t *p, const char *input, size_t input_len,
                                 uint64_t end);
/* Appends the kept pairs to `out`, a key written more than once merged
 * into one (at its first place, with its last value), and sets `*count`
 * to the number of pairs. Returns 0 or LSM_ERR_NOMEM. */
LSM_INTERNAL int lsm_extra_finish(lsm_parse_t *p, lsm_buf_t *out, uint32_t *count);

#endif
