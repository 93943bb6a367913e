/* The state of the source map JSON reader, shared by its two files:
 * src/json_values.c (what each value means for the map being read) and
 * src/json.c (yajl's callbacks and the chunked feed). Private to them. */
#ifndef LSM_JSON_READER_H
#define LSM_JSON_READER_H

#include <yajl/yajl_parse.h>

#include "jsontext.h"
#include "parse.h"

#define MAX_DEPTH 1000
/* Index maps may nest: each level holds a map, its "sections" array and a
 * section object; a section's "offset" or an array adds one more. */
#define MAX_FRAMES (3 * (LSM_MAX_INDEX_DEPTH + 1) + 4)

enum frame_kind {
    FR_MAP,
    FR_SOURCES,
    FR_CONTENTS,
    FR_NAMES,
    FR_IGNORE,
    FR_X_IGNORE,
    FR_SECTIONS,
    FR_SECTION,
    FR_OFFSET,
    FR_SCOPES,
};

enum key {
    K_UNKNOWN,
    K_VERSION,
    K_FILE,
    K_SOURCE_ROOT,
    K_SOURCES,
    K_SOURCES_CONTENT,
    K_NAMES,
    K_MAPPINGS,
    K_IGNORE_LIST,
    K_X_GOOGLE_IGNORE_LIST,
    K_DEBUG_ID,
    K_DEBUG_ID_LEGACY,
    K_SECTIONS,
    K_OFFSET,
    K_MAP,
    K_URL,
    K_LINE,
    K_COLUMN,
    K_SCOPES,
    K_RANGES,
    K_RANGE_MAPPINGS,
    K_X_FACEBOOK_SOURCES,
    K_X_HERMES_FUNCTION_OFFSETS,
    K_X_FACEBOOK_SEGMENTS,
};

typedef struct frame {
    enum frame_kind kind;
    enum key key;            /* the key whose value comes next (objects) */
    lsm_map_record_t *map;   /* the map being read, or the one whose sections are */
    uint32_t section;        /* index into map->sections (FR_SECTION, FR_OFFSET) */
} frame_t;

typedef struct reader {
    lsm_parse_t *p;
    const char *input;       /* the caller's bytes, prefix included */
    size_t input_len;
    yajl_handle yajl;
    lsm_error_t *err;
    int code;
    frame_t frames[MAX_FRAMES];
    int top;                 /* index of the innermost frame, -1 before the first */
    uint32_t skip;           /* nesting depth inside an ignored value */
    uint32_t depth;
    /* yajl is fed the text in chunks, each ending just past the opening
     * quote of a long string value (which it then sees as ""); `pending`
     * is that string until its callback takes it, `escaped` tells the
     * value handlers that the string they get is raw JSON with escapes. */
    const unsigned char *json;  /* the text after any prefix */
    size_t skip_prefix;         /* bytes of BOM and ")]}'" line before it */
    size_t chunk_base;          /* offset in `json` of the chunk being parsed */
    const lsm_json_long_t *pending;
    bool escaped;
} reader_t;

enum value_kind { V_NULL, V_BOOL, V_NUMBER, V_STRING, V_OBJECT, V_ARRAY };

/* Where yajl is, as an offset in the caller's input. */
LSM_INTERNAL uint64_t lsm_json_input_pos(const reader_t *r);

/* Records the first failure and stops the parse (returns 0 for yajl). */
LSM_INTERNAL int lsm_json_fail(reader_t *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The key a map key names (K_UNKNOWN for any other). */
LSM_INTERNAL enum key lsm_json_match_key(const unsigned char *s, size_t n);

/* Every value, scalar or the start of a container, comes through here:
 * returns 1 to go on, 0 to stop the parse. */
LSM_INTERNAL int lsm_json_on_value(reader_t *r, enum value_kind kind, const unsigned char *s,
                                   size_t n);

#endif
