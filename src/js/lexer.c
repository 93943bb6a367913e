/* A tolerant JavaScript tokenizer, enough to find function scopes: it tells
 * regular expressions from division by the previous token, follows template
 * literals through nested substitutions, matches brackets, and reads JSX
 * elements (and skips over TypeScript, which needs no special tokens).
 *
 * JSX is ambiguous with TypeScript's `<T>(x) => x` and `<T>x`: a `<` where
 * an expression starts is tried as a JSX element, and when the element does
 * not close properly the tokenizer rewinds and reads a plain `<`. After a
 * few such failures in one input it stops trying, which bounds the cost of
 * rewinding on TypeScript to a few passes over the input. */
#include "js.h"

#include "libsourcemap.h"

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

/* ------------------------------------------------------------- characters */

size_t js_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n < len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

bool js_is_space_cp(uint32_t cp) {
    switch (cp) {
    case 0x09: case 0x0B: case 0x0C: case 0x20: case 0xA0: case 0xFEFF: case 0x1680:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

bool js_is_line_term_cp(uint32_t cp) {
    return cp == 0x0A || cp == 0x0D || cp == 0x2028 || cp == 0x2029;
}

static bool is_id_start_ascii(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_digit(uint8_t c) {
    return c >= '0' && c <= '9';
}

static bool isxdigit_ascii(uint8_t c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ------------------------------------------------------------- advancing */

static inline bool at_end(const lexer_t *L) {
    return L->i >= L->n;
}

static inline uint8_t peek(const lexer_t *L, size_t ahead) {
    return L->i + ahead < L->n ? L->s[L->i + ahead] : 0;
}

/* Steps over one code point, keeping the line and the UTF-16 column.
 * Returns the code point. */
static uint32_t adv(lexer_t *L) {
    uint32_t cp;
    size_t k = js_utf8_decode(L->s + L->i, L->n - L->i, &cp);
    L->i += k;
    if (cp == '\r' && L->i < L->n && L->s[L->i] == '\n') {
        L->i++;
        cp = '\n';
    }
    if (js_is_line_term_cp(cp)) {
        L->line++;
        L->col = 0;
        L->nl = true;
    } else {
        L->col += cp >= 0x10000 ? 2 : 1;
    }
    return cp;
}

static uint32_t peek_cp(const lexer_t *L, size_t *len) {
    uint32_t cp;
    *len = js_utf8_decode(L->s + L->i, L->n - L->i, &cp);
    return cp;
}

/* ----------------------------------------------------------------- output */

static bool grow_tokens(lexer_t *L) {
    js_toks_t *o = L->out;
    if (o->n < o->cap)
        return true;
    uint32_t cap = o->cap ? o->cap * 2 : 256;
    if (cap < o->cap) {
        L->code = LSM_ERR_TOO_LARGE;
        return false;
    }
    js_tok_t *v = lsm_realloc(o->v, (size_t)cap * sizeof *v);
    if (!v) {
        L->code = LSM_ERR_NOMEM;
        return false;
    }
    o->v = v;
    o->cap = cap;
    return true;
}

/* Appends a token from `start` (with its line and column) to the current
 * position. Returns its index, or JS_NONE when out of memory. */
static uint32_t emit(lexer_t *L, uint8_t kind, size_t start, uint32_t line, uint32_t col,
                     bool nl_before) {
    if (!grow_tokens(L))
        return JS_NONE;
    js_toks_t *o = L->out;
    js_tok_t *t = &o->v[o->n];
    t->off = (uint32_t)start;
    t->len = (uint32_t)(L->i - start);
    t->line = line;
    t->col = col;
    t->end_line = L->line;
    t->end_col = L->col;
    t->open = t->close = JS_NONE;
    t->kind = kind;
    t->flags = nl_before ? TF_NL_BEFORE : 0;
    L->nl = false;
    return o->n++;
}

static bool push(lexer_t *L, uint8_t kind, uint32_t tok) {
    if (L->depth >= MAX_DEPTH)
        return false;
    if (L->depth == L->stack_cap) {
        uint32_t cap = L->stack_cap ? L->stack_cap * 2 : 64;
        frame_t *s = lsm_realloc(L->stack, (size_t)cap * sizeof *s);
        if (!s) {
            L->code = LSM_ERR_NOMEM;
            return false;
        }
        L->stack = s;
        L->stack_cap = cap;
    }
    frame_t *f = &L->stack[L->depth++];
    f->kind = kind;
    f->tok = tok;
    f->name_off = JS_NONE;
    f->name_len = 0;
    return true;
}

static frame_t *top(lexer_t *L) {
    return L->depth ? &L->stack[L->depth - 1] : NULL;
}

static void link(lexer_t *L, uint32_t opener, uint32_t closer) {
    if (opener == JS_NONE || closer == JS_NONE)
        return;
    L->out->v[opener].close = closer;
    L->out->v[closer].open = opener;
}

/* ------------------------------------------------------- regex or divide */

static bool ident_is(const lexer_t *L, const js_tok_t *t, const char *word) {
    if (t->kind != T_IDENT || L->s[t->off] != (uint8_t)word[0])
        return false;
    size_t n = strlen(word);
    return t->len == n && memcmp(L->s + t->off, word, n) == 0;
}

static bool punct_is(const lexer_t *L, const js_tok_t *t, const char *p) {
    if (t->kind != T_PUNCT || L->s[t->off] != (uint8_t)p[0])
        return false;
    size_t n = strlen(p);
    return t->len == n && memcmp(L->s + t->off, p, n) == 0;
}

/* Keywords after which an expression starts. */
static bool expr_keyword(const lexer_t *L, const js_tok_t *t) {
    static const char *const words[] = {"return", "typeof", "instanceof", "in", "of", "new",
                                        "delete", "void", "throw", "case", "do", "else",
                                        "yield", "await", "extends"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (ident_is(L, t, words[k]))
            return true;
    return false;
}

static bool brace_is_block(const lexer_t *L, uint32_t brace);

/* True when an expression may start here (so `/` begins a regular
 * expression and `<` may begin a JSX element). */
static bool expr_allowed(const lexer_t *L) {
    const js_toks_t *o = L->out;
    if (o->n == 0)
        return true;
    const js_tok_t *t = &o->v[o->n - 1];
    switch (t->kind) {
    case T_NUM: case T_STR: case T_TPL: case T_TPL_TAIL: case T_REGEX: case T_PRIVATE:
        return false;
    case T_IDENT:
        return expr_keyword(L, t);
    case T_JSX:
        /* Only the end of a whole element is followed by JS; it is an operand. */
        return false;
    case T_TPL_HEAD: case T_TPL_MID:
        return true;
    default:
        break;
    }
    const uint8_t c = L->s[t->off];
    if (t->len == 1 && c == ')') {
        /* if (...) /re/ : a statement follows the condition. */
        uint32_t op = t->open;
        if (op != JS_NONE && op > 0) {
            const js_tok_t *k = &o->v[op - 1];
            return ident_is(L, k, "if") || ident_is(L, k, "while") || ident_is(L, k, "for") ||
                   ident_is(L, k, "with");
        }
        return false;
    }
    if (t->len == 1 && c == ']')
        return false;
    if (t->len == 1 && c == '}') {
        if (t->flags & TF_JSX_BRACE)
            return false;
        return t->open != JS_NONE && brace_is_block(L, t->open);
    }
    if (punct_is(L, t, "++") || punct_is(L, t, "--"))
        return false;
    return true;
}

/* Whether the `{` at index `brace` opens a block (statement context) rather
 * than an object literal: decided by the token before it. */
static bool brace_is_block(const lexer_t *L, uint32_t brace) {
    const js_toks_t *o = L->out;
    if (brace == 0)
        return true;
    const js_tok_t *p = &o->v[brace - 1];
    switch (p->kind) {
    case T_IDENT:
        return !expr_keyword(L, p) || ident_is(L, p, "else") || ident_is(L, p, "do");
    case T_PUNCT:
        break;
    case T_TPL_HEAD: case T_TPL_MID:
        return false;
    default:
        return true;
    }
    if (punct_is(L, p, ")") || punct_is(L, p, ";") || punct_is(L, p, "}") || punct_is(L, p, "=>"))
        return true;
    if (punct_is(L, p, "{"))
        return !(p->flags & TF_JSX_BRACE);
    return false;
}

/* ------------------------------------------------------------ JS tokens */

static void skip_line_comment(lexer_t *L) {
    while (!at_end(L)) {
        size_t k;
        uint32_t cp = peek_cp(L, &k);
        if (js_is_line_term_cp(cp))
            return;
        adv(L);
    }
}

static void skip_block_comment(lexer_t *L) {
    L->i += 2, L->col += 2;
    while (!at_end(L)) {
        if (peek(L, 0) == '*' && peek(L, 1) == '/') {
            L->i += 2, L->col += 2;
            return;
        }
        adv(L);
    }
}

/* Skips white space and comments. */
static void skip_trivia(lexer_t *L) {
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (c == '/' && peek(L, 1) == '/') {
            skip_line_comment(L);
        } else if (c == '/' && peek(L, 1) == '*') {
            skip_block_comment(L);
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            adv(L);
        } else if (c >= 0x80) {
            size_t k;
            uint32_t cp = peek_cp(L, &k);
            if (!js_is_space_cp(cp) && !js_is_line_term_cp(cp))
                return;
            adv(L);
        } else {
            return;
        }
    }
}

static void lex_ident_rest(lexer_t *L) {
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (is_id_start_ascii(c) || is_digit(c)) {
            L->i++, L->col++;
        } else if (c == '\\') {
            /* \uXXXX or \u{...} */
            L->i++, L->col++;
            if (peek(L, 0) == 'u')
                L->i++, L->col++;
            if (peek(L, 0) == '{') {
                while (!at_end(L) && peek(L, 0) != '}' && peek(L, 0) < 0x80 &&
                       peek(L, 0) != '\n')
                    L->i++, L->col++;
                if (peek(L, 0) == '}')
                    L->i++, L->col++;
            } else {
                for (int k = 0; k < 4 && !at_end(L) && isxdigit_ascii(peek(L, 0)); k++)
                    L->i++, L->col++;
            }
        } else if (c >= 0x80) {
            size_t k;
            uint32_t cp = peek_cp(L, &k);
            if (js_is_space_cp(cp) || js_is_line_term_cp(cp))
                return;
            adv(L);
        } else {
            return;
        }
    }
}

static void lex_number(lexer_t *L) {
    /* Liberal: digits, letters (hex, exponents, BigInt n), '_' and one
     * fraction point; an exponent sign after e/E. */
    bool point = false;
    bool hex = peek(L, 0) == '0' && (peek(L, 1) == 'x' || peek(L, 1) == 'X');
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (is_digit(c) || is_id_start_ascii(c)) {
            L->i++, L->col++;
            if (!hex && (c == 'e' || c == 'E') && (peek(L, 0) == '+' || peek(L, 0) == '-'))
                L->i++, L->col++;
        } else if (c == '.' && !point && !hex) {
            point = true;
            L->i++, L->col++;
        } else {
            return;
        }
    }
}

static void lex_string(lexer_t *L, uint8_t quote) {
    L->i++, L->col++;
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (c == quote) {
            L->i++, L->col++;
            return;
        }
        if (c == '\\') {
            L->i++, L->col++;
            if (!at_end(L))
                adv(L); /* also a line continuation */
            continue;
        }
        if (c == '\n' || c == '\r')
            return; /* unterminated: the string ends with its line */
        adv(L);
    }
}

/* Reads template characters up to and including the closing backquote or
 * the next `${`. Returns true at `${`. */
static bool lex_template_chars(lexer_t *L) {
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (c == '`') {
            L->i++, L->col++;
            return false;
        }
        if (c == '\\') {
            L->i++, L->col++;
            if (!at_end(L))
                adv(L);
            continue;
        }
        if (c == '$' && peek(L, 1) == '{') {
            L->i += 2, L->col += 2;
            return true;
        }
        adv(L);
    }
    return false;
}

