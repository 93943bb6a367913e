/* JSON text read without yajl (src/jsontext.c). */
#ifndef LSM_JSONTEXT_H
#define LSM_JSONTEXT_H

#include "internal.h"

/* A string value long enough that the reader takes it from the input
 * itself: its content (between the quotes, escapes as written) is
 * input[start, start + len). */
typedef struct lsm_json_long {
    uint64_t start;
    uint64_t len;
    bool escaped;   /* contains a backslash escape */
} lsm_json_long_t;

typedef struct lsm_json_scan {
    lsm_buf_t strings;        /* lsm_json_long_t, in document order */
    /* The first string that is not valid, or \v or \f between tokens:
     * its code (0 when all is well), the offset of the offending byte, the
     * offset up to which the text is good (the bad string's opening quote)
     * and a one-line message. Text past it is not scanned. */
    int code;
    size_t error_offset;
    size_t error_string;
    char message[64];
} lsm_json_scan_t;

/* Finds and validates every string of the JSON text s[0..len) (escapes,
 * no raw control characters, strict UTF-8, no lone surrogates in \u
 * escapes) and lists the values (not keys) of at least `min_len` content
 * bytes in scan->strings, which the caller frees. The text outside
 * strings is judged only for \v and \f, which yajl would take as white
 * space: the string boundaries found are JSON's wherever the text before
 * them is JSON. Returns 0, or LSM_ERR_NOMEM; a bad string
 * is not a failure but recorded in `scan`. */
LSM_INTERNAL int lsm_json_scan(const uint8_t *s, size_t len, size_t min_len,
                               lsm_json_scan_t *scan);

/* The wide loads lsm_json_scan_with() may use: the best this processor
 * has (AVX2 when it says so at run time, else SSE2 where the compiler
 * targets it), or one path, for tests that hold each path to the same
 * results. A path the machine lacks falls back to the next narrower. */
enum { LSM_SCAN_BEST = 0, LSM_SCAN_WORDS = 1, LSM_SCAN_SSE2 = 2, LSM_SCAN_AVX2 = 3 };
LSM_INTERNAL int lsm_json_scan_with(const uint8_t *s, size_t len, size_t min_len,
                                    lsm_json_scan_t *scan, int path);
/* Whether `path` runs as itself on this machine (rather than falling back). */
LSM_INTERNAL bool lsm_json_scan_path_available(int path);

/* Writes the unescaped form of a string content that lsm_json_scan()
 * validated to `out` (room for `len` bytes suffices; `out` may be `s`) and
 * returns its length. */
LSM_INTERNAL size_t lsm_json_unescape(const uint8_t *s, size_t len, uint8_t *out);

/* Evaluates a JSON number exactly, without the C library's locale-bound
 * conversions. Returns 1 with *out set when it is an integer in
 * 0..limit, 0 when it is not an integer (or negative), 2 when it is an
 * integer above limit. */
LSM_INTERNAL int lsm_json_uint(const char *s, size_t n, uint64_t limit, uint64_t *out);

/* The length of what precedes a map's JSON: a UTF-8 byte order mark, then
 * a ")]}'" line (which protects a map from being run as script), each
 * optional, as ECMA-426 allows. */
LSM_INTERNAL size_t lsm_json_prefix_length(const char *s, size_t len);

#endif
