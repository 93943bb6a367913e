/* Helpers shared by the C tests: growable strings, a VLQ mappings writer,
 * file reading and token formatting. Test code only: failures to allocate
 * abort. */
#ifndef LSM_TEST_UTIL_H
#define LSM_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libsourcemap.h"

/* ------------------------------------------------------------ strings */

typedef struct sb {
    char *s;      /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} sb_t;

void sb_append(sb_t *sb, const void *data, size_t n);
void sb_puts(sb_t *sb, const char *s);
void sb_printf(sb_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` as a JSON string literal, quotes included. */
void sb_json_string(sb_t *sb, const char *s, size_t n);
void sb_free(sb_t *sb);
/* The contents, "" when empty; stays owned by `sb`. */
const char *sb_str(sb_t *sb);

/* ------------------------------------------------------------ mappings */

/* Writes a "mappings" string from absolute values, segment by segment,
 * in the order given (lines must not decrease; columns may). */
typedef struct mappings_writer {
    sb_t sb;
    uint32_t line;
    bool line_has_segment;
    int64_t prev[5];   /* dst col, src id, src line, src col, name id */
} mappings_writer_t;

/* Appends one base64 VLQ value. */
void vlq_append(sb_t *sb, int64_t value);
/* A segment of `fields` fields (1, 4 or 5); unused values are ignored. */
void mw_segment(mappings_writer_t *mw, uint32_t line, uint32_t col, int fields, uint32_t src,
                uint32_t src_line, uint32_t src_col, uint32_t name);
/* Appends a raw ';' so that trailing empty lines can be written. */
void mw_newline(mappings_writer_t *mw);

/* ------------------------------------------------------------- files */

/* The whole file, NUL-terminated, or NULL (errno set). Free with free(). */
char *read_file(const char *path, size_t *len);
/* `dir` + "/" + `name` in a static buffer. */
const char *path_join(const char *dir, const char *name);
/* The environment variable, or `fallback`. */
const char *env_or(const char *name, const char *fallback);

/* ------------------------------------------------------------- tokens */

/* "dst_line dst_col src_id src_line src_col name_id" with "-" for absent
 * fields, as tests/spec/README.md and lsm-dump write tokens. */
void token_format(const lsm_token_t *t, char *buf, size_t size);
/* Every token of the view, one per line, each line ending in "\n". */
void view_tokens_text(const lsm_view_t *view, sb_t *out);
/* Compares two token dumps line by line (a missing final newline is
 * ignored). Returns 1 when equal; otherwise 0 with a description of the
 * first difference in `diag`. */
int tokens_text_equal(const char *got, size_t got_len, const char *want, size_t want_len,
                      char *diag, size_t diag_size);
/* Whether two tokens are equal field by field. `same_view`: the string
 * pointers must be identical; otherwise their contents must be. */
bool token_equal(const lsm_token_t *a, const lsm_token_t *b, bool same_view);
/* Prints a token as a TAP comment line. */
void token_print(const char *label, const lsm_token_t *t);
/* A lookup's "nothing": every field LSM_NO_ID, pointers NULL. */
bool token_is_none(const lsm_token_t *t);

/* Checks what must hold of any view: tokens sorted by generated position,
 * line_count the last token's line plus one, ids below the counts, token
 * strings the view's own, absent fields LSM_NO_ID, and every token's
 * position looked up (all three rules) finding the first token there.
 * Returns 1, or 0 with the first violation in `diag`. */
int view_check_invariants(const lsm_view_t *view, char *diag, size_t diag_size);

#endif
