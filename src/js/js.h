/* Internal declarations for JavaScript scanning: the tokenizer, the scope
 * finder and the helpers the name mapping shares with them. */
#ifndef LSM_JS_H
#define LSM_JS_H

#include "../internal.h"

/* ----------------------------------------------------------------- tokens */

enum js_kind {
    T_IDENT = 1, /* identifiers and keywords alike */
    T_PRIVATE,   /* #name */
    T_NUM,
    T_STR,
    T_TPL,      /* `...` without substitutions */
    T_TPL_HEAD, /* `...${ : opens a substitution */
    T_TPL_MID,  /* }...${ : closes one substitution, opens the next */
    T_TPL_TAIL, /* }...`  : closes the last substitution */
    T_REGEX,
    T_PUNCT,
    T_JSX, /* JSX tag parts and text; the braces of JSX expressions are T_PUNCT */
};

#define TF_NL_BEFORE 1 /* a line terminator between the previous token and this one */
#define TF_JSX_BRACE 2 /* a brace delimiting a JSX expression container */
/* The token does not end at col + len on its own line (it spans lines or
 * holds non-ASCII text): its end is in js_toks_t.ends. */
#define TF_END_APART 4

#define JS_NONE UINT32_MAX

/* 28 bytes: a large bundle has millions of tokens, and their memory is
 * much of the scan's cost. Where a token ends (just past it) is
 * js_tok_end(). */
typedef struct js_tok {
    uint32_t off, len;  /* bytes in the source */
    uint32_t line, col; /* start; col in UTF-16 code units */
    uint32_t open;      /* closers: index of the opener, else JS_NONE */
    uint32_t close;     /* openers: index of the closer, else JS_NONE */
    uint8_t kind;
    uint8_t flags;
} js_tok_t;

/* The end of a TF_END_APART token. */
typedef struct js_tok_end {
    uint32_t tok, line, col;
} js_tok_end_t;

typedef struct js_toks {
    js_tok_t *v;
    uint32_t n;
    uint32_t cap;
    js_tok_end_t *ends; /* by increasing tok */
    uint32_t nends, cap_ends;
    const char *src; /* the source the tokens index, borrowed */
    size_t src_len;
} js_toks_t;

/* Where token `i` ends (just past it): on its line at col + len, unless
 * TF_END_APART says the tokenizer recorded it apart. */
static inline void js_tok_end(const js_toks_t *ts, uint32_t i, uint32_t *line, uint32_t *col) {
    const js_tok_t *t = &ts->v[i];
    if (!(t->flags & TF_END_APART)) {
        *line = t->line;
        *col = t->col + t->len;
        return;
    }
    uint32_t lo = 0, hi = ts->nends;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ts->ends[mid].tok < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* always found: the tokenizer records every TF_END_APART token */
    *line = lo < ts->nends ? ts->ends[lo].line : t->line;
    *col = lo < ts->nends ? ts->ends[lo].col : t->col;
}

/* Tokenizes `src`. Never fails on bad JavaScript: unterminated strings and
 * comments end at the end of the input, stray closing brackets stay
 * unmatched. Fails only with LSM_ERR_NOMEM or LSM_ERR_TOO_LARGE (input of
 * 4 GiB or more). `flags` are LSM_JS_* flags. Free with js_toks_free(). */
LSM_INTERNAL int js_lex(const char *src, size_t len, uint32_t flags, js_toks_t *out,
                        lsm_error_t *err);
LSM_INTERNAL void js_toks_free(js_toks_t *toks);

static inline bool js_is_opener(const js_tok_t *t) {
    return t->close != JS_NONE;
}

/* True when the token is the punctuator or identifier `text`. */
static inline bool js_tok_is(const js_toks_t *ts, uint32_t i, const char *text) {
    if (i >= ts->n)
        return false;
    const js_tok_t *t = &ts->v[i];
    if ((t->kind != T_PUNCT && t->kind != T_IDENT) || ts->src[t->off] != text[0])
        return false;
    size_t n = strlen(text);
    return t->len == n && memcmp(ts->src + t->off, text, n) == 0;
}

/* ------------------------------------------------------------- characters */

/* Decodes the code point at s[0..n) (n >= 1). Returns its byte length
 * (1 for an invalid byte, whose value is then U+FFFD). */
