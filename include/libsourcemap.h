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
 *   Source contents read in place from a view's input are the exception
 *   (see lsm_view_source_contents() and LSM_LOAD_BORROW).
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
#define LSM_ERR_MISSING_SOURCES 42     /* a regular map has no "sources" (ECMA-426 requires it) */

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
#define LSM_ERR_SECTION_ORDER 62       /* sections out of order, overlapping, or at equal offsets */
#define LSM_ERR_SECTION_URL 63         /* a section refers to a map by "url" */
#define LSM_ERR_NESTED_INDEX 64        /* index maps nested more than 64 levels deep (a
                                          section's map may be an index map below that) */
#define LSM_ERR_INDEX_AND_MAPPINGS 65  /* both "sections" and "mappings" */
#define LSM_ERR_INDEX_MAP 66           /* an index map where LSM_LOAD_REJECT_INDEX forbade one */

/* Cache files (70-79) */
#define LSM_ERR_CACHE_MAGIC 70         /* not a libsourcemap cache file */
#define LSM_ERR_CACHE_VERSION 71       /* a cache format this library cannot read */
#define LSM_ERR_CACHE_TRUNCATED 72     /* shorter than its header says */
#define LSM_ERR_CACHE_CORRUPT 73       /* inconsistent offsets, counts or contents */

/* Sources (80-89) */
#define LSM_ERR_NO_SOURCE 80           /* no source has the name asked for (lsm_view_find_source) */

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
 * view (NULL and 0 when absent); `src` is the source's name joined with
 * "sourceRoot" as Sentry's libsourcemap 0.8 did it, what
 * lsm_view_source_joined() gives. A token without a source (from a 1-field segment) has
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
 * call; the view copies what it keeps (its "sourcesContent" as written,
 * unescaped on first access; see LSM_LOAD_BORROW for no copy at all).
 * Returns a new view, or NULL on failure (err says why). */
LSM_API lsm_view_t *lsm_view_from_json(const char *bytes, size_t len, lsm_error_t *err);

/* As lsm_view_from_json(), with LSM_LOAD_* flags. An unknown flag is
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API lsm_view_t *lsm_view_from_json_ex(const char *bytes, size_t len, uint32_t flags,
                                          lsm_error_t *err);

/* Reads and parses the source map in the file at `path` (a NUL-terminated
 * path in the file system's encoding). The file is mapped read-only; when
 * the map has "sourcesContent" the view keeps the mapping until it is
 * freed and reads the contents there (as with LSM_LOAD_BORROW), so the
 * file must not be truncated or rewritten in place meanwhile (replace it
 * by renaming). Returns a new view, or NULL on failure (LSM_ERR_IO with
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

/* Writes up to `count` consecutive tokens, starting at `index` in
 * generated order, to out[0..]: the fast way to walk every token (lines
 * are followed, not searched for each token). Returns the number written,
 * 0 at or past the end, or -1 on error (NULL view, or NULL `out` with a
 * nonzero count). */
LSM_API int64_t lsm_view_get_tokens(const lsm_view_t *view, uint32_t index, uint32_t count,
                                    lsm_token_t *out, lsm_error_t *err);

/* The number of generated lines the mappings cover (the last mapped line
 * plus one), 0 for NULL. */
LSM_API uint32_t lsm_view_line_count(const lsm_view_t *view);

/* ---------------------------------------------------------------- lookups */

/* Lookup rules for lsm_lookup_ex() and lsm_lookup_many(). Where several
 * tokens share one generated position, each rule picks among them as the
 * consumer it comes from does (the file order of the map decides). */
/* The token with the greatest generated position at or before (line, col),
 * which may lie on an earlier line: the rule of Sentry's libsourcemap 0.8.
 * Of several tokens at that position, the last. */
#define LSM_RULE_GREATEST_LOWER_BOUND 0
/* The same, restricted to tokens on `line`: a column before the first
 * token of its line finds nothing. Browsers and the JavaScript consumers
 * map stack frames this way (@jridgewell/trace-mapping's
 * originalPositionFor with GREATEST_LOWER_BOUND bias). Of several tokens
 * exactly at (line, col), the first; of several before it, the last. */
#define LSM_RULE_SAME_LINE 1
/* The token on `line` with the smallest column at or after `col`
 * (trace-mapping's LEAST_UPPER_BOUND bias). Of several tokens exactly at
 * (line, col), the last; of several after it, the first. */
#define LSM_RULE_LEAST_UPPER_BOUND 2

/* Finds the mapping for generated (line, col) under
 * LSM_RULE_GREATEST_LOWER_BOUND (several tokens at one position resolve to
 * the last of them in file order, as in libsourcemap 0.8).
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

/* A lookup cursor: a view, a rule and the array its answers go to, fixed
 * once, so that each lookup passes only the position. For bindings whose
 * cost is per argument and per field read (cffi in ABI mode). Opaque; it
 * borrows the view and `out`, which must outlive it. Not thread-safe: one
 * cursor per thread (any number may read one view). Free with
 * lsm_cursor_free(). */
typedef struct lsm_cursor lsm_cursor_t;

/* A cursor over `view` under `rule` (an LSM_RULE_*) writing to `out`,
 * which has room for 6 uint32s. Returns NULL on failure
 * (LSM_ERR_INVALID_ARGUMENT: NULL view or out, unknown rule;
 * LSM_ERR_NOMEM). */
LSM_API lsm_cursor_t *lsm_cursor_new(const lsm_view_t *view, int rule, uint32_t *out,
                                     lsm_error_t *err);

/* Frees a cursor. NULL is accepted. */
LSM_API void lsm_cursor_free(lsm_cursor_t *cursor);

/* Looks up the generated position `line_col` (the line in its high 32
 * bits, the column in its low 32) as lsm_lookup_ex() under the cursor's
 * rule. Returns 1 and writes the token found to the cursor's array:
 * dst_line, dst_col, src_line, src_col, src_id, name_id (LSM_NO_ID when it
 * has no name); 0 when nothing maps there (the array is left alone); -1
 * for a NULL cursor. */
LSM_API int lsm_cursor_lookup(lsm_cursor_t *cursor, uint64_t line_col);

/* Looks up `count` positions (lines[i], cols[i]) in one call, writing
 * out[i] for each: the token found, or, where nothing maps, a token whose
 * fields are all LSM_NO_ID and pointers NULL. Returns the number of
 * positions found (0..count), or -1 on error (NULL pointers with a nonzero
 * count, unknown rule). */
LSM_API int64_t lsm_lookup_many(const lsm_view_t *view, const uint32_t *lines,
                                const uint32_t *cols, size_t count, int rule, lsm_token_t *out,
                                lsm_error_t *err);

/* As lsm_lookup_many(), answering in columns: for each i < count,
 * dst_line[i], dst_col[i], src_line[i], src_col[i], src_id[i] and
 * name_id[i] get the token found for (lines[i], cols[i]), all LSM_NO_ID
 * where nothing maps (a 1-field segment included). The arrays are the
 * caller's and may be anywhere (an output array may not overlap an
 * input). Returns the number of positions found, or -1 on error (NULL
 * pointers with a nonzero count, unknown rule). */
LSM_API int64_t lsm_lookup_columns(const lsm_view_t *view, const uint32_t *lines,
                                   const uint32_t *cols, size_t count, int rule,
                                   uint32_t *dst_line, uint32_t *dst_col, uint32_t *src_line,
                                   uint32_t *src_col, uint32_t *src_id, uint32_t *name_id,
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
 * to the source (even an absolute one). No URL normalization is done;
 * lsm_view_resolve_source() also resolves the result against the map's
 * URL. Tokens carry lsm_view_source_joined() instead. Same returns as
 * lsm_view_source_name(). */
LSM_API const char *lsm_view_source_url(const lsm_view_t *view, uint32_t index, size_t *len,
                                        lsm_error_t *err);

/* The contents of source `index` from "sourcesContent". Returns a borrowed
 * string, or NULL with err cleared when the map has none for it; NULL with
 * err set on a bad index or NULL view, or LSM_ERR_NOMEM when contents with
 * escapes could not be unescaped (done once, on first access; any number
 * of threads may ask at once). Unlike other borrowed strings, contents
 * read in place from the input of lsm_view_from_path() or of
 * LSM_LOAD_BORROW are not NUL-terminated: always use `*len`. */
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

/* ------------------------------------------------------------- JavaScript */

/* Scanning generated and original JavaScript for symbolication: function
 * scopes and the names a debugger gives them, original function names for
 * generated positions, and the comments that locate a source map.
 *
 * The scanner is a tokenizer with bracket matching, not a parser: it reads
 * any bytes without failing, tolerates TypeScript annotations and JSX, and
 * answers "best effort" on input that is not JavaScript. Lines and columns
 * are 0-based, columns in UTF-16 code units as in source maps; line
 * terminators are LF, CR, CRLF, U+2028 and U+2029. Every function here is
 * thread-safe, a namer's included: one namer may serve many threads. */

/* JavaScript (90-99) */
#define LSM_ERR_BAD_DATA_URL 90        /* not a data: URL, bad base64, not JSON or UTF-8 */

/* Flags for lsm_js_scopes_build_ex(). */
#define LSM_JS_DEFAULT 0
/* Never read `<` as the start of a JSX element (TypeScript .ts files, where
 * `<T>(x) => x` is a generic arrow function). Without it JSX is tried and
 * abandoned when the element does not close. */
#define LSM_JS_NO_JSX 1

/* The function scopes of one source text. Opaque; built once, then
 * immutable and safe to read from any number of threads. Free with
 * lsm_js_scopes_free(); names borrow from it. */
typedef struct lsm_js_scopes lsm_js_scopes_t;

/* One function scope: a function declaration or expression, an arrow
 * function, a method (class or object literal, getters and setters
 * included), or a class (its body outside methods runs as the
 * constructor: field initializers). Its name is what a debugger would show:
 *   function f() {}            "f"
 *   x = function () {}         "x"        (also let/const/var, a.b.c = ...)
 *   { key: () => {} }          "key", or "obj.key" in `obj = { ... }`
 *   class C { m() {} }         "C.m"; "C.get x" for `get x()`; "C.#p"
 *   constructor() {} in C      "new C", as is the class itself
 *   C.prototype.m = function   "C.m"
 *   export default function    "default"
 * An anonymous function (a callback) has no name. */
typedef struct lsm_js_scope {
    uint32_t start_line, start_col; /* its first token (`async`, `function`, a key, a parameter) */
    uint32_t end_line, end_col;     /* just past its last token */
    uint32_t name_line, name_col;   /* the token naming it (the last one, for "C.m"), or LSM_NO_ID */
    uint32_t parent;                /* the enclosing scope's index, or LSM_NO_ID */
    uint32_t index;                 /* this scope's index (scopes are sorted by start) */
    const char *name;               /* borrowed from the scopes; NULL when anonymous */
    size_t name_len;
} lsm_js_scope_t;

/* Scans `len` bytes of JavaScript (UTF-8; invalid bytes count as one
 * column each) for function scopes. `src` is only read during the call.
 * Returns new scopes, or NULL on failure: LSM_ERR_NOMEM, LSM_ERR_TOO_LARGE
 * (4 GiB or more), LSM_ERR_INVALID_ARGUMENT (NULL src with len > 0). */
LSM_API lsm_js_scopes_t *lsm_js_scopes_build(const char *src, size_t len, lsm_error_t *err);

/* As lsm_js_scopes_build(), with LSM_JS_* flags; an unknown flag is
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API lsm_js_scopes_t *lsm_js_scopes_build_ex(const char *src, size_t len, uint32_t flags,
                                                lsm_error_t *err);

/* Frees scopes and their names. NULL is accepted. */
LSM_API void lsm_js_scopes_free(lsm_js_scopes_t *scopes);

/* The number of scopes, 0 for NULL. */
LSM_API uint32_t lsm_js_scopes_count(const lsm_js_scopes_t *scopes);

/* Writes scope `index` to `out`. Returns 0, or -1 with LSM_ERR_OUT_OF_RANGE
 * or LSM_ERR_INVALID_ARGUMENT (NULL scopes or out). */
LSM_API int lsm_js_scopes_get(const lsm_js_scopes_t *scopes, uint32_t index,
                              lsm_js_scope_t *out, lsm_error_t *err);

/* The innermost scope containing (line, col). Returns 1 and fills `out`;
 * 0 at the top level (`out` then has every number LSM_NO_ID and name NULL);
 * -1 for NULL scopes or out. */
LSM_API int lsm_js_scope_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                            lsm_js_scope_t *out, lsm_error_t *err);