/* A regular expression literal from its opening slash. Returns false (and
 * moves nothing) when none ends on this line: the slash is then division. */
static bool lex_regex(lexer_t *L) {
    size_t j = L->i + 1;
    bool in_class = false;
    while (j < L->n) {
        uint8_t c = L->s[j];
        if (c == '\n' || c == '\r')
            return false;
        if (c == 0xE2 && j + 2 < L->n && L->s[j + 1] == 0x80 &&
            (L->s[j + 2] == 0xA8 || L->s[j + 2] == 0xA9))
            return false;
        if (c == '\\') {
            j += 2;
            continue;
        }
        if (c == '[')
            in_class = true;
        else if (c == ']')
            in_class = false;
        else if (c == '/' && !in_class)
            break;
        j++;
    }
    if (j >= L->n)
        return false;
    j++;
    while (L->i < j)
        adv(L);
    while (!at_end(L) && (is_id_start_ascii(peek(L, 0)) || is_digit(peek(L, 0))))
        L->i++, L->col++;
    return true;
}

static const char *const PUNCTS[] = {
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=",
    "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=",
    "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
};

static size_t punct_len(const lexer_t *L) {
    size_t rest = L->n - L->i;
    uint8_t c = L->s[L->i];
    /* only these start a punctuator of two or more characters */
    if (!strchr(">.=!*<&|?+-/%^", c) || c == 0)
        return 1;
    for (size_t k = 0; k < sizeof PUNCTS / sizeof PUNCTS[0]; k++) {
        if ((uint8_t)PUNCTS[k][0] != c)
            continue;
        size_t n = strlen(PUNCTS[k]);
        if (n <= rest && memcmp(L->s + L->i, PUNCTS[k], n) == 0) {
            /* a?.5:b is a conditional, not optional chaining */
            if (n == 2 && PUNCTS[k][0] == '?' && PUNCTS[k][1] == '.' && n < rest &&
                is_digit(L->s[L->i + 2]))
                continue;
            return n;
        }
    }
    return 1;
}