LSM_INTERNAL size_t js_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
LSM_INTERNAL bool js_is_space_cp(uint32_t cp);      /* WhiteSpace, not line terminators */
LSM_INTERNAL bool js_is_line_term_cp(uint32_t cp);  /* LF, CR, U+2028, U+2029 */
/* JavaScript's \s: WhiteSpace and LineTerminator. */
static inline bool js_is_regex_space_cp(uint32_t cp) {
    return js_is_space_cp(cp) || js_is_line_term_cp(cp);
}

/* --------------------------------------------------------------- scopes */

typedef struct js_part {
    uint32_t text_off, text_len; /* in the scopes' string buffer */
    uint32_t line, col;          /* where the token is; LSM_NO_ID for literal text */
    /* Where the run before the token of white space and the keywords
     * that may precede a name (`function`, `class`, `async`, `static`,
     * `get`, `set`, `*`) starts on its line: mappers put a name's mapping
     * there (UglifyJS on the space, tsc and Closure on `function`). */
    uint32_t lead_col;
} js_part_t;

typedef struct js_scope {
    uint32_t start_line, start_col, end_line, end_col;
    uint32_t parent;
    uint32_t name_off, name_len; /* name_off == JS_NONE: anonymous */
    uint32_t first_part, part_count;
    uint32_t name_line, name_col;
    /* `var v = f(() => {…})` (bscope_t.wrap_*): where `f` and `v` are,
     * else LSM_NO_ID; the namer names esbuild's lazy module initialisers
     * (`f` mapped to `__esm`) by `v`. */
    uint32_t wrap_callee_line, wrap_callee_col, wrap_var_line, wrap_var_col;
} js_scope_t;

struct lsm_js_scopes {
    uint32_t count;
    js_scope_t *scopes; /* sorted by start position */
    uint32_t part_count;
    js_part_t *parts;
    char *strbuf;
    size_t strbuf_len;
    /* Optional (NULL): line_first[l] is the index of the first scope that
     * starts on line l or later, for l < line_entries (the last entry is
     * `count`), so that js_scopes_find() searches one line's scopes. */
    uint32_t *line_first;
    uint32_t line_entries;
};

/* The index of the innermost scope containing (line, col), or JS_NONE. */
LSM_INTERNAL uint32_t js_scopes_find(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col);

/* libsourcemap 0.8's get_original_function_name() over the generated
 * text `src` (names08.c): 1 with `*tok` the token whose name in the map is
 * the answer; 0 when 0.8 found no name. */
LSM_INTERNAL int js_function_name_08(const lsm_view_t *view, uint32_t line, uint32_t col,
                                     const char *name, size_t name_len, const char *src,
                                     size_t src_len, lsm_token_t *tok);

/* A namer over the generated file's scopes `scopes` (NULL for none),
 * which it borrows: they must outlive it and are not freed with it. */
LSM_INTERNAL lsm_js_namer_t *js_namer_new_borrowed(const lsm_view_t *view,
                                                   const lsm_js_scopes_t *scopes, uint32_t flags,
                                                   lsm_error_t *err);
/* The generated file's scopes a namer holds (borrowed), or NULL. */
LSM_INTERNAL const lsm_js_scopes_t *js_namer_minified(const lsm_js_namer_t *namer);

/* Flags for a source named `name` (its extension): LSM_JS_NO_JSX for
 * TypeScript files that cannot hold JSX. */
LSM_INTERNAL uint32_t js_flags_for_name(const char *name, size_t len);

/* ------------------------------------------------------------- the namer */

/* The outputs of a name query as a call that finds no name leaves them:
 * set on entry, and again when the call fails part way, so that a caller
 * never reads half an answer (an LSM_NAME_* kind without its name). */
static inline void js_name_outputs_clear(char *buf, size_t size, size_t *name_len, int *how) {
    if (name_len)
        *name_len = 0;
    if (how)
        *how = LSM_NAME_NONE;
    if (buf && size)
        buf[0] = 0;
}

/* lsm_js_namer_lookup() and lsm_js_namer_name_at() at one position with
 * one frame lookup (lsm_js_frame_resolve() with a namer). `namer` and
 * `tok` are not NULL; the outputs are cleared by the caller, `*named`
 * is set on success. Returns as lsm_js_namer_lookup(). */
LSM_INTERNAL int js_namer_resolve(lsm_js_namer_t *namer, uint32_t line, uint32_t col,
                                  lsm_token_t *tok, char *buf, size_t size, size_t *name_len,
                                  int *how, int *named, lsm_error_t *err);

#endif