/* The name of the innermost scope containing (line, col). Returns 1 and
 * sets `*name` (borrowed from the scopes, NUL-terminated; a string key may
 * hold NUL bytes, so use the length) and `*name_len` (`name_len` may be
 * NULL); 0 with `*name` NULL at the top level or in an anonymous function;
 * -1 for NULL scopes or name. */
LSM_API int lsm_js_scope_name_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                                 const char **name, size_t *name_len, lsm_error_t *err);

/* ------------------------------------------------- original function names */

/* Finds original function names for positions in one generated file.
 * Opaque. It borrows the view, which must outlive it. Thread-safe: any
 * number of threads may call lsm_js_namer_lookup(),
 * lsm_js_namer_name_at() and lsm_js_namer_set_source() on one namer at
 * once, without a lock of their own. It builds the scopes of each
 * original source once, on first use, without locking (a thread that
 * races another to build them discards its copy), and holds no lock when
 * they exist. Only lsm_js_namer_free() must not overlap any other call.
 * Free with lsm_js_namer_free(). */
typedef struct lsm_js_namer lsm_js_namer_t;

/* Flags for lsm_js_namer_new(). */
#define LSM_NAMES_DEFAULT 0
/* Only map the names of the generated code's scopes; never read the
 * original sources' scopes. */
#define LSM_NAMES_GENERATED_ONLY 1

/* How lsm_js_namer_name_at() decided (`*how`). */
#define LSM_NAME_NONE 0           /* nothing decided: no mapping, no source, no scope */
#define LSM_NAME_FROM_ORIGINAL 1  /* the original source's enclosing function */
#define LSM_NAME_FROM_GENERATED 2 /* the generated code's enclosing function, mapped */

/* A namer for the generated file `minified_src` (`len` bytes; NULL with 0
 * for none: then only original sources are used) whose map is `view`. The
 * generated text is scanned during the call and not kept. Returns NULL on
 * failure (LSM_ERR_INVALID_ARGUMENT for a NULL view or unknown flag,
 * LSM_ERR_NOMEM, LSM_ERR_TOO_LARGE). */
LSM_API lsm_js_namer_t *lsm_js_namer_new(const lsm_view_t *view, const char *minified_src,
                                         size_t len, uint32_t flags, lsm_error_t *err);

/* Frees a namer. NULL is accepted. */
LSM_API void lsm_js_namer_free(lsm_js_namer_t *namer);

/* Gives the text of source `src_id` (a copy is kept), for a map without
 * "sourcesContent" or to replace it. Safe alongside lookups on other
 * threads: each sees the old text or the new one, and the old copy is
 * kept until the namer is freed (so replace a source a bounded number of
 * times). Returns 0, or -1 with LSM_ERR_OUT_OF_RANGE,
 * LSM_ERR_INVALID_ARGUMENT or LSM_ERR_NOMEM. */
LSM_API int lsm_js_namer_set_source(lsm_js_namer_t *namer, uint32_t src_id, const char *text,
                                    size_t len, lsm_error_t *err);

/* Looks up generated (line, col) for a stack frame: under
 * LSM_RULE_SAME_LINE, and refusing a token that lies inside a generated
 * function ending before the position (the position is then in code the
 * bundler added without a mapping, such as the call of its wrapper
 * function `(() => { ... })()`, and the token describes other code).
 * Returns 1 and fills `out` when found; 0 when nothing maps there (`out`
 * as lsm_lookup() leaves it); 2 when refused (`out` holds the refused
 * token); -1 for a NULL namer or out, or when a deferred namer's scan of
 * the generated file, needed to decide, fails (LSM_ERR_NOMEM; see
 * lsm_js_namer_new_deferred()). */
LSM_API int lsm_js_namer_lookup(lsm_js_namer_t *namer, uint32_t line, uint32_t col,
                                lsm_token_t *out, lsm_error_t *err);

/* The original name of the function enclosing generated (line, col).
 * When the position maps (as lsm_js_namer_lookup() finds it) into a source
 * whose text is known, the answer is the function enclosing the original
 * position in that text (right even where a minifier inlined a function;
 * sources named *.ts, *.mts, *.cts are scanned with LSM_JS_NO_JSX);
 * otherwise the generated code's enclosing function, its name tokens
 * mapped through the view (the original text there, else the mapping's
 * name, else the generated text; a token without a mapping of its own
 * takes the nearest one before it on its line when only white space and
 * the keywords function, class, async, static, get, set or `*` lie
 * between, as UglifyJS, tsc and Closure place them).
 * Writes the name to `buf` as snprintf() does (at most size - 1 bytes and
 * a NUL; `buf` may be NULL when `size` is 0) and its whole length to
 * `*name_len` (may be NULL): a longer name is truncated, call again with a
 * larger buffer. `*how` (may be NULL) gets an LSM_NAME_* value
 * (LSM_NAME_ANONYMOUS, at the end of this header, for an anonymous
 * original function; original top-level code that the bundler wrapped in a
 * named function takes that function's name from the generated side).
 * Returns 1 with a name; 0 when there is none (top-level code, an anonymous
 * function, nothing known); -1 on error (NULL namer, LSM_ERR_NOMEM), with
 * the outputs as for 0: `buf` empty, `*name_len` 0, `*how` LSM_NAME_NONE. */
LSM_API int lsm_js_namer_name_at(lsm_js_namer_t *namer, uint32_t line, uint32_t col, char *buf,
                                 size_t size, size_t *name_len, int *how, lsm_error_t *err);

/* One-shot lsm_js_namer_name_at(): builds a namer over `view` and
 * `minified_src`, asks it once and frees it. Prefer a namer for several
 * positions in one file. Same returns. */
LSM_API int lsm_js_namer_name_once(const lsm_view_t *view, const char *minified_src,
                                   size_t len, uint32_t line, uint32_t col, char *buf,
                                   size_t size, size_t *name_len, lsm_error_t *err);

/* libsourcemap 0.8's get_original_function_name(), with 0.8.2's answer
 * wherever it had one: walking back from the token at or before generated
 * (line, col) in `minified_src` through at most 1000 tokens, the first
 * `function <minified_name>` whose name token has a name in the map gives
 * that name. Otherwise the original name of the enclosing function called
 * `minified_name` (its last dotted component, so "t.total" and "new t"
 * work), found among the enclosing functions' name tokens and mapped
 * through the view as lsm_js_namer_name_at() maps them.
 * docs/compatibility.md ("Function names") compares the two.
 * Writes the name as lsm_js_namer_name_at() does. Returns 1 with a name, 0
 * when neither finds one, -1 on error (NULL view or minified_src). */
LSM_API int lsm_view_get_original_function_name(const lsm_view_t *view, uint32_t line,
                                                uint32_t col, const char *minified_name,
                                                size_t minified_name_len,
                                                const char *minified_src, size_t src_len,
                                                char *buf, size_t size, size_t *name_len,
                                                lsm_error_t *err);

/* --------------------------------------------------- locating a source map */

/* The URL of the last `//# sourceMappingURL=URL` comment (also `//@`, and
 * the same in a block comment on one line) among the trailing comments of
 * `src`, found as ECMA-426 extracts it without parsing: any code after the
 * comment cancels it. Returns 1 and sets `*url` to the URL inside `src` (borrowed
 * from `src`, NOT NUL-terminated; it may be empty) and `*url_len` (may be
 * NULL); 0 with `*url` NULL when there is none; -1 for NULL url, or NULL
 * src with len > 0. */
LSM_API int lsm_js_source_mapping_url(const char *src, size_t len, const char **url,
                                      size_t *url_len, lsm_error_t *err);

