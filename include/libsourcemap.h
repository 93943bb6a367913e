/*
 * libsourcemap: read ECMA-426 source maps and map generated positions back
 * to original ones.
 *
 * Conventions used throughout this header:
 *
 * - Every line and column is 0-based, generated and original alike.
 * - Every fallible function takes `lsm_error_t *err` as its last argument.
 *   `err` may be NULL. When it is not, it is always written: cleared
 *   (code LSM_OK, empty message) on success, filled on failure.
 * - A returned `lsm_view_t *` is owned by the caller and freed with
 *   lsm_view_free(). A returned `const char *` or `const uint32_t *` is
 *   borrowed from the view and stays valid until the view is freed.
 * - Borrowed strings are NUL-terminated for convenience, but may contain
 *   NUL bytes (JSON allows "\u0000"): always use the returned length.
 * - A view is immutable once built. Any number of threads may call the
 *   read functions on one view at the same time; freeing it must not race
 *   with them. Loading and freeing different views is thread-safe: the
 *   library has no global mutable state.
 * - Nothing in the library aborts or exits; bad input gets an error code.
 * - Every constant is a plain literal so that cffi's ABI mode can read this
 *   header as it is.
 */
#ifndef LIBSOURCEMAP_H
#define LIBSOURCEMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LSM_BUILDING_LIBRARY) && defined(__GNUC__)
#define LSM_API __attribute__((visibility("default")))
#else
#define LSM_API
#endif

/* ---------------------------------------------------------------- version */

/* The version of this header. lsm_version() gives the library's; they are
 * the same unless a program was built against another release. */
#define LSM_VERSION_MAJOR 0
#define LSM_VERSION_MINOR 1
#define LSM_VERSION_PATCH 0
/* major * 10000 + minor * 100 + patch */
#define LSM_VERSION_NUMBER 100
#define LSM_VERSION_STRING "0.1.0"

/* The library's version as "MAJOR.MINOR.PATCH". Never NULL, never freed. */
LSM_API const char *lsm_version(void);

/* The library's version as LSM_VERSION_NUMBER computes it. */
LSM_API uint32_t lsm_version_number(void);

/* ----------------------------------------------------------------- errors */

/* Error codes. The numbers are stable across releases: a code keeps its
 * number and meaning forever, and new codes only get new numbers. */
#define LSM_OK 0

/* Misuse and environment (10-19) */
#define LSM_ERR_NOMEM 10            /* an allocation failed */
#define LSM_ERR_INVALID_ARGUMENT 11 /* NULL view or pointer, unknown flag or rule */
#define LSM_ERR_OUT_OF_RANGE 12     /* token, source or name index past the end */
#define LSM_ERR_IO 13               /* a file could not be opened, read or mapped */
#define LSM_ERR_TOO_LARGE 14        /* a count or position does not fit 32 bits, or an
                                       index map's offsets claim more than 16 generated
                                       lines per input byte (plus 2^20) */

/* JSON (20-29) */
#define LSM_ERR_JSON 20             /* malformed JSON */
#define LSM_ERR_JSON_DEPTH 21       /* nesting deeper than 1000 levels */
#define LSM_ERR_INVALID_UTF8 22     /* a string is not valid UTF-8 */
#define LSM_ERR_NOT_AN_OBJECT 23    /* the top-level value is not an object */

/* Source map fields (30-49) */
#define LSM_ERR_MISSING_VERSION 30
#define LSM_ERR_UNSUPPORTED_VERSION 31 /* "version" is not the number 3 */
#define LSM_ERR_BAD_FILE 32            /* "file" is not a string */
#define LSM_ERR_BAD_SOURCE_ROOT 33     /* "sourceRoot" is not a string */
#define LSM_ERR_BAD_SOURCES 34         /* "sources" is not an array of strings or nulls */
#define LSM_ERR_BAD_SOURCES_CONTENT 35 /* "sourcesContent": not an array of strings or nulls */
#define LSM_ERR_BAD_NAMES 36           /* "names" is not an array of strings */
#define LSM_ERR_BAD_IGNORE_LIST 37     /* "ignoreList": not an array of integers >= 0 */
#define LSM_ERR_IGNORE_LIST_OUT_OF_RANGE 38 /* an ignoreList entry past the sources */
#define LSM_ERR_MISSING_MAPPINGS 39
#define LSM_ERR_BAD_MAPPINGS 40        /* "mappings" is not a string */
#define LSM_ERR_BAD_DEBUG_ID 41        /* "debugId" is not a string */