/* ----------------------------------------------------------- brackets */

/* Closes the innermost bracket of kind `kind` at the closing token `tok`,
 * dropping (unmatched) brackets opened inside it. A closer that matches
 * nothing, or only across a template or JSX boundary, stays unmatched. */
static void close_bracket(lexer_t *L, uint8_t kind, uint32_t tok) {
    uint32_t d = L->depth;
    while (d > 0) {
        uint8_t k = L->stack[d - 1].kind;
        if (k == kind)
            break;
        if (k != FR_PAREN && k != FR_BRACKET && k != FR_BRACE)
            return;
        d--;
    }
    if (d == 0)
        return;
    link(L, L->stack[d - 1].tok, tok);
    L->depth = d - 1;
}

/* ---------------------------------------------------------------- JSX */

static void jsx_start_attempt(lexer_t *L) {
    L->attempt = true;
    L->a_i = L->i;
    L->a_line = L->line;
    L->a_col = L->col;
    L->a_ntok = L->out->n;
    L->a_depth = L->depth;
    L->a_nl = L->nl;
}

static void jsx_fail(lexer_t *L) {
    L->i = L->a_i;
    L->line = L->a_line;
    L->col = L->a_col;
    L->out->n = L->a_ntok;
    L->depth = L->a_depth;
    L->nl = L->a_nl;
    L->attempt = false;
    L->no_jsx_at = L->i;
    if (++L->jsx_failures >= JSX_MAX_FAILURES)
        L->jsx = false;
}