/* The value of the last `//# debugId=ID` comment among the trailing
 * comments of `src`, found the same way. Same returns; the ID is returned
 * as written (compare debug IDs case-insensitively, without dashes). */
LSM_API int lsm_js_debug_id(const char *src, size_t len, const char **id, size_t *id_len,
                            lsm_error_t *err);

/* Decodes a `data:` URL of a source map: `data:application/json;base64,...`
 * or percent-encoded `data:application/json,...`; the media type may be any
 * JSON type (application/json, text/json, ...+json) with an optional
 * charset, which must be UTF-8. On success returns 0 and sets `*out` to a
 * new buffer (free it with lsm_buffer_free(); NUL-terminated, the NUL not
 * counted) and `*out_len`; on failure returns -1 with `*out` NULL and
 * LSM_ERR_BAD_DATA_URL, LSM_ERR_INVALID_ARGUMENT or LSM_ERR_NOMEM. */
LSM_API int lsm_data_url_decode(const char *url, size_t len, uint8_t **out, size_t *out_len,
                                lsm_error_t *err);

/* ------------------------------------------------------ probing a source map */

/* What lsm_json_probe() reads from a source map's top-level object. */
typedef struct lsm_json_probe_result {
    /* The top-level "debugId" (or, when that is absent or null, the legacy
     * "debug_id"), borrowed from the probed bytes: NOT NUL-terminated,
     * valid while they are. NULL when there is none, or when the value
     * holds escape sequences (then debug_id_escaped is 1: parse the map,
     * lsm_view_debug_id(), for the decoded value). */
    const char *debug_id;
    size_t debug_id_len;
    int debug_id_escaped;
    /* 1 when the top-level object has "sections" (an index map), else 0. */
    int is_index;
} lsm_json_probe_t;

/* Reads the top-level object of the source map in `len` bytes of JSON
 * (a leading byte order mark and ")]}'" line are skipped) without
 * building a view: the JSON grammar is checked throughout, but nothing
 * below the top level is kept, "mappings" is not decoded, and strings
 * other than the debug ID are not checked for UTF-8. Much cheaper than
 * lsm_view_from_json() for finding which map has a debug ID.
 * Returns 0 and fills `*out`; -1 with `*out` zeroed on failure:
 * LSM_ERR_INVALID_ARGUMENT (NULL out, or NULL bytes with len > 0),
 * LSM_ERR_JSON, LSM_ERR_JSON_DEPTH, LSM_ERR_NOT_AN_OBJECT,
 * LSM_ERR_INVALID_UTF8 (the debug ID), LSM_ERR_BAD_DEBUG_ID (a debug ID
 * that is neither a string nor null), LSM_ERR_NOMEM. Thread-safe: it
 * only reads `bytes`. */
LSM_API int lsm_json_probe(const char *bytes, size_t len, lsm_json_probe_t *out,
                           lsm_error_t *err);

/* ------------------------------------------------- sources and sourceRoot */

/* A source's name can be read three ways (docs/compatibility.md compares
 * them): as written (lsm_view_source_name()), with "sourceRoot" prefixed as
 * ECMA-426 says (lsm_view_source_url()), and the two below. */

/* The source at `index` joined with "sourceRoot" as Sentry's libsourcemap
 * 0.8 did it, which is what lsm_token_t.src points to: a non-empty root
 * loses all its trailing "/" and is joined with one "/" to the source,
 * except that sources starting with "/", "http:" or "https:"
 * (case-sensitive) are kept as written; a null source counts as "" (so it
 * gives the root and a "/", or "" without a root). An index map applies
 * each section's own root to that section's sources. Returns a borrowed
 * string (never NULL for a valid index) and its length in `*len` (`len`
 * may be NULL); NULL with err set on a bad index or NULL view. A view
 * opened from a version 1 cache file has no such table and gives
 * lsm_view_source_url()'s strings here (and in its tokens). */
LSM_API const char *lsm_view_source_joined(const lsm_view_t *view, uint32_t index, size_t *len,
                                           lsm_error_t *err);

/* Source `index` resolved as browsers and the JavaScript consumers
 * (mozilla source-map, @jridgewell/trace-mapping) resolve it: the
 * ECMA-426 concatenation of lsm_view_source_url(), then, when `map_url` is
 * given, that resolved as an RFC 3986 reference against the map's URL
 * (`map_url_len` bytes, not NUL-terminated; it may itself be relative, such
 * as "dist/app.js.map", and is then resolved as @jridgewell/resolve-uri
 * does, keeping leading "../"), with "." and ".." segments removed; the
 * base is the map URL up to its last "/", or up to the end of its host
 * when it has no path ("https://example.com").
 * `map_url` NULL (with any length) means no base: the result is the
 * concatenation unchanged. On success returns 1 and sets `*out` to a new
 * NUL-terminated string (free it with lsm_buffer_free(); the NUL not
 * counted in `*out_len`, which may be NULL); returns 0 with `*out` NULL
 * when the source is JSON null; -1 with `*out` NULL on error
 * (LSM_ERR_INVALID_ARGUMENT for a NULL view or `out`, LSM_ERR_OUT_OF_RANGE,
 * LSM_ERR_NOMEM). Thread-safe. */
LSM_API int lsm_view_resolve_source(const lsm_view_t *view, uint32_t index, const char *map_url,
                                    size_t map_url_len, char **out, size_t *out_len,
                                    lsm_error_t *err);

/* --------------------------------------------------- ProGuard mappings */

/* ProGuard and R8 mapping files (mapping.txt), which rename the classes and
 * methods of Java and Android programs, and the lookup that Sentry's
 * libsourcemap 0.8 offered on them: an obfuscated "class" or "class:method"
 * with an optional obfuscated line number to the original names.
 *
 * Line numbers here are the 1-based ones of Java stack traces, with 0 for
 * "no line". A mapping is immutable once built: any number of threads may
 * call lsm_proguard_lookup() on one mapping at once; freeing it must not
 * race with them. */

/* ProGuard mappings (100-109); err->line is the 0-based line of the file
 * and err->offset the byte offset of its start; the message says "line N"
 * with N 1-based, as editors count. */
#define LSM_ERR_PROGUARD_SYNTAX 100     /* LSM_PROGUARD_STRICT: a line that is neither
                                           a class, a member, a comment nor blank */
#define LSM_ERR_PROGUARD_NUMBER 101     /* a line number beyond 32 bits */
#define LSM_ERR_PROGUARD_UTF8 102       /* a line that is not valid UTF-8 */
#define LSM_ERR_PROGUARD_NO_CLASSES 103 /* no class line at all (empty input included) */

/* A parsed mapping. Opaque. Free with lsm_proguard_free(); the strings of
 * an lsm_proguard_result_t borrow from it. */
typedef struct lsm_proguard lsm_proguard_t;

/* Flags for lsm_proguard_from_bytes() and lsm_proguard_from_path(). */
#define LSM_PROGUARD_DEFAULT 0
/* Fail with LSM_ERR_PROGUARD_SYNTAX at the first line that is not a class
 * line, a member (method or field) line, a comment or blank. By default such
 * lines are skipped, as libsourcemap 0.8 did. */
#define LSM_PROGUARD_STRICT 1

/* The answer of lsm_proguard_lookup(). Each string is borrowed from the
 * mapping (original names) or from the looked-up path (names that were not
 * found), and is NOT NUL-terminated: use the lengths. */
typedef struct lsm_proguard_result {
    const char *class_name; /* the original class, or the path's class part */
    size_t class_name_len;
    const char *method;     /* the original method, or the path's method part;
                               NULL when the path has no ':' */
    size_t method_len;
} lsm_proguard_result_t;

/* Parses a mapping from `len` bytes. Class lines ("com.example.Foo -> a.b:"),
 * member lines (4 spaces, "[A:B:]type name(args)[:C[:D]] -> obf", or a field
 * "type name -> obf"), comments ("#", R8's JSON headers included) and blank
 * lines are read; a leading UTF-8 byte order mark is skipped and lines may
 * end in LF or CRLF. `bytes` is only read during the call: the mapping
 * copies it. NULL with `len` 0 is an empty input.
 * Returns a new mapping, or NULL on failure: LSM_ERR_PROGUARD_* (see above),
 * LSM_ERR_TOO_LARGE for more than 4294967294 bytes (checked before reading),
 * LSM_ERR_INVALID_ARGUMENT for NULL bytes with len > 0 or an unknown flag,
 * LSM_ERR_NOMEM. Lines that are none of the above are skipped, unless
 * LSM_PROGUARD_STRICT. Thread-safe (different calls share nothing). */
LSM_API lsm_proguard_t *lsm_proguard_from_bytes(const char *bytes, size_t len, uint32_t flags,
                                                lsm_error_t *err);

/* Reads and parses the mapping in the file at `path` (NUL-terminated, in
 * the file system's encoding); the file is mapped or read during the call
 * only. Returns a new mapping, or NULL on failure (LSM_ERR_IO with the
 * system's reason, or any error of lsm_proguard_from_bytes()). */
LSM_API lsm_proguard_t *lsm_proguard_from_path(const char *path, uint32_t flags,
                                               lsm_error_t *err);

/* Frees a mapping. NULL is accepted and does nothing. */
LSM_API void lsm_proguard_free(lsm_proguard_t *pg);

/* 1 if any method line has an obfuscated line range ("A:B:"), else 0 (also
 * for NULL). */
LSM_API int lsm_proguard_has_line_info(const lsm_proguard_t *pg);

/* The number of class lines, 0 for NULL. */
LSM_API uint32_t lsm_proguard_class_count(const lsm_proguard_t *pg);

