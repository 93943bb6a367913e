/* The tokenizer's private declarations, shared by its main loop
 * (lexer.c), JSX (lex_jsx.c), the regex-or-divide decision (lex_context.c)
 * and the token readers (lex_tokens.c). Calls go lexer.c -> lex_jsx.c ->
 * lex_tokens.c, never back up. */
#ifndef LSM_JS_LEXER_H
#define LSM_JS_LEXER_H

#include "js.h"

/* Gives up on JSX in an input after this many failed attempts. */
#define JSX_MAX_FAILURES 8
/* Deeper nesting than this is read as flat: its brackets stay unmatched. */
#define MAX_DEPTH 100000

enum frame_kind {
    FR_PAREN,
    FR_BRACKET,
    FR_BRACE,
    FR_TPL,          /* inside ${ } of a template literal */
    FR_JSX_TAG,      /* inside <name ... > */
    FR_JSX_CHILDREN, /* between <name> and </name> */
    FR_JSX_EXPR,     /* inside { } of a JSX attribute or child */
};

typedef struct frame {
    uint8_t kind;
    uint32_t tok;       /* the opening token */
    uint32_t name_off;  /* JSX: the element's name, JS_NONE until read */
    uint32_t name_len;
} frame_t;

typedef struct lexer {
    const uint8_t *s;
    size_t n;
    size_t i;
    uint32_t line, col;
    bool nl; /* a line terminator since the last token */

    js_toks_t *out;
    frame_t *stack;
    uint32_t depth, stack_cap;

    bool jsx;     /* JSX allowed */
    int jsx_failures;
    size_t no_jsx_at; /* a `<` that failed as JSX: read it as an operator */

    /* The state to rewind to when a JSX attempt fails. */
    bool attempt;
    size_t a_i;
    uint32_t a_line, a_col, a_ntok, a_depth;
    bool a_nl;

    int code; /* LSM_ERR_NOMEM once an allocation failed */
} lexer_t;

/* ------------------------------------------------------------ characters */