/* Mappings (50-59); err->line and err->segment say where */
#define LSM_ERR_VLQ_INVALID_DIGIT 50   /* a character outside base64 */
#define LSM_ERR_VLQ_UNTERMINATED 51    /* a value ends inside its continuation */
#define LSM_ERR_VLQ_OVERFLOW 52        /* a value or a sum beyond 32 bits */
#define LSM_ERR_NEGATIVE_VALUE 53      /* an absolute column, line or index below 0 */
#define LSM_ERR_SEGMENT_LENGTH 54      /* a segment of 2, 3 or more than 5 fields */
#define LSM_ERR_SOURCE_OUT_OF_RANGE 55 /* a source index past "sources" */
#define LSM_ERR_NAME_OUT_OF_RANGE 56   /* a name index past "names" */

/* Index maps (60-69) */
#define LSM_ERR_BAD_SECTIONS 60        /* "sections" or a section is malformed */
#define LSM_ERR_BAD_OFFSET 61          /* a section's "offset" is malformed */
#define LSM_ERR_SECTION_ORDER 62       /* sections out of order or overlapping */
#define LSM_ERR_SECTION_URL 63         /* a section refers to a map by "url" */
#define LSM_ERR_NESTED_INDEX 64        /* a section's map is itself an index map */
#define LSM_ERR_INDEX_AND_MAPPINGS 65  /* both "sections" and "mappings" */
#define LSM_ERR_INDEX_MAP 66           /* an index map where LSM_LOAD_REJECT_INDEX forbade one */

/* Cache files (70-79) */
#define LSM_ERR_CACHE_MAGIC 70         /* not a libsourcemap cache file */
#define LSM_ERR_CACHE_VERSION 71       /* a cache format this library cannot read */
#define LSM_ERR_CACHE_TRUNCATED 72     /* shorter than its header says */
#define LSM_ERR_CACHE_CORRUPT 73       /* inconsistent offsets, counts or contents */

/* Source code (80-89) */
#define LSM_ERR_NO_SOURCE 80           /* a source or its contents is needed but absent */

/* What went wrong, and where. Caller-owned; reading it allocates nothing.
 * `offset`, `line` and `segment` are -1 where they do not apply. */
typedef struct lsm_error {
    int code;          /* LSM_OK or one of LSM_ERR_* */
    int64_t offset;    /* byte offset in the input the error was found at */
    int64_t line;      /* mappings errors: 0-based generated line */
    int64_t segment;   /* mappings errors: 0-based segment within that line */
    char message[256]; /* one line, NUL-terminated, no trailing period */
} lsm_error_t;

/* The symbolic name of a code, such as "LSM_ERR_JSON", or "LSM_ERR_UNKNOWN"
 * for a number that is not a code. Never NULL, never freed. */
LSM_API const char *lsm_error_name(int code);

/* A short generic description of a code ("malformed JSON"). Never NULL,
 * never freed. lsm_error_t.message is more specific; prefer it. */
LSM_API const char *lsm_error_describe(int code);

/* ----------------------------------------------------------------- tokens */

/* The value of an absent id, line or column (for example the source of a
 * 1-field segment, or the name of a 4-field one). */
#define LSM_NO_ID 4294967295u

/* One mapping. `src`/`src_len` and `name`/`name_len` are borrowed from the
 * view (NULL and 0 when absent); `src` is the source's name resolved against
 * "sourceRoot". A token without a source (from a 1-field segment) has
 * src_id, src_line, src_col and name_id set to LSM_NO_ID. */
typedef struct lsm_token {
    uint32_t dst_line; /* 0-based generated line */
    uint32_t dst_col;  /* 0-based generated column (UTF-16 code units) */
    uint32_t src_line; /* 0-based original line, or LSM_NO_ID */
    uint32_t src_col;  /* 0-based original column, or LSM_NO_ID */
    uint32_t src_id;   /* index into the sources, or LSM_NO_ID */
    uint32_t name_id;  /* index into the names, or LSM_NO_ID */
    const char *src;
    size_t src_len;
    const char *name;
    size_t name_len;
} lsm_token_t;

/* ------------------------------------------------------------------ views */

/* A parsed source map: its tokens sorted by generated position (stable for
 * equal positions), its sources, names and properties. Opaque. Free with
 * lsm_view_free(). */
typedef struct lsm_view lsm_view_t;

/* Flags for lsm_view_from_json_ex() and lsm_view_from_path(). */
#define LSM_LOAD_DEFAULT 0
/* Fail with LSM_ERR_INDEX_MAP when the input is an index map, instead of
 * flattening it. */
#define LSM_LOAD_REJECT_INDEX 1