/* Maps an obfuscated "class" or "class:method" (`path`, `path_len` bytes,
 * split at its first ':') to the original names, as libsourcemap 0.8's
 * ProguardView.lookup() did. The class is the first class line whose
 * obfuscated name equals the class part. Of that class's methods with the
 * method part as obfuscated name, those whose obfuscated range holds `line`
 * count (all of them when `line` is 0; a method without a range, or with a
 * 0 bound, holds every line), and the one whose range starts nearest `line`
 * wins, the first in the file on a tie. Fills `*out` with the original
 * class name, or the class part when the class is unknown, and the original
 * method name, or the method part when no method matched (NULL without a
 * ':'). "Class:method" or "Class" built from it is 0.8's answer.
 * Returns 2 when class and method were found, 1 when only the class was (or
 * no method was asked), 0 when the class is unknown, -1 for a NULL mapping
 * or `out`, or NULL path with path_len > 0 (LSM_ERR_INVALID_ARGUMENT).
 * Allocates nothing. */
LSM_API int lsm_proguard_lookup(const lsm_proguard_t *pg, const char *path, size_t path_len,
                                uint32_t line, lsm_proguard_result_t *out, lsm_error_t *err);

/* ------------------------------------------------------ per-view figures */

/* What one view cost to make and what it holds, for metrics and traces
 * (filled by lsm_view_stats(); the struct tag is not lsm_view_stats, which
 * the function would hide in C++). */
typedef struct lsm_stats {
    uint64_t bytes_read;   /* input bytes the view was made from: the JSON
                            * or the cache */
    uint64_t tokens;       /* lsm_view_token_count() */
    uint64_t sources;      /* lsm_view_source_count() */
    uint64_t names;        /* lsm_view_name_count() */
    uint64_t lines;        /* lsm_view_line_count() */
    uint64_t parse_ns;     /* monotonic nanoseconds spent making the view from
                            * its bytes (parsing JSON, or checking a cache),
                            * not counting reading or mapping a file */
    uint64_t memory_bytes; /* bytes the view keeps alive: its own heap blocks
                            * plus mapped_bytes (not the allocator's
                            * overhead, nor bytes borrowed from the caller by
                            * lsm_view_from_cache() or LSM_LOAD_BORROW) */
    uint64_t mapped_bytes; /* of memory_bytes, a file mapped read-only
                            * (shared with other processes through the page
                            * cache): a cache file opened by
                            * lsm_view_from_cache_path(), or the map file of
                            * lsm_view_from_path() when the view reads its
                            * "sourcesContent" there; else 0 */
    uint32_t from_cache;   /* 1 when opened from a cache, else 0 */
    uint32_t is_index;     /* lsm_view_is_index() */
} lsm_view_stats_t;

/* Fills `*out` with the figures of `view`. Returns 0, or -1 with
 * LSM_ERR_INVALID_ARGUMENT for a NULL view or `out` (`*out` is then
 * zeroed when `out` is not NULL). Reads only: thread-safe like the other
 * read functions. */
LSM_API int lsm_view_stats(const lsm_view_t *view, lsm_view_stats_t *out, lsm_error_t *err);

/* -------------------------------------------------------- reverse lookups */

/* From an original position to the generated positions mapped to it: the
 * answers of trace-mapping 0.3's generatedPositionFor() and
 * allGeneratedPositionsFor(), on regular and (flattened) index maps.
 * Only tokens on the asked original line are ever answered; tokens at one
 * original position keep their generated order. The first reverse lookup
 * on a view builds an index of its tokens by (source, original line,
 * original column, generated position): O(n log n) once, 12 to 20 bytes a token,
 * kept until the view is freed. Building it is thread-safe (concurrent
 * first calls may each build one; one is kept), so these functions are as
 * thread-safe as the other read functions. `rule` is
 * LSM_RULE_GREATEST_LOWER_BOUND or LSM_RULE_LEAST_UPPER_BOUND; any other
 * value is LSM_ERR_INVALID_ARGUMENT. */

/* The index of the source called `name` (`len` bytes): the first whose
 * name as written in "sources" equals it, else the first whose name
 * resolved against "sourceRoot" does. Returns the index, or -1 with
 * LSM_ERR_NO_SOURCE when none does, LSM_ERR_INVALID_ARGUMENT for a NULL
 * view (or NULL name with len > 0). */
LSM_API int64_t lsm_view_find_source(const lsm_view_t *view, const char *name, size_t len,
                                     lsm_error_t *err);

/* The generated position of original (line, col) in source `src_id`,
 * among the tokens on that original line:
 *   LSM_RULE_GREATEST_LOWER_BOUND: the first token at `col`, else the last
 *     token at the greatest column before it;
 *   LSM_RULE_LEAST_UPPER_BOUND: the last token at `col`, else the first
 *     token at the least column after it.
 * (The asymmetry is trace-mapping's.) Returns 1 and fills `out` with the
 * token (its dst_line and dst_col are the answer); 0 when no token
 * qualifies (`out` then all LSM_NO_ID, pointers NULL); -1 on error: NULL
 * view or out, unknown rule, LSM_ERR_OUT_OF_RANGE for a src_id past the
 * sources, LSM_ERR_NOMEM building the index. */
LSM_API int lsm_generated_position_for(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                                       uint32_t col, int rule, lsm_token_t *out,
                                       lsm_error_t *err);

/* Every generated position of original (line, col) in source `src_id`:
 * the tokens at `col` when there are any, else every token at the greatest
 * column before it (LSM_RULE_GREATEST_LOWER_BOUND) or at the least column
 * after it (LSM_RULE_LEAST_UPPER_BOUND; trace-mapping's default here); with
 * `col` LSM_NO_ID, every token on the line. Inside range mappings (no
 * token at `col`, and tokens at the greatest column before it that are
 * ranges reaching `col` on their generated line), whatever the rule: those
 * tokens moved to the position inside the range, as
 * lsm_generated_position_for() answers. Tokens come sorted by
 * original column, then generated position. Writes the first min(n, cap)
 * of the n tokens to out[0..] (`out` may be NULL when `cap` is 0) and
 * returns n, which may exceed `cap`: call again with a larger buffer.
 * Returns -1 on the errors of lsm_generated_position_for(). */
LSM_API int64_t lsm_all_generated_positions_for(const lsm_view_t *view, uint32_t src_id,
                                                uint32_t line, uint32_t col, int rule,
                                                lsm_token_t *out, size_t cap,
                                                lsm_error_t *err);

/* ---------------------------------------------------------- writing maps */

/* Flags for lsm_view_to_json(). */
#define LSM_JSON_DEFAULT 0
/* Leave "sourcesContent" out. */
#define LSM_JSON_NO_CONTENTS 1

/* Writes `view` as an ECMA-426 source map (UTF-8 JSON, no white space):
 * "version", "file", "sourceRoot", "sources", "sourcesContent" (when any
 * source has contents), "names", "mappings", "ignoreList" (when not
 * empty) and "debugId", each only when the view has it. Reading the
 * output gives a view with the same tokens, sources, source URLs,
 * contents, names, ignore list, debug ID, file and sourceRoot. An index
 * map is written flattened: its sources resolved (each section had its
 * own sourceRoot) and no "sourceRoot". The top-level fields the view
 * keeps as text (lsm_view_extra_field(): unknown and x_* fields other
 * than x_google_ignoreList, which becomes "ignoreList") follow, each as
 * it was read. On success returns 0 and sets `*out`
 * (NUL-terminated, the NUL not counted; free it with lsm_buffer_free())
 * and `*out_len`; on failure returns -1 with `*out` NULL and `*out_len` 0:
 * LSM_ERR_INVALID_ARGUMENT (NULL pointer, unknown flag), LSM_ERR_NOMEM,
 * LSM_ERR_TOO_LARGE (two tokens written one after the other whose columns,
 * original lines, columns or indices are 2^31 or more apart: a map whose
 * sums reach such values can be read, but no VLQ value can say that
 * delta), or for a damaged cache file's string LSM_ERR_INVALID_UTF8 (not
 * UTF-8) or LSM_ERR_CACHE_CORRUPT (a name that reads as null, an
 * ignore-list entry past the sources). The JSON written for a damaged cache file may still
 * fail to load (out-of-order lines, values no map could hold). */
LSM_API int lsm_view_to_json(const lsm_view_t *view, uint32_t flags, uint8_t **out,
                             size_t *out_len, lsm_error_t *err);

/* --------------------------------------------------------- building maps */

/* A source map under construction: sources (deduplicated by name; a NULL
 * name is a null source, never deduplicated), their contents, names
 * (deduplicated), tokens in any order, and the file, sourceRoot, debug ID
 * and ignore list. Strings are copied. The result is written as JSON with
 * lsm_view_to_json()'s layout (tokens sorted by generated position, equal
 * positions in the order added) and a view is made by parsing that JSON,
 * so a built map passes exactly the parser's validation. Opaque; not
 * thread-safe (one thread at a time). Free with lsm_builder_free(). */
typedef struct lsm_builder lsm_builder_t;

/* A new, empty builder, or NULL with LSM_ERR_NOMEM. */
LSM_API lsm_builder_t *lsm_builder_new(lsm_error_t *err);

/* Frees a builder. NULL is accepted. */
LSM_API void lsm_builder_free(lsm_builder_t *b);

/* Adds the source `name` (`len` bytes of UTF-8; NULL for a null source)
 * and returns its index: an existing source's index when one has that
 * name. Returns -1 on error: NULL builder (LSM_ERR_INVALID_ARGUMENT),
 * LSM_ERR_INVALID_UTF8, LSM_ERR_NOMEM, LSM_ERR_TOO_LARGE. */
LSM_API int64_t lsm_builder_add_source(lsm_builder_t *b, const char *name, size_t len,
                                       lsm_error_t *err);

/* Sets (or with NULL clears) the contents of source `src_id`. Returns 0,
 * or -1 with LSM_ERR_OUT_OF_RANGE, LSM_ERR_INVALID_UTF8, LSM_ERR_NOMEM or
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_builder_set_source_contents(lsm_builder_t *b, uint32_t src_id, const char *text,
                                            size_t len, lsm_error_t *err);

/* Adds the name `name` and returns its index (an existing name's when
 * equal), or -1 as lsm_builder_add_source() (a NULL name is
 * LSM_ERR_INVALID_ARGUMENT). */
LSM_API int64_t lsm_builder_add_name(lsm_builder_t *b, const char *name, size_t len,
                                     lsm_error_t *err);

