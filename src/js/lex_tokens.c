/* Reading one token at a time: advancing over code points, appending
 * tokens and bracket frames, white space and comments, and each kind of
 * JavaScript token. The main loop (lexer.c) and JSX (lex_jsx.c) use these. */
#include "lexer.h"

/* ------------------------------------------------------------- advancing */

/* Steps over one code point, keeping the line and the UTF-16 column.
 * Returns the code point. */
uint32_t js_lex_adv(lexer_t *L) {
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

/* ----------------------------------------------------------------- output */

bool js_lex_end_apart(lexer_t *L, uint32_t tok) {
    js_toks_t *o = L->out;
    int code = lsm_array_reserve((void **)&o->ends, &o->cap_ends, o->nends, 1, sizeof *o->ends);
    if (code) {
        L->code = code;
        return false;
    }
    o->ends[o->nends].tok = tok;
    o->ends[o->nends].line = L->line;
    o->ends[o->nends].col = L->col;
    o->nends++;
    o->v[tok].flags |= TF_END_APART;
    return true;
}

bool js_lex_grow_tokens(lexer_t *L) {
    js_toks_t *o = L->out;
    if (o->n < o->cap)
        return true;
    int code = lsm_array_reserve((void **)&o->v, &o->cap, o->n, 1, sizeof *o->v);
    if (code)
        L->code = code;
    return code == 0;
}

bool js_lex_push(lexer_t *L, uint8_t kind, uint32_t tok) {
    if (L->depth >= MAX_DEPTH)
        return false;
    if (L->depth == L->stack_cap) {
        int code = lsm_array_reserve((void **)&L->stack, &L->stack_cap, L->depth, 1,
                                     sizeof *L->stack);
        if (code) {
            L->code = code;
            return false;
        }
    }
    frame_t *f = &L->stack[L->depth++];
    f->kind = kind;
    f->tok = tok;
    f->name_off = JS_NONE;
    f->name_len = 0;
    return true;
}

/* ------------------------------------------------------------ JS tokens */

void js_lex_skip_line_comment(lexer_t *L) {
    while (!at_end(L)) {
        uint8_t c = L->s[L->i];
        if (c == '\n' || c == '\r')
            return;
        if (c < 0x80) {
            L->i++, L->col++;
            continue;
        }
        size_t k;
        uint32_t cp = peek_cp(L, &k);
        if (js_is_line_term_cp(cp))
            return;
        js_lex_adv(L);
    }
}

static void skip_block_comment(lexer_t *L) {
    L->i += 2, L->col += 2;
    while (!at_end(L)) {
        if (peek(L, 0) == '*' && peek(L, 1) == '/') {
            L->i += 2, L->col += 2;
            return;
        }
        js_lex_step(L);
    }
}

/* Skips white space and comments. */
void js_lex_skip_trivia(lexer_t *L) {
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
            L->i++, L->col++;
        } else if (c == '\n') {
            L->i++, L->line++, L->col = 0, L->nl = true;
        } else if (c == '/' && peek(L, 1) == '/') {
            js_lex_skip_line_comment(L);
        } else if (c == '/' && peek(L, 1) == '*') {
            skip_block_comment(L);
        } else if (c == '\r') {
            js_lex_adv(L);
        } else if (c >= 0x80) {
            size_t k;
            uint32_t cp = peek_cp(L, &k);
            if (!js_is_space_cp(cp) && !js_is_line_term_cp(cp))
                return;
            js_lex_adv(L);
        } else {
            return;
        }
    }
}

void js_lex_ident_rest(lexer_t *L) {
    const uint8_t *s = L->s;
    while (!at_end(L)) {
        uint8_t c = peek(L, 0);
        if (is_id_char_ascii(c)) {
            size_t j = L->i + 1;
            while (j < L->n && is_id_char_ascii(s[j]))
                j++;
            L->col += (uint32_t)(j - L->i);
            L->i = j;
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
            js_lex_adv(L);
        } else {
            return;
        }
    }
}

void js_lex_number(lexer_t *L) {
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

void js_lex_string(lexer_t *L, uint8_t quote) {
    L->i++, L->col++;
    const uint8_t *s = L->s;
    while (!at_end(L)) {
        /* The run of ASCII without quote, backslash or line ends at once. */
        size_t j = L->i;
        while (j < L->n && s[j] < 0x80 && s[j] != quote && s[j] != '\\' && s[j] != '\n' &&
               s[j] != '\r')
            j++;
        L->col += (uint32_t)(j - L->i);
        L->i = j;
        if (at_end(L))
            return;
        uint8_t c = peek(L, 0);
        if (c == quote) {
            L->i++, L->col++;
            return;
        }
        if (c == '\\') {
            L->i++, L->col++;
            if (!at_end(L))
                js_lex_adv(L); /* also a line continuation */
            continue;
        }
        if (c == '\n' || c == '\r')
            return; /* unterminated: the string ends with its line */
        js_lex_adv(L);
    }
}

/* Reads template characters up to and including the closing backquote or
 * the next `${`. Returns true at `${`. */
bool js_lex_template_chars(lexer_t *L) {
    const uint8_t *s = L->s;
    while (!at_end(L)) {
        /* Plain ASCII text at once; line feeds inline. */
        size_t j = L->i;
        while (j < L->n && s[j] < 0x80 && s[j] != '`' && s[j] != '\\' && s[j] != '$' &&
               s[j] != '\n' && s[j] != '\r')
            j++;
        L->col += (uint32_t)(j - L->i);
        L->i = j;
        if (at_end(L))
            return false;
        uint8_t c = peek(L, 0);
        if (c == '\n') {
            L->i++, L->line++, L->col = 0, L->nl = true;
            continue;
        }
        if (c == '`') {
            L->i++, L->col++;
            return false;
        }
        if (c == '\\') {
            L->i++, L->col++;
            if (!at_end(L))
                js_lex_adv(L);
            continue;
        }
        if (c == '$' && peek(L, 1) == '{') {
            L->i += 2, L->col += 2;
            return true;
        }
        js_lex_adv(L);
    }
    return false;
}

/* A regular expression literal from its opening slash. Returns false (and
 * moves nothing) when none ends on this line: the slash is then division. */
bool js_lex_regex(lexer_t *L) {
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
        js_lex_step(L);
    while (!at_end(L) && (is_id_start_ascii(peek(L, 0)) || is_digit(peek(L, 0))))
        L->i++, L->col++;
    return true;
}