/* An element just ended (its frame popped). */
static void jsx_element_done(lexer_t *L) {
    if (L->attempt && L->depth == L->a_depth)
        L->attempt = false;
}

static bool jsx_name_char(uint8_t c) {
    return is_id_start_ascii(c) || is_digit(c) || c == '-' || c == ':' || c == '.' || c >= 0x80;
}

/* One token inside `<name ...>`. Returns false when the attempt failed. */
static bool lex_jsx_tag(lexer_t *L) {
    skip_trivia(L);
    if (at_end(L))
        return false;
    size_t start = L->i;
    uint32_t line = L->line, col = L->col;
    bool nl = L->nl;
    uint8_t c = peek(L, 0);
    frame_t *f = top(L);
    if (jsx_name_char(c) && c != '-' && c != ':' && c != '.') {
        while (!at_end(L) && jsx_name_char(peek(L, 0))) {
            if (peek(L, 0) >= 0x80) {
                size_t k;
                uint32_t cp = peek_cp(L, &k);
                if (js_is_space_cp(cp) || js_is_line_term_cp(cp))
                    break;
            }
            adv(L);
        }
        if (L->i == start)
            return false;
        if (f->name_off == JS_NONE) {
            f->name_off = (uint32_t)start;
            f->name_len = (uint32_t)(L->i - start);
        }
        return emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (f->name_off == JS_NONE && c != '>') {
        /* `<` must be followed by a name or `>` */
        return false;
    }
    if (c == '=') {
        L->i++, L->col++;
        return emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (c == '"' || c == '\'') {
        L->i++, L->col++;
        while (!at_end(L) && peek(L, 0) != c)
            adv(L);
        if (at_end(L))
            return false;
        L->i++, L->col++;
        return emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (c == '{') {
        L->i++, L->col++;
        uint32_t t = emit(L, T_PUNCT, start, line, col, nl);
        if (t == JS_NONE)
            return false;
        L->out->v[t].flags |= TF_JSX_BRACE;
        return push(L, FR_JSX_EXPR, t);
    }
    if (c == '/' && peek(L, 1) == '>') {
        L->i += 2, L->col += 2;
        if (emit(L, T_JSX, start, line, col, nl) == JS_NONE)
            return false;
        L->depth--;
        jsx_element_done(L);
        return true;
    }
    if (c == '>') {
        L->i++, L->col++;
        if (f->name_off == JS_NONE) {
            f->name_off = (uint32_t)start; /* fragment: empty name */
            f->name_len = 0;
        }
        if (emit(L, T_JSX, start, line, col, nl) == JS_NONE)
            return false;
        f->kind = FR_JSX_CHILDREN;
        return true;
    }
    return false;
}

/* One token between `<name>` and `</name>`. Returns false when the attempt
 * failed. */
static bool lex_jsx_children(lexer_t *L) {
    if (at_end(L))
        return false;
    size_t start = L->i;
    uint32_t line = L->line, col = L->col;
    bool nl = L->nl;
    uint8_t c = peek(L, 0);
    frame_t *f = top(L);
    if (c == '{') {
        L->i++, L->col++;
        uint32_t t = emit(L, T_PUNCT, start, line, col, nl);
        if (t == JS_NONE)
            return false;
        L->out->v[t].flags |= TF_JSX_BRACE;
        return push(L, FR_JSX_EXPR, t);
    }
    if (c == '<') {
        L->i++, L->col++;
        skip_trivia(L);
        if (peek(L, 0) == '/') {
            /* closing tag: its name must be the element's */
            L->i++, L->col++;
            skip_trivia(L);
            size_t name = L->i;
            while (!at_end(L) && jsx_name_char(peek(L, 0))) {
                if (peek(L, 0) >= 0x80) {
                    size_t k;
                    uint32_t cp = peek_cp(L, &k);
                    if (js_is_space_cp(cp) || js_is_line_term_cp(cp))
                        break;
                }
                adv(L);
            }
            size_t name_len = L->i - name;
            skip_trivia(L);
            if (peek(L, 0) != '>')
                return false;
            L->i++, L->col++;
            if (name_len != f->name_len ||
                memcmp(L->s + name, L->s + f->name_off, name_len) != 0)
                return false;
            if (emit(L, T_JSX, start, line, col, nl) == JS_NONE)
                return false;
            L->depth--;
            jsx_element_done(L);
            return true;
        }
        uint32_t t = emit(L, T_JSX, start, line, col, nl);
        return t != JS_NONE && push(L, FR_JSX_TAG, t);
    }
    while (!at_end(L) && peek(L, 0) != '<' && peek(L, 0) != '{')
        adv(L);
    return emit(L, T_JSX, start, line, col, nl) != JS_NONE;
}

/* ------------------------------------------------------------ main loop */

/* One JavaScript token (or none at the end). */
static void lex_js(lexer_t *L) {
    size_t start = L->i;
    uint32_t line = L->line, col = L->col;
    bool nl = L->nl;
    uint8_t c = peek(L, 0);
    uint32_t t;

    if (is_id_start_ascii(c) || c == '\\') {
        lex_ident_rest(L);
        if (L->i == start) /* a lone backslash */
            L->i++, L->col++;
        emit(L, T_IDENT, start, line, col, nl);
        return;
    }
    if (c >= 0x80) {
        lex_ident_rest(L);
        if (L->i == start)
            adv(L);
        emit(L, T_IDENT, start, line, col, nl);
        return;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(L, 1)))) {
        lex_number(L);
        emit(L, T_NUM, start, line, col, nl);
        return;
    }
    if (c == '"' || c == '\'') {
        lex_string(L, c);
        emit(L, T_STR, start, line, col, nl);
        return;
    }
    if (c == '`') {
        L->i++, L->col++;
        bool subst = lex_template_chars(L);
        t = emit(L, subst ? T_TPL_HEAD : T_TPL, start, line, col, nl);
        if (subst && t != JS_NONE)
            push(L, FR_TPL, t);
        return;
    }
    if (c == '#') {
        L->i++, L->col++;
        if (start == 0 && peek(L, 0) == '!') {
            skip_line_comment(L);
            return;
        }
        lex_ident_rest(L);
        emit(L, T_PRIVATE, start, line, col, nl);
        return;
    }
    if (c == '/' && expr_allowed(L) && lex_regex(L)) {
        emit(L, T_REGEX, start, line, col, nl);
        return;
    }
    if (c == '<' && L->jsx && L->i != L->no_jsx_at && expr_allowed(L)) {
        uint8_t d = peek(L, 1);
        if (is_id_start_ascii(d) || d == '>' || d >= 0x80) {
            if (!L->attempt)
                jsx_start_attempt(L);
            L->i++, L->col++;
            t = emit(L, T_JSX, start, line, col, nl);
            if (t != JS_NONE && !push(L, FR_JSX_TAG, t) && L->code == LSM_OK)
                jsx_fail(L); /* nested too deeply to read as JSX */
            return;
        }
    }
    if (c == '}') {
        frame_t *f = top(L);
        if (f && f->kind == FR_TPL) {
            L->i++, L->col++;
            bool subst = lex_template_chars(L);
            t = emit(L, subst ? T_TPL_MID : T_TPL_TAIL, start, line, col, nl);
            if (t == JS_NONE)
                return;
            link(L, f->tok, t);
            L->depth--;
            if (subst)
                push(L, FR_TPL, t);
            return;
        }
        L->i++, L->col++;
        t = emit(L, T_PUNCT, start, line, col, nl);
        if (t == JS_NONE)
            return;
        if (f && f->kind == FR_JSX_EXPR) {
            L->out->v[t].flags |= TF_JSX_BRACE;
            link(L, f->tok, t);
            L->depth--;
            return;
        }
        close_bracket(L, FR_BRACE, t);
        return;
    }
    size_t n = punct_len(L);
    L->i += n, L->col += (uint32_t)n;
    t = emit(L, T_PUNCT, start, line, col, nl);
    if (t == JS_NONE || n != 1)
        return;
    switch (c) {
    case '(': push(L, FR_PAREN, t); break;
    case '[': push(L, FR_BRACKET, t); break;
    case '{': push(L, FR_BRACE, t); break;
    case ')': close_bracket(L, FR_PAREN, t); break;
    case ']': close_bracket(L, FR_BRACKET, t); break;
    default: break;
    }
}

int js_lex(const char *src, size_t len, uint32_t flags, js_toks_t *out, lsm_error_t *err) {
    memset(out, 0, sizeof *out);
    out->src = src;
    out->src_len = len;
    if (len >= UINT32_MAX)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "source of %zu bytes is too large", len);
    lexer_t L = {0};
    L.s = (const uint8_t *)src;
    L.n = len;
    L.out = out;
    L.jsx = !(flags & LSM_JS_NO_JSX);
    L.no_jsx_at = SIZE_MAX;
    /* A byte order mark is not a token. */
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        L.i = 3;

    while (L.code == LSM_OK) {
        /* Every step consumes input, emits a token or changes the stack;
         * a step that did none of these would repeat forever, so it is
         * treated as a failed JSX attempt, or skips a character. */
        size_t was_i = L.i;
        uint32_t was_n = out->n, was_depth = L.depth;
        int was_kind = L.depth ? L.stack[L.depth - 1].kind : -1;
        frame_t *f = top(&L);
        if (f && f->kind == FR_JSX_TAG) {
            if (!lex_jsx_tag(&L) && L.code == LSM_OK)
                jsx_fail(&L);
        } else if (f && f->kind == FR_JSX_CHILDREN) {
            if (!lex_jsx_children(&L) && L.code == LSM_OK)
                jsx_fail(&L);
        } else {
            skip_trivia(&L);
            if (at_end(&L)) {
                if (!L.attempt)
                    break;
                jsx_fail(&L);
                continue;
            }
            lex_js(&L);
        }
        if (L.code == LSM_OK && L.i == was_i && out->n == was_n && L.depth == was_depth &&
            (L.depth ? L.stack[L.depth - 1].kind : -1) == was_kind) {
            if (L.attempt)
                jsx_fail(&L);
            else if (!at_end(&L))
                adv(&L);
        }
    }
    lsm_free(L.stack);
    if (L.code != LSM_OK) {
        js_toks_free(out);
        return lsm_set_error(err, L.code, L.code == LSM_ERR_NOMEM ? "out of memory"
                                                                  : "too many tokens");
    }
    return LSM_OK;
}

void js_toks_free(js_toks_t *toks) {
    lsm_free(toks->v);
    toks->v = NULL;
    toks->n = toks->cap = 0;
}