/* Adds a token: generated (dst_line, dst_col) maps to (src_line, src_col)
 * of source `src_id`, named `name_id` (LSM_NO_ID: no name). With src_id
 * LSM_NO_ID it maps to nothing (a 1-field segment) and the other fields
 * are ignored. Returns 0, or -1 with LSM_ERR_OUT_OF_RANGE (an id not
 * added yet), LSM_ERR_TOO_LARGE (a position of LSM_NO_ID), LSM_ERR_NOMEM,
 * LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_builder_add_token(lsm_builder_t *b, uint32_t dst_line, uint32_t dst_col,
                                  uint32_t src_id, uint32_t src_line, uint32_t src_col,
                                  uint32_t name_id, lsm_error_t *err);

/* Set (or with NULL clear) "file", "sourceRoot" and "debugId". Return 0, or
 * -1 with LSM_ERR_INVALID_UTF8, LSM_ERR_NOMEM, LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_builder_set_file(lsm_builder_t *b, const char *file, size_t len,
                                 lsm_error_t *err);
LSM_API int lsm_builder_set_source_root(lsm_builder_t *b, const char *root, size_t len,
                                        lsm_error_t *err);
LSM_API int lsm_builder_set_debug_id(lsm_builder_t *b, const char *id, size_t len,
                                     lsm_error_t *err);

/* Puts source `src_id` on the ignore list (again is harmless). Returns 0,
 * or -1 with LSM_ERR_OUT_OF_RANGE, LSM_ERR_NOMEM, LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_builder_ignore_source(lsm_builder_t *b, uint32_t src_id, lsm_error_t *err);

/* Writes the map as JSON, as lsm_view_to_json() does; the builder is left
 * unchanged (more can be added). Returns 0 with `*out` (free it with
 * lsm_buffer_free()) and `*out_len`, or -1 with `*out` NULL:
 * LSM_ERR_INVALID_ARGUMENT, LSM_ERR_NOMEM, or LSM_ERR_TOO_LARGE when the
 * generated lines outnumber the tokens 64 to 1 (plus 2^20) or two tokens
 * written one after the other are 2^31 or more apart in a field (as
 * lsm_view_to_json() says). */
LSM_API int lsm_builder_to_json(const lsm_builder_t *b, uint8_t **out, size_t *out_len,
                                lsm_error_t *err);

/* A view of the map built so far (its JSON parsed), or NULL with the
 * errors of lsm_builder_to_json() or the parser's. */
LSM_API lsm_view_t *lsm_builder_to_view(const lsm_builder_t *b, lsm_error_t *err);

/* -------------------------------------------------------- composing maps */

/* Composes `outer` (final code -> intermediate code) with inner maps
 * (intermediate -> original): inner[i] is the map of outer source i, or
 * NULL to keep that source as it is; `inner_count` must equal the outer
 * map's source count. The answer is @jridgewell/remapping 2.x's at every
 * generated position: each outer token is looked up in its source's inner
 * map on the same line (the first token at the column, else the last
 * before it); where none is found the token is dropped, where an inner
 * token maps to nothing it maps to nothing. Names come from the inner
 * token, else the outer one; contents and the ignore list from where each
 * source is found; tokens adding nothing to the previous one on their
 * line are dropped; sources and names are numbered in the order met.
 * Sources are named by their URLs (sourceRoot applied) as each map has
 * them; unlike remapping they are not resolved against the intermediate
 * file's location, which the library does not know. "file" is outer's.
 * Returns a new view, or NULL: LSM_ERR_INVALID_ARGUMENT (NULL pointers, a
 * count that is not the source count), LSM_ERR_NOMEM, or the builder's
 * and parser's errors. Thread-safe as the read functions are. */
LSM_API lsm_view_t *lsm_compose(const lsm_view_t *outer, const lsm_view_t *const *inner,
                                uint32_t inner_count, lsm_error_t *err);

/* ------------------------------------------------ scopes (ECMA-426 proposal) */

/* Original scopes and generated ranges from the map's "scopes" (and, in the
 * newer layout, "ranges") fields, as the ECMA-426 scopes proposal defines
 * them (docs/scopes.md). Two layouts are read:
 *   - one "scopes" string holding the original scope trees (one per source,
 *     an empty item for a source without) followed by the generated ranges;
 *   - "scopes" an array with one string or null per source (several
 *     top-level scopes per source, relative state restarting per source)
 *     and the generated ranges in the "ranges" string.
 * Scopes are decoded when the view is loaded from JSON; a flattened index
 * map keeps its sections' scopes, renumbered and moved by their offsets
 * (docs/scopes.md); a cache file written with LSM_CACHE_WITH_NAMES keeps
 * them as decoded (one written without names has none). Bad scope data
 * is dropped (all of it when the original scopes are bad, the generated
 * ranges alone when only they are) and reported by
 * lsm_view_scopes_warning(); with LSM_LOAD_STRICT_SCOPES the load fails
 * with the specific code instead. Unknown and vendor tags are skipped.
 *
 * Scopes and ranges are numbered in pre-order: original scopes source by
 * source, each scope before its children (a generated range's definition
 * is such an index); generated ranges in the order they are written. The
 * view is the handle: records and strings are borrowed from it and live
 * until lsm_view_free(). Every function here only reads the view and is
 * thread-safe. */

/* Flag for lsm_view_from_json_ex(): fail on bad scope data with its code
 * instead of dropping it. */
#define LSM_LOAD_STRICT_SCOPES 2

#define LSM_ERR_BAD_SCOPES 110          /* "scopes" or "ranges" has the wrong JSON type */
#define LSM_ERR_SCOPES_VLQ 111          /* a bad VLQ, or a value or sum beyond 32 bits */
#define LSM_ERR_SCOPES_ITEM 112         /* an item with the wrong number of fields, or a
                                         * repeated or misplaced item */
#define LSM_ERR_SCOPES_UNBALANCED 113   /* an end without a start, or a start never ended */
#define LSM_ERR_SCOPES_SOURCE 114       /* more scope trees than sources, or a call site's
                                         * source past them */
#define LSM_ERR_SCOPES_NAME 115         /* a name, kind, variable or binding past "names" */
#define LSM_ERR_SCOPES_DEFINITION 116   /* a definition past the original scopes, or bindings
                                         * that do not match its variables */

/* One original scope. Strings are borrowed from the view, NUL-terminated
 * (NULL when absent). Tree links are pre-order indices, LSM_NO_ID when
 * there is none. */
typedef struct lsm_original_scope {
    uint32_t source;          /* index into the sources */
    uint32_t start_line;      /* 0-based original positions */
    uint32_t start_col;
    uint32_t end_line;
    uint32_t end_col;
    uint32_t name_id;         /* index into the names, or LSM_NO_ID */
    uint32_t kind_id;         /* index into the names, or LSM_NO_ID */
    const char *name;
    const char *kind;
    int is_stack_frame;       /* 1 or 0 */
    uint32_t variable_count;  /* see lsm_view_original_scope_variable() */
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;
} lsm_original_scope_t;

/* Stack frame types of a generated range. */
#define LSM_RANGE_FRAME_NONE 0
#define LSM_RANGE_FRAME_ORIGINAL 1 /* a function: a frame in Error.stack */
#define LSM_RANGE_FRAME_HIDDEN 2   /* a frame to leave out of stack traces */

/* One generated range. Tree links as lsm_original_scope_t's. */
typedef struct lsm_generated_range {
    uint32_t start_line;      /* 0-based generated positions; end is exclusive */
    uint32_t start_col;
    uint32_t end_line;
    uint32_t end_col;
    uint32_t definition;      /* an original scope index, or LSM_NO_ID */
    int stack_frame_type;     /* LSM_RANGE_FRAME_* */
    /* The original call site of an inlined body, all LSM_NO_ID if none. */
    uint32_t call_source;
    uint32_t call_line;
    uint32_t call_col;
    uint32_t binding_count;   /* 0, or the definition's variable count */
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;
} lsm_generated_range_t;

/* The number of original scopes / generated ranges (0 for NULL). */
LSM_API uint32_t lsm_view_original_scope_count(const lsm_view_t *view);
LSM_API uint32_t lsm_view_generated_range_count(const lsm_view_t *view);

/* The first top-level original scope of source `src_id`, or LSM_NO_ID when
 * it has none (or for NULL, or a source past the end); the others follow
 * through next_sibling. */
LSM_API uint32_t lsm_view_source_scope(const lsm_view_t *view, uint32_t src_id);

/* Write scope / range `index` to `out`. Return 0, or -1 with
 * LSM_ERR_OUT_OF_RANGE past the end or LSM_ERR_INVALID_ARGUMENT (NULL). */
LSM_API int lsm_view_original_scope(const lsm_view_t *view, uint32_t index,
                                    lsm_original_scope_t *out, lsm_error_t *err);
LSM_API int lsm_view_generated_range(const lsm_view_t *view, uint32_t index,
                                     lsm_generated_range_t *out, lsm_error_t *err);

/* The names index of variable `var` of scope `scope`, or LSM_NO_ID when
 * either is past the end (or for NULL). */
LSM_API uint32_t lsm_view_original_scope_variable(const lsm_view_t *view, uint32_t scope,
                                                  uint32_t var);

/* A binding of a generated range: for variable `var` of its definition,
 * sub-range `sub` (0 is the value from the range start; the others each
 * start at (line, col) and last until the next one or the range end). */
typedef struct lsm_range_binding {
    uint32_t from_line;       /* where this expression starts to apply */
    uint32_t from_col;
    uint32_t name_id;         /* the expression, an index into the names, or
                               * LSM_NO_ID: the value is unavailable */
    const char *expr;         /* borrowed, NULL when name_id is LSM_NO_ID */
} lsm_range_binding_t;

/* The number of sub-ranges variable `var` of range `range` has (1 when no
 * sub-range binding was written), 0 when the range has no bindings or
 * either index is past the end. */
LSM_API uint32_t lsm_view_range_binding_count(const lsm_view_t *view, uint32_t range,
                                              uint32_t var);

/* Writes sub-range `sub` of variable `var` of range `range` to `out`.
 * Returns 0, or -1 with LSM_ERR_OUT_OF_RANGE or LSM_ERR_INVALID_ARGUMENT. */