/* Parses a source map (a regular one, or an index map, which is flattened
 * into one view) from `len` bytes of JSON. A leading UTF-8 byte order mark
 * and a leading ")]}'" line are skipped. `bytes` is only read during the
 * call; the view copies what it keeps.
 * Returns a new view, or NULL on failure (err says why). */
LSM_API lsm_view_t *lsm_view_from_json(const char *bytes, size_t len, lsm_error_t *err);

/* As lsm_view_from_json(), with LSM_LOAD_* flags. An unknown flag is
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API lsm_view_t *lsm_view_from_json_ex(const char *bytes, size_t len, uint32_t flags,
                                          lsm_error_t *err);

/* Reads and parses the source map in the file at `path` (a NUL-terminated
 * path in the file system's encoding). The file is mapped or read during
 * the call only. Returns a new view, or NULL on failure (LSM_ERR_IO with
 * the system's reason, or any parse error). */
LSM_API lsm_view_t *lsm_view_from_path(const char *path, uint32_t flags, lsm_error_t *err);

/* Frees a view and everything borrowed from it. NULL is accepted and does
 * nothing. */
LSM_API void lsm_view_free(lsm_view_t *view);

/* 1 if the view was built from an index map ("sections"), else 0
 * (also for NULL). */
LSM_API int lsm_view_is_index(const lsm_view_t *view);

/* The number of tokens, 0 for NULL. */
LSM_API uint32_t lsm_view_token_count(const lsm_view_t *view);

/* Writes the token at `index` (in generated order) to `out`.
 * Returns 0, or -1 with LSM_ERR_OUT_OF_RANGE past the end, or
 * LSM_ERR_INVALID_ARGUMENT for a NULL view or `out`. */
LSM_API int lsm_view_get_token(const lsm_view_t *view, uint32_t index, lsm_token_t *out,
                               lsm_error_t *err);

/* The number of generated lines the mappings cover (the last mapped line
 * plus one), 0 for NULL. */
LSM_API uint32_t lsm_view_line_count(const lsm_view_t *view);

/* ---------------------------------------------------------------- lookups */

/* Lookup rules for lsm_lookup_ex() and lsm_lookup_many(). */
/* The token with the greatest generated position at or before (line, col),
 * which may lie on an earlier line: the rule of Sentry's libsourcemap. */
#define LSM_RULE_GREATEST_LOWER_BOUND 0
/* The same, restricted to tokens on `line`: a column before the first
 * token of its line finds nothing. Browsers and the JavaScript consumers
 * map stack frames this way. */
#define LSM_RULE_SAME_LINE 1
/* The token on `line` with the smallest column at or after `col`. */
#define LSM_RULE_LEAST_UPPER_BOUND 2

/* Finds the mapping for generated (line, col) under
 * LSM_RULE_GREATEST_LOWER_BOUND. Several tokens at one position resolve to
 * the first of them in file order.
 * Returns 1 and fills `out` when found; 0 when nothing maps there, which
 * includes landing on a token from a 1-field segment ("unmapped from
 * here": `out` then holds that token, with its src fields LSM_NO_ID, and
 * is otherwise all LSM_NO_ID); -1 on error (NULL view or `out`). */
LSM_API int lsm_lookup(const lsm_view_t *view, uint32_t line, uint32_t col, lsm_token_t *out,
                       lsm_error_t *err);

/* As lsm_lookup(), under one of the LSM_RULE_* rules; an unknown rule is
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_lookup_ex(const lsm_view_t *view, uint32_t line, uint32_t col, int rule,
                          lsm_token_t *out, lsm_error_t *err);

/* Looks up `count` positions (lines[i], cols[i]) in one call, writing
 * out[i] for each: the token found, or, where nothing maps, a token whose
 * fields are all LSM_NO_ID and pointers NULL. Returns the number of
 * positions found (0..count), or -1 on error (NULL pointers with a nonzero
 * count, unknown rule). */
LSM_API int64_t lsm_lookup_many(const lsm_view_t *view, const uint32_t *lines,
                                const uint32_t *cols, size_t count, int rule, lsm_token_t *out,
                                lsm_error_t *err);

/* ---------------------------------------------------------------- sources */

/* The number of sources, 0 for NULL. */
LSM_API uint32_t lsm_view_source_count(const lsm_view_t *view);

/* The source at `index` as written in "sources". Returns a borrowed string
 * and its length in `*len` (`len` may be NULL); NULL with err cleared when
 * the entry is JSON null; NULL with err set on a bad index or NULL view. */
LSM_API const char *lsm_view_source_name(const lsm_view_t *view, uint32_t index, size_t *len,
                                         lsm_error_t *err);