static inline bool is_id_start_ascii(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static inline bool is_digit(uint8_t c) {
    return c >= '0' && c <= '9';
}

static inline bool isxdigit_ascii(uint8_t c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool at_end(const lexer_t *L) {
    return L->i >= L->n;
}

static inline uint8_t peek(const lexer_t *L, size_t ahead) {
    return L->i + ahead < L->n ? L->s[L->i + ahead] : 0;
}

static inline uint32_t peek_cp(const lexer_t *L, size_t *len) {
    uint32_t cp;
    *len = js_utf8_decode(L->s + L->i, L->n - L->i, &cp);
    return cp;
}

static inline frame_t *top(lexer_t *L) {
    return L->depth ? &L->stack[L->depth - 1] : NULL;
}

/* ----------------------------------------------------------- lex_tokens.c */

/* Steps over one code point, keeping the line and the UTF-16 column.
 * Returns the code point. */
LSM_INTERNAL uint32_t js_lex_adv(lexer_t *L);
/* Makes room for one more token; false (L->code set) when out of memory. */
LSM_INTERNAL bool js_lex_grow_tokens(lexer_t *L);
/* Records the end of token `tok` apart (TF_END_APART); false (L->code
 * set) when out of memory. */
LSM_INTERNAL bool js_lex_end_apart(lexer_t *L, uint32_t tok);

/* Appends a token from `start` (with its line and column) to the current
 * position. Returns its index, or JS_NONE when out of memory. Inline: it
 * runs once per token. */
static inline uint32_t js_lex_emit(lexer_t *L, uint8_t kind, size_t start, uint32_t line,
                                   uint32_t col, bool nl_before) {
    js_toks_t *o = L->out;
    if (o->n >= o->cap && !js_lex_grow_tokens(L))
        return JS_NONE;
    js_tok_t *t = &o->v[o->n];
    t->off = (uint32_t)start;
    t->len = (uint32_t)(L->i - start);
    t->line = line;
    t->col = col;
    t->open = t->close = JS_NONE;
    t->kind = kind;
    t->flags = nl_before ? TF_NL_BEFORE : 0;
    L->nl = false;
    if ((L->line != line || L->col != col + t->len) && !js_lex_end_apart(L, o->n))
        return JS_NONE;
    return o->n++;
}

/* js_lex_adv() with ASCII other than CR and LF stepped over inline: the
 * common case, one byte and one UTF-16 unit. Not at the end. */
static inline void js_lex_step(lexer_t *L) {
    uint8_t c = L->s[L->i];
    if (c < 0x80 && c != '\n' && c != '\r') {
        L->i++;
        L->col++;
    } else {
        js_lex_adv(L);
    }
}

/* Identifier characters of ASCII: letters, digits, `_` and `$` (one
 * table look-up: this runs for every byte of every name). */
static inline bool is_id_char_ascii(uint8_t c) {
    static const uint8_t id[128] = {
        ['$'] = 1, ['_'] = 1,
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
        ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
        ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
        ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
        ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
        ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
        ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
        ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
        ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    };
    return c < 128 && id[c];
}
/* Opens a bracket frame; false when too deep or out of memory. */
LSM_INTERNAL bool js_lex_push(lexer_t *L, uint8_t kind, uint32_t tok);
/* Skips white space and comments. */
LSM_INTERNAL void js_lex_skip_trivia(lexer_t *L);
/* Skips to the end of the line (a `//` comment or a `#!` line). */
LSM_INTERNAL void js_lex_skip_line_comment(lexer_t *L);
/* The rest of an identifier (escapes and non-ASCII included). */
LSM_INTERNAL void js_lex_ident_rest(lexer_t *L);
LSM_INTERNAL void js_lex_number(lexer_t *L);
/* A string literal from its opening quote to the closing one (or the end
 * of the line or input). */
LSM_INTERNAL void js_lex_string(lexer_t *L, uint8_t quote);
/* Reads template characters up to and including the closing backquote or
 * the next `${`. Returns true at `${`. */
LSM_INTERNAL bool js_lex_template_chars(lexer_t *L);
/* A regular expression literal from its opening slash. Returns false (and
 * moves nothing) when none ends on this line: the slash is then division. */
LSM_INTERNAL bool js_lex_regex(lexer_t *L);
/* The length of the punctuator at the current position (at least 1):
 * the longest, decided by its first characters (bytes past the end read
 * as 0, which no punctuator holds). Inline: it runs once per punctuator. */
static inline size_t js_lex_punct_len(const lexer_t *L) {
    const uint8_t *p = L->s + L->i;
    size_t rest = L->n - L->i;
    uint8_t c = p[0], c1 = rest > 1 ? p[1] : 0, c2 = rest > 2 ? p[2] : 0;
    switch (c) {
    case '>': /* >>>= >>= >>> >= >> */
        if (c1 == '>') {
            if (c2 == '>')
                return rest > 3 && p[3] == '=' ? 4 : 3;
            return c2 == '=' ? 3 : 2;
        }
        return c1 == '=' ? 2 : 1;
    case '.': /* ... */
        return c1 == '.' && c2 == '.' ? 3 : 1;
    case '=': /* === == => */
    case '!': /* !== != */
        if (c1 == '=')
            return c2 == '=' ? 3 : 2;
        return c == '=' && c1 == '>' ? 2 : 1;
    case '*': /* **= ** *= */
    case '<': /* <<= << <= */
    case '&': /* &&= && &= */
    case '|': /* ||= || |= */
        if (c1 == c)
            return c2 == '=' ? 3 : 2;
        return c1 == '=' ? 2 : 1;
    case '?': /* ??= ?? ?. (a?.5:b is a conditional, not optional chaining) */
        if (c1 == '?')
            return c2 == '=' ? 3 : 2;
        return c1 == '.' && !is_digit(c2) ? 2 : 1;
    case '+': /* ++ += */
    case '-': /* -- -= */
        return c1 == c || c1 == '=' ? 2 : 1;
    case '/': /* /= */
    case '%': /* %= */
    case '^': /* ^= */
        return c1 == '=' ? 2 : 1;
    default:
        return 1;
    }
}

/* ---------------------------------------------------------- lex_context.c */

/* True when an expression may start here (so `/` begins a regular
 * expression and `<` may begin a JSX element). */
LSM_INTERNAL bool js_lex_expr_allowed(const lexer_t *L);

/* -------------------------------------------------------------- lex_jsx.c */

/* Saves the state to rewind to if the JSX element starting here fails. */
LSM_INTERNAL void js_jsx_start_attempt(lexer_t *L);
/* Rewinds a failed JSX attempt; after too many, stops trying JSX. */
LSM_INTERNAL void js_jsx_fail(lexer_t *L);
/* One token inside `<name ...>`. Returns false when the attempt failed. */
LSM_INTERNAL bool js_lex_jsx_tag(lexer_t *L);
/* Text and tags between `<name>` and `</name>`; false when the attempt failed. */
LSM_INTERNAL bool js_lex_jsx_children(lexer_t *L);

#endif