LSM_API int lsm_view_range_binding(const lsm_view_t *view, uint32_t range, uint32_t var,
                                   uint32_t sub, lsm_range_binding_t *out, lsm_error_t *err);

/* The innermost generated range containing generated (line, col) (start
 * inclusive, end exclusive), or LSM_NO_ID when none does (or for NULL).
 * Its parent links give the chain outward. */
LSM_API uint32_t lsm_view_range_at(const lsm_view_t *view, uint32_t line, uint32_t col);

/* 1 when scope data was dropped at load (LSM_LOAD_STRICT_SCOPES not
 * given) and, if `out` is not NULL, writes what was wrong to it (code
 * LSM_ERR_BAD_SCOPES .. LSM_ERR_SCOPES_DEFINITION or LSM_ERR_NOMEM); 0
 * otherwise (`out` cleared), also for NULL. */
LSM_API int lsm_view_scopes_warning(const lsm_view_t *view, lsm_error_t *out);

/* One original stack frame recovered from the scopes. */
typedef struct lsm_scope_frame {
    uint32_t range;           /* the generated range that gave this frame */
    uint32_t scope;           /* the stack-frame scope named, or LSM_NO_ID */
    uint32_t name_id;         /* its name, or LSM_NO_ID */
    const char *name;         /* borrowed, NULL when unknown */
    /* The frame's original position: LSM_NO_ID for the innermost frame
     * (the position's own mapping gives it), else the call site of the
     * inlined body the previous frame ran in. */
    uint32_t src_id;
    uint32_t line;
    uint32_t col;
    int hidden;               /* 1: this frame is to be left out of stack traces */
} lsm_scope_frame_t;

/* The original frames one generated stack frame at (line, col) stands for,
 * innermost first: the innermost range at the position and the chain
 * outward, split after each range with a call site (an inlined body: one
 * more frame, positioned at the call site), up to and including the first
 * range that is a stack frame. Each frame is named by the nearest
 * stack-frame scope at or above the innermost definition in its part of
 * the chain. A hidden stack-frame range gives a frame marked hidden.
 * Writes the first min(n, cap) of n frames to out[0..] (`out` may be NULL
 * when `cap` is 0) and returns n: 0 when no range contains the position,
 * -1 with LSM_ERR_INVALID_ARGUMENT for a NULL view. */
LSM_API int64_t lsm_view_scope_frames(const lsm_view_t *view, uint32_t line, uint32_t col,
                                      lsm_scope_frame_t *out, size_t cap, lsm_error_t *err);

/* ------------------------------------------------ borrowed JSON input */

/* A flag of lsm_view_from_json_ex() and lsm_view_from_path(): the caller
 * promises that `bytes` stays valid and unchanged until the view is freed.
 * The view then copies nothing of "sourcesContent": each entry is read in
 * place (not NUL-terminated), and one with escapes is unescaped once, on
 * first access. Without the flag the view copies the raw entries once.
 * lsm_view_from_path() keeps its own mapping and needs no flag. */
#define LSM_LOAD_BORROW 4

/* ------------------------------------ stack frames at cache speed (v3) */

/* A frame's answer (lookup, function name, context lines) without
 * scanning JavaScript or splitting sources again: a version 3 cache file
 * (docs/cache-format.md) stores, per token, the function name the namer
 * gives at write time, the generated code's function scopes with their
 * mapped names, and the line-offset tables of every source with contents
 * (and of the generated file when given). Other views build a source's
 * line table on first use, once, shared by threads. */

/* Stack frames (130-139) */
#define LSM_ERR_CACHE_FRAMES 130 /* a version 3 frame section (names, scopes, line tables)
                                    is inconsistent with the map */

/* lsm_view_dump_cache() writing version 3: with the namer's answers
 * computed from `minified_src` (`len` bytes, the generated file; NULL with
 * 0 when not at hand: names then come from "sourcesContent" only) and from
 * the sources' contents. Costs one namer pass over every token. Same
 * flags, returns and ownership as lsm_view_dump_cache(). */
LSM_API int lsm_view_dump_cache_ex(const lsm_view_t *view, const char *minified_src, size_t len,
                                   uint32_t flags, uint8_t **out, size_t *out_len,
                                   lsm_error_t *err);

/* lsm_view_write_cache() writing lsm_view_dump_cache_ex()'s output. */
LSM_API int lsm_view_write_cache_ex(const lsm_view_t *view, const char *minified_src,
                                    size_t len, uint32_t flags, const char *path,
                                    lsm_error_t *err);

/* 1 when `view` was opened from a version 3 cache, whose stored names
 * lsm_js_frame_resolve() answers from; 0 otherwise (and for NULL). */
LSM_API int lsm_view_has_frame_data(const lsm_view_t *view);

/* lsm_js_namer_lookup() and lsm_js_namer_name_at() in one call. With a
 * `namer` (over `view`) it asks the namer. Without one (NULL) the answer
 * comes from the names a version 3 cache stored, the same the namer gave
 * when the cache was written; a view without them gets the lookup and no
 * name. Writes the token to `tok` (as lsm_js_namer_lookup()), the name to
 * `buf` as lsm_js_namer_name_at() does (`buf` may be NULL when `size` is
 * 0; `*name_len` gets the whole length), `*how` (may be NULL) an
 * LSM_NAME_* value, and `*named` (may be NULL) 1 when there is a name (as
 * lsm_js_namer_name_at() returning 1; a name may be empty), else 0.
 * Returns lsm_js_namer_lookup()'s 0, 1 or 2; -1 on error (NULL view or
 * tok, the namer's errors, LSM_ERR_CACHE_FRAMES for a damaged stored
 * section), with no name given: `buf` empty, `*name_len` 0, `*how`
 * LSM_NAME_NONE, `*named` 0. Thread-safe. */
LSM_API int lsm_js_frame_resolve(const lsm_view_t *view, lsm_js_namer_t *namer, uint32_t line,
                                 uint32_t col, lsm_token_t *tok, char *buf, size_t size,
                                 size_t *name_len, int *how, int *named, lsm_error_t *err);

/* One line of context, borrowed from the text it was found in (not
 * NUL-terminated). `cut` tells where a trimmed line was cut. */
typedef struct lsm_text_span {
    const char *text;
    size_t len;
    uint32_t cut; /* LSM_CUT_* bits */
} lsm_text_span_t;

#define LSM_CUT_BEFORE 1 /* text precedes the span (a tracker shows "{snip} " there) */
#define LSM_CUT_AFTER 2  /* text follows the span (" {snip}") */

/* Flags for lsm_view_source_context(). */
#define LSM_CONTEXT_DEFAULT 0
/* Trim long lines as error trackers show them: a line longer than 150
 * code points keeps a window of 140, starting 60 before the column (the
 * frame's line; 0 for the others), moved to the line's start or end when
 * within 5 of it. */
#define LSM_CONTEXT_TRIM 1

/* The lines of source `src_id`'s contents around its 0-based `line`: up to
 * `n` before it, the line, up to `n` after it, from the source's line
 * table (stored in a version 3 cache, else built on first use). `col` is
 * the frame's column (UTF-16 code units) for LSM_CONTEXT_TRIM. Writes the
 * lines in order to `lines` (room for `lines_count`, which must be at
 * least 2 * n + 1), the 0-based line of lines[0] to `*first` and the count
 * to `*count` (both may be NULL). Returns 1; 0 with no lines when the
 * source has no contents or `line` is past its end; -1 on error
 * (LSM_ERR_INVALID_ARGUMENT for a NULL view or lines, too little room, or
 * an unknown flag; LSM_ERR_OUT_OF_RANGE for a bad source; LSM_ERR_NOMEM;
 * LSM_ERR_CACHE_FRAMES for a damaged stored table). Spans borrow from the
 * view. Thread-safe. */
LSM_API int lsm_view_source_context(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                                    uint32_t col, uint32_t n, uint32_t flags,
                                    lsm_text_span_t *lines, size_t lines_count, uint32_t *first,
                                    uint32_t *count, lsm_error_t *err);

/* ------------------------------------------------------- range mappings */

/* Range mappings (the ECMA-426 range mappings proposal): a top-level
 * "rangeMappings" string marks some segments of "mappings" as ranges. A
 * range maps every generated position from its own up to the next token
 * (newlines included) to its original position plus the same offset: on
 * its own generated line the original column grows with the generated
 * column; on a later line (reached when that line has no token before the
 * position) the original line grows by the lines crossed and the original
 * column is the generated one. lsm_lookup(), lsm_lookup_ex() with
 * LSM_RULE_GREATEST_LOWER_BOUND or LSM_RULE_SAME_LINE, lsm_lookup_many()
 * and lsm_lookup_columns() apply the offset to the token they answer
 * (its src_line and src_col; dst_line and dst_col stay the token's own);
 * LSM_RULE_LEAST_UPPER_BOUND answers a token at or after the position and
 * never adds one. lsm_generated_position_for() answers the other way
 * round: when no token sits at the original column asked for and the
 * token before it on that original line is a range reaching it before the
 * next token on its generated line, the answer (either rule) is that
 * token moved to the generated column of the asked one (dst_col and
 * src_col shifted alike). lsm_all_generated_positions_for() lists tokens
 * as they are. lsm_view_to_json() writes "rangeMappings" in the current
 * encoding when the view has ranges, and cache files keep them.
 *
 * The current encoding, read by default: per generated line (";"
 * separated), unsigned base64 VLQs giving the 0-based indices, within that
 * line's segments as written in "mappings", of the range segments: the
 * first absolute, each next one as a positive delta. A "rangeMappings"
 * of null is as if absent. The two older encodings are read only when a
 * load flag asks for them (with both flags: LSM_ERR_INVALID_ARGUMENT). */

/* rangeMappings as the proposal wrote it before 2025: every value a
 * positive delta from the previous 1-based index (starting from 0). */
#define LSM_LOAD_RANGE_MAPPINGS_ONE_BASED 256
/* rangeMappings as the first draft wrote it: a bit field per line, six
 * segments per base64 digit, the lowest bit first. */