/* The source at `index` with "sourceRoot" applied as ECMA-426 says: a
 * non-empty root that does not end in "/" gets one, and is then prefixed
 * to the source (even an absolute one). No URL normalization is done, and
 * nothing is resolved against the map's own URL, which the library does
 * not know. Same returns as lsm_view_source_name(). */
LSM_API const char *lsm_view_source_url(const lsm_view_t *view, uint32_t index, size_t *len,
                                        lsm_error_t *err);

/* The contents of source `index` from "sourcesContent". Returns a borrowed
 * string, or NULL with err cleared when the map has none for it; NULL with
 * err set on a bad index or NULL view. */
LSM_API const char *lsm_view_source_contents(const lsm_view_t *view, uint32_t index,
                                             size_t *len, lsm_error_t *err);

/* 1 when source `index` has contents, 0 when not, -1 on a bad index or
 * NULL view. */
LSM_API int lsm_view_has_source_contents(const lsm_view_t *view, uint32_t index,
                                         lsm_error_t *err);

/* ------------------------------------------------------------------ names */

/* The number of names, 0 for NULL. */
LSM_API uint32_t lsm_view_name_count(const lsm_view_t *view);

/* The name at `index`. Returns a borrowed string, or NULL with err set on a
 * bad index or NULL view. */
LSM_API const char *lsm_view_name(const lsm_view_t *view, uint32_t index, size_t *len,
                                  lsm_error_t *err);

/* ------------------------------------------------------------- properties */

/* "file", or NULL when absent (and for a NULL view). `len` may be NULL. */
LSM_API const char *lsm_view_file(const lsm_view_t *view, size_t *len);

/* "sourceRoot", or NULL when absent. */
LSM_API const char *lsm_view_source_root(const lsm_view_t *view, size_t *len);

/* "debugId" (or the legacy "debug_id"), or NULL when absent. */
LSM_API const char *lsm_view_debug_id(const lsm_view_t *view, size_t *len);

/* The ignore list: source indices from "ignoreList", or from
 * "x_google_ignoreList" when "ignoreList" is absent. Returns a borrowed
 * array of `*count` entries (NULL when empty; `count` may not be NULL). */
LSM_API const uint32_t *lsm_view_ignore_list(const lsm_view_t *view, uint32_t *count);

/* 1 when source `index` is on the ignore list, else 0. */
LSM_API int lsm_view_is_ignored(const lsm_view_t *view, uint32_t index);

/* ------------------------------------------------------------ cache files */

/* A cache file holds everything a view answers in a form that is looked up
 * in place: opening one validates it and costs microseconds whatever its
 * size. The format is documented in docs/cache-format.md; files are
 * little-endian and read the same on every host. */

/* Flags for lsm_view_dump_cache(). */
#define LSM_CACHE_WITH_CONTENTS 1   /* keep "sourcesContent" */
#define LSM_CACHE_WITH_NAMES 2      /* keep names (else tokens lose their names) */
#define LSM_CACHE_DEFAULT 3

/* Serializes `view` into a new buffer. On success returns 0 and sets `*out`
 * (free it with lsm_buffer_free()) and `*out_len`; on failure returns -1,
 * sets `*out` to NULL and `*out_len` to 0. */
LSM_API int lsm_view_dump_cache(const lsm_view_t *view, uint32_t flags, uint8_t **out,
                                size_t *out_len, lsm_error_t *err);

/* Writes lsm_view_dump_cache()'s output to the file at `path`, replacing
 * it atomically (written beside it, then renamed). Returns 0 or -1. */
LSM_API int lsm_view_write_cache(const lsm_view_t *view, uint32_t flags, const char *path,
                                 lsm_error_t *err);

/* Frees a buffer this library returned. NULL is accepted. */
LSM_API void lsm_buffer_free(void *buf);

/* Opens a view over a cache file's bytes. The view borrows `bytes`: they
 * must stay valid and unchanged until the view is freed. No alignment is
 * required. Returns NULL with LSM_ERR_CACHE_* (or LSM_ERR_NOMEM) when the
 * bytes are not a cache this library can read. */
LSM_API lsm_view_t *lsm_view_from_cache(const void *bytes, size_t len, lsm_error_t *err);

/* Opens a view over the cache file at `path`, mapped read-only and shared
 * through the page cache; lsm_view_free() unmaps it. The file must not be
 * truncated or rewritten in place while the view is open (replace it by
 * renaming, as lsm_view_write_cache() does). */
LSM_API lsm_view_t *lsm_view_from_cache_path(const char *path, lsm_error_t *err);

/* 1 when `bytes` start with the cache file magic, else 0. */
LSM_API int lsm_is_cache(const void *bytes, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBSOURCEMAP_H */
