/* Helpers shared by the C tests: growable strings, a VLQ mappings writer,
 * file reading, token formatting and allocation-failure loops. Test code
 * only: failures to allocate abort. */
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

/* ------------------------------------------------- allocation failures */

/* An allocation-failure loop, SQLite style: in round N the Nth allocation
 * after oom_arm() fails, for N = 1, 2, 3, ... until the calls under test
 * run without reaching the failure. Every round must end with the calls
 * through (a failure they absorbed included) or failed with
 * LSM_ERR_NOMEM, and with lsm_alloc_live() back where it was when the
 * loop began:
 *
 *     oom_loop_t L;
 *     for (oom_begin(&L); oom_next(&L);) {
 *         lsm_view_t *view = ...;        // what the calls need, unarmed
 *         oom_arm(&L);
 *         bool ok = ...;                 // the calls; on failure `err` says why
 *         oom_disarm(&L);
 *         ...                            // check the answers, free everything
 *         oom_end(&L, ok, &err);
 *     }
 *     // then: L.problem is "" and L.failures counts the rounds that failed
 */
typedef struct oom_loop {
    uint64_t n;          /* the round: which allocation fails */
    int64_t live;        /* lsm_alloc_live() before the first round */
    bool reached;        /* this round: its failure was reached (oom_disarm) */
    bool done;           /* a round ran without reaching its failure */
    uint64_t failures;   /* rounds that reached their failure */
    char problem[256];   /* the first wrong round, "" while none */
} oom_loop_t;

void oom_begin(oom_loop_t *L);
/* Starts the next round; false once done, after a problem, or after
 * 100,000 rounds (a problem too). */
bool oom_next(oom_loop_t *L);
void oom_arm(oom_loop_t *L);
/* Stops the injection and notes whether this round's failure was reached. */
void oom_disarm(oom_loop_t *L);
/* Ends the round, once everything it made is freed: `ok` whether the
 * calls got through, `err` what they reported otherwise. */
void oom_end(oom_loop_t *L, bool ok, const lsm_error_t *err);

#endif