#define LSM_LOAD_RANGE_MAPPINGS_BITS 512

/* Range mapping errors (120-129) */
#define LSM_ERR_BAD_RANGE_MAPPINGS 120   /* "rangeMappings" is not a string (or null) */
#define LSM_ERR_RANGE_OUT_OF_RANGE 121   /* an index past its line's segments, or a
                                            non-empty line past the last line of
                                            "mappings" */
#define LSM_ERR_RANGE_NOT_INCREASING 122 /* a delta of 0: indices must increase (the
                                            1-based encoding: any value of 0) */
#define LSM_ERR_RANGE_NO_ORIGINAL 123    /* a range on a 1-field segment, which has no
                                            original position */
/* A value of "rangeMappings" that is not base64 VLQ gives
 * LSM_ERR_VLQ_INVALID_DIGIT, LSM_ERR_VLQ_UNTERMINATED or LSM_ERR_VLQ_OVERFLOW
 * with err->line its generated line and err->segment -1 (a value of
 * "rangeMappings" is no segment of "mappings"); the message starts with
 * "rangeMappings". */

/* The number of tokens that are range mappings; 0 for NULL. Where several
 * segments sit at one generated position and any of them is marked, every
 * one of them with an original position counts as a range. */
LSM_API uint32_t lsm_view_range_mapping_count(const lsm_view_t *view);

/* 1 when token `index` is a range mapping, 0 when not, or when `view` is
 * NULL or `index` is past the tokens. Thread-safe. */
LSM_API int lsm_view_token_is_range(const lsm_view_t *view, uint32_t index);

/* --------------------------------------------- React Native: Metro, Hermes */

/* Metro's function maps ("x_facebook_sources") and Hermes' bytecode
 * function offsets ("x_hermes_function_offsets") are read with the map,
 * from every regular map an index map flattens (sources numbered as in the
 * view; offsets also from the index map itself), and kept by the view
 * and its cache files. They are vendor fields: a function map or a
 * segment's offsets that are malformed are left out, never an error.
 * A function map's names hold from their original position up to the
 * next entry of the same source, as metro-symbolicate reads them.
 * "x_facebook_segments" is kept as text (lsm_view_segment_map());
 * "x_metro_module_paths" is not read. */

/* 1 when the view has at least one function map, else 0 (NULL too). */
LSM_API int lsm_view_has_function_maps(const lsm_view_t *view);

/* The function name Metro's function map of source `src_id` gives at
 * original (line, col), both 0-based; NULL with err cleared when the
 * source has none there. Borrowed from the view, NUL-terminated, length
 * in *len (0 when NULL; `len` may be NULL). NULL with
 * LSM_ERR_INVALID_ARGUMENT for a NULL view, LSM_ERR_OUT_OF_RANGE for a
 * src_id past the sources. Thread-safe. */
LSM_API const char *lsm_view_function_name_at(const lsm_view_t *view, uint32_t src_id,
                                              uint32_t line, uint32_t col, size_t *len,
                                              lsm_error_t *err);

/* The generated position of a Hermes bytecode frame: function
 * `function_id` of segment `segment`, `offset` bytes into the function.
 * In a Hermes map that is line `segment` (0-based) and column
 * x_hermes_function_offsets[segment][function_id] + offset; look it up
 * with lsm_lookup(). Returns 1 with *line and *col set; 0 when the map
 * has no such segment or function (both LSM_NO_ID then); -1 with
 * LSM_ERR_INVALID_ARGUMENT for a NULL view, line or col. Thread-safe. */
LSM_API int lsm_view_hermes_position(const lsm_view_t *view, uint32_t segment,
                                     uint32_t function_id, uint32_t offset, uint32_t *line,
                                     uint32_t *col, lsm_error_t *err);

/* The number of functions x_hermes_function_offsets lists for `segment`;
 * 0 when none or for NULL. */
LSM_API uint32_t lsm_view_hermes_function_count(const lsm_view_t *view, uint32_t segment);

/* The map of segment `segment` from "x_facebook_segments" (Metro's
 * segmented bundles: each segment has its own map, with its own function
 * maps and Hermes offsets), parsed now with LSM_LOAD_* `flags`: a new view
 * the caller frees with lsm_view_free(). NULL with err cleared when the
 * map lists no such segment (an entry that is not an object, or whose key
 * is not a decimal id, is left out); NULL with the parser's error when the
 * segment's map is malformed, LSM_ERR_INVALID_ARGUMENT for a NULL view.
 * Segment maps are read from the JSON map only, not from cache files.
 * Thread-safe. */
LSM_API lsm_view_t *lsm_view_segment_map(const lsm_view_t *view, uint32_t segment,
                                         uint32_t flags, lsm_error_t *err);

/* ------------------------------------- top-level fields kept as JSON text */

/* A view made from JSON keeps the top-level fields it does not interpret
 * (unknown keys and x_* extensions; x_google_ignoreList is read as the
 * ignore list instead) as the JSON text of their values, in input order.
 * A key written more than once is kept once, at its first place with its
 * last value, as JSON.parse keeps it. Of an index map only its own
 * top-level fields are kept, not its sections'. lsm_view_to_json() writes
 * them back unchanged after the standard fields. Views opened from cache
 * files have none: caches do not store them. */

/* The number of fields kept, 0 for NULL. */
LSM_API uint32_t lsm_view_extra_count(const lsm_view_t *view);

/* Field `index` (< lsm_view_extra_count()): sets `*name` and `*name_len`
 * to its key (UTF-8, escapes decoded) and `*value` and `*value_len` to
 * its value's JSON text exactly as the input had it (white space inside
 * included). Both strings are borrowed from the view and NUL-terminated.
 * Returns 0, or -1 with every output NULL or 0: LSM_ERR_INVALID_ARGUMENT
 * (NULL view or output pointer), LSM_ERR_OUT_OF_RANGE (bad index).
 * Allocates nothing; thread-safe. */
LSM_API int lsm_view_extra_field(const lsm_view_t *view, uint32_t index, const char **name,
                                 size_t *name_len, const char **value, size_t *value_len,
                                 lsm_error_t *err);

/* ------------------------------------------------ reverse lookup cursors */

/* A reverse lookup cursor: lsm_cursor_t's counterpart for
 * lsm_generated_position_for(). A view, a rule and the array answers go
 * to are fixed once, so that each lookup passes only the source and the
 * original position. Opaque; it borrows the view and `out`, which must
 * outlive it. Not thread-safe: one cursor per thread (any number may read
 * one view). Free with lsm_reverse_cursor_free(). */
typedef struct lsm_reverse_cursor lsm_reverse_cursor_t;

/* A cursor over `view` under `rule` (LSM_RULE_GREATEST_LOWER_BOUND or
 * LSM_RULE_LEAST_UPPER_BOUND) writing to `out`, which has room for 6
 * uint32s. Returns NULL on failure (LSM_ERR_INVALID_ARGUMENT: NULL view
 * or out, another rule; LSM_ERR_NOMEM). */
LSM_API lsm_reverse_cursor_t *lsm_reverse_cursor_new(const lsm_view_t *view, int rule,
                                                     uint32_t *out, lsm_error_t *err);

/* Frees a cursor. NULL is accepted. */
LSM_API void lsm_reverse_cursor_free(lsm_reverse_cursor_t *cursor);

/* lsm_generated_position_for() of source `src_id` at the original
 * position `line_col` (the line in its high 32 bits, the column in its
 * low 32) under the cursor's rule. Returns 1 and writes the token found
 * to the cursor's array: dst_line, dst_col, src_line, src_col, src_id,
 * name_id (LSM_NO_ID when it has no name); 0 when none is found (the
 * array is left alone); -1 for a NULL cursor or the errors of
 * lsm_generated_position_for() (call it to learn which). The first lookup
 * on a view builds its reverse index, as lsm_generated_position_for()
 * does. */
LSM_API int lsm_reverse_cursor_lookup(lsm_reverse_cursor_t *cursor, uint32_t src_id,
                                      uint64_t line_col);

/* ------------------------------------------- function names: anonymous */

/* A further `*how` of lsm_js_namer_name_at() (beside LSM_NAME_NONE,
 * LSM_NAME_FROM_ORIGINAL and LSM_NAME_FROM_GENERATED): the position is
 * inside a function of the original source that has no name (an
 * anonymous callback, an IIFE); name_at() then returns 0. Top-level code
 * keeps LSM_NAME_FROM_ORIGINAL with 0, unless the bundler wrapped it in a
 * named function (esbuild's `var init_x = __esm({...})`), whose name is
 * then given with LSM_NAME_FROM_GENERATED. */
#define LSM_NAME_ANONYMOUS 3

/* ------------------------------------------ building maps: extra fields */

/* Sets the top-level field `name` (`name_len` bytes of UTF-8) of the map
 * being built to the JSON value `json` (`json_len` bytes, written as
 * given, white space included), or with a NULL `json` removes it: the
 * builder's counterpart of the fields a view keeps as text
 * (lsm_view_extra_field()), so that x_* extensions, "scopes" or any
 * unknown field can be carried into a built map. The value is checked as
 * the parser checks a map: exactly one JSON value, strict UTF-8 strings,
 * nesting at most 999 levels (the map's own object is the 1000th the
 * parser allows). Fields are written after the standard
 * ones, in the order first set; setting a name again replaces its value
 * in place. The fields the builder writes itself or the parser
 * interprets ("version", "file", "sourceRoot", "sources",
 * "sourcesContent", "names", "mappings", "ignoreList",
 * "x_google_ignoreList", "debugId", "debug_id", "sections",
 * "rangeMappings") are refused. A value the parser reads with meaning
 * (say "x_facebook_sources") must still be valid for it, or
 * lsm_builder_to_view() fails. Returns 0, or -1 with
 * LSM_ERR_INVALID_ARGUMENT (NULL builder or name, a refused name),
 * LSM_ERR_INVALID_UTF8 (the name or a string in the value), LSM_ERR_JSON
 * (not one JSON value; err->offset may point into `json`),
 * LSM_ERR_JSON_DEPTH, LSM_ERR_TOO_LARGE, LSM_ERR_NOMEM; the builder is
 * unchanged on failure. */
LSM_API int lsm_builder_set_extra(lsm_builder_t *b, const char *name, size_t name_len,
                                  const char *json, size_t json_len, lsm_error_t *err);

/* ------------------------------------ reverse lookup cursors: all positions */

/* lsm_all_generated_positions_for() of source `src_id` at the original
 * position `line_col` (the line in its high 32 bits, the column in its
 * low 32; column LSM_NO_ID: every token on the line) under the cursor's
 * rule, in five arguments instead of eight and without lsm_token_t: each
 * token is written as 6 uint32s, as lsm_reverse_cursor_lookup() writes
 * one (dst_line, dst_col, src_line, src_col, src_id, name_id), the first
 * min(n, cap) of the n tokens to out[0 .. 6 * min(n, cap)). `out` may be
 * NULL when `cap` is 0; the cursor's own array is not touched. Returns n,
 * which may exceed `cap` (call again with more room), or -1 for a NULL
 * cursor, NULL `out` with a `cap`, LSM_ERR_NOMEM, or the errors of
 * lsm_all_generated_positions_for() (call it to learn which). The cursor
 * keeps a scratch array between calls, freed with it. */
LSM_API int64_t lsm_reverse_cursor_all(lsm_reverse_cursor_t *cursor, uint32_t src_id,
                                       uint64_t line_col, uint32_t *out, size_t cap);

/* ------------------------------- function names: generated scopes given */

/* As lsm_js_namer_new(), with the generated file's scopes already built
 * by lsm_js_scopes_build() (NULL for none: then only original sources are
 * used). So the scan of a large bundle can run on another thread while
 * its map loads: the scan needs only the text, not the view.
 * Ownership of `scopes` passes to the namer in every case: it is freed
 * with the namer, or at once when this call fails (do not free or use it
 * afterwards). Returns NULL on failure (LSM_ERR_INVALID_ARGUMENT for a
 * NULL view or unknown flag, LSM_ERR_NOMEM). Thread-safe as
 * lsm_js_namer_new(). Free with lsm_js_namer_free(). */
LSM_API lsm_js_namer_t *lsm_js_namer_new_with_scopes(const lsm_view_t *view,
                                                     lsm_js_scopes_t *scopes, uint32_t flags,
                                                     lsm_error_t *err);

/* ----------------------------------------- lookup cursors: two arguments */

/* lsm_cursor_lookup() with the line and the column as two arguments: the
 * same lookup, return values and writes to the cursor's array (1 found,
 * 0 nothing maps there and the array is left alone, -1 for a NULL
 * cursor). For bindings where a 64-bit argument costs more to convert
 * than two 32-bit ones (cffi under CPython, whose single-digit ints
 * convert on a fast path). Thread safety as lsm_cursor_lookup(): one
 * cursor per thread. */
LSM_API int lsm_cursor_find(lsm_cursor_t *cursor, uint32_t line, uint32_t col);

/* --------------------------------------------- a stack frame in one call */

/* What lsm_js_frame_query() answers: every field 4 bytes, so a binding
 * reads them in one unpack. */
typedef struct lsm_frame_answer {
    int32_t status;    /* lsm_js_frame_resolve()'s 0, 1 or 2 (-1 on error) */
    int32_t how;       /* an LSM_NAME_* value */
    int32_t named;     /* 1: a function name is at buf[0 .. name_len) */
    uint32_t name_len; /* bytes of the function name (its whole length) */
    uint32_t dst_line; /* the token found, as lsm_token_t has it */
    uint32_t dst_col;
    uint32_t src_line;
    uint32_t src_col;
    uint32_t src_id;
    uint32_t name_id;
    int32_t context;   /* 1: context lines written, 0: none (no contents, or past the end) */
    uint32_t first;    /* 0-based line of the first context line */
    uint32_t count;    /* context lines */
    uint32_t text_len; /* bytes of the context lines, after the token's name */
    int32_t token_named;     /* 1: the token has a name (name_id), its bytes after the function name */
    uint32_t token_name_len; /* bytes of the token's name */
} lsm_frame_answer_t;

/* A frame query: the caller sets the inputs once (per thread: a query is
 * written by every call) and asks for many frames, each call passing only
 * the position, because a foreign call costs per argument in some
 * bindings (cffi's ABI mode). The query borrows view, namer and buf. */
typedef struct lsm_frame_query {
    const lsm_view_t *view; /* in: the map */
    lsm_js_namer_t *namer;  /* in: its namer, or NULL (as lsm_js_frame_resolve()) */
    uint32_t context;       /* in: context lines before and after, at most 1000 */
    char *buf;              /* in: room for the name and the lines (NULL when size is 0) */
    size_t size;            /* in: bytes at buf */
    lsm_frame_answer_t answer; /* out */
} lsm_frame_query_t;

/* lsm_js_frame_resolve() of the query's view and namer at generated
 * 0-based (line, col) and, when it finds a token with a source (status
 * 1), lsm_view_source_context() without flags around the token's original
 * line, in one call: writes q->answer (every field; zeros and status -1 on
 * error) and to q->buf the function name's bytes at [0, name_len), the
 * token's name (the map's, as lsm_view_name() gives it) in the next
 * token_name_len bytes, then the context lines joined by single "\n"
 * bytes (their own terminators, whatever they were, left out) in the
 * next text_len. Lengths are whole even when q->size is too small; the
 * bytes that do not fit are not written (ask again with room for
 * name_len + token_name_len + text_len bytes). A line
 * that itself holds a "\n" (only from a damaged cache file's line table)
 * makes the text split into more than `count` lines: callers check.
 * Returns the status (0, 1 or 2), or -1 with the errors of
 * lsm_js_frame_resolve() and lsm_view_source_context(), and
 * LSM_ERR_INVALID_ARGUMENT for a NULL q or view, NULL buf with a size,
 * or a context over 1000. Thread-safe for distinct queries. */
LSM_API int lsm_js_frame_query(lsm_frame_query_t *q, uint32_t line, uint32_t col,
                               lsm_error_t *err);

/* --------------------------- function names: the generated scan deferred */

/* As lsm_js_namer_new(), but `minified_src` is not scanned now: the namer
 * borrows it (it must stay alive and unchanged until the namer is freed)
 * and scans it the first time a call needs the generated code's
 * functions. lsm_js_namer_lookup() and lsm_js_namer_name_at() at the
 * position of a mapped token whose original function is known in the
 * original text need none, so a first frame can be answered without
 * scanning a large bundle. Answers are the same as lsm_js_namer_new()'s;
 * only a failing scan (LSM_ERR_NOMEM) is reported by the call that needed
 * it rather than here. Thread-safe as lsm_js_namer_new(): one thread
 * scans, others needing the scopes meanwhile wait for it.
 * lsm_js_namer_prepare() scans ahead (for a helper thread), and
 * lsm_js_namer_give_scopes() hands over a scan made elsewhere. Returns
 * NULL on failure (LSM_ERR_INVALID_ARGUMENT for a NULL view, NULL
 * minified_src with len > 0 or an unknown flag, LSM_ERR_TOO_LARGE for
 * 4 GiB or more, LSM_ERR_NOMEM). Free with lsm_js_namer_free(). */
/* A flag of lsm_js_namer_new_deferred() only: the scopes are being built
 * elsewhere and will be given with lsm_js_namer_give_scopes() (NULL if
 * that scan failed); calls that need them wait until then instead of
 * scanning too. The caller must give them (or NULL) in every case. */
#define LSM_NAMES_SCOPES_COMING 2

LSM_API lsm_js_namer_t *lsm_js_namer_new_deferred(const lsm_view_t *view,
                                                  const char *minified_src, size_t len,
                                                  uint32_t flags, lsm_error_t *err);

/* Scans the generated file of a deferred namer now, unless its scopes are
 * already there (or, for other namers, nothing to do). Blocks while
 * another thread scans it. Returns 0, or -1 (NULL namer, LSM_ERR_NOMEM). */
LSM_API int lsm_js_namer_prepare(lsm_js_namer_t *namer, lsm_error_t *err);

/* Gives a deferred namer its generated file's scopes, built by
 * lsm_js_scopes_build() from the same text (for a scan started before the
 * map loaded, on another thread). Ownership of `scopes` passes in every
 * case: they are kept, or freed at once when the namer already has its
 * scopes or is not deferred. NULL scopes say that scan failed: a namer
 * made with LSM_NAMES_SCOPES_COMING then scans itself when needed.
 * Returns 0, or -1 with LSM_ERR_INVALID_ARGUMENT for a NULL namer.
 * Thread-safe. */
LSM_API int lsm_js_namer_give_scopes(lsm_js_namer_t *namer, lsm_js_scopes_t *scopes,
                                     lsm_error_t *err);

/* ---------------------------------------------------------------------------
 * Index-map sections
 *
 * A view loaded from an index map is flattened into one list of tokens;
 * these say where each regular map of it was placed: its line 0, column 0
 * in the view's generated coordinates (0-based). Nested index maps are
 * flattened too, so each entry is one regular map at its absolute
 * position, in the order the sections list them; a section whose map is an
 * index map without sections adds none. A regular map's view, and a cache
 * file written before this was kept, have none. Cache files keep them
 * (optional section 35, docs/cache-format.md). Thread-safe: both only read
 * the view.
 * ------------------------------------------------------------------------- */

/* The number of regular maps an index map's view was flattened from; 0
 * for a regular map's view or a NULL view. */
LSM_API uint32_t lsm_view_section_count(const lsm_view_t *view);

/* Where regular map `index` (below lsm_view_section_count()) starts in the
 * generated code: *line and *col, 0-based. Returns 0, or -1 with
 * LSM_ERR_INVALID_ARGUMENT (NULL view, line or col) or LSM_ERR_OUT_OF_RANGE
 * (no such section), *line and *col then set to 0 when not NULL. */
LSM_API int lsm_view_section_offset(const lsm_view_t *view, uint32_t index, uint32_t *line,
                                    uint32_t *col, lsm_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* LIBSOURCEMAP_H */
