/* JSX elements: tags, attributes and children as T_JSX tokens, tried
 * where an expression starts and rewound when the element does not close
 * (see lexer.c). */
#include "lexer.h"

void js_jsx_start_attempt(lexer_t *L) {
    L->attempt = true;
    L->a_i = L->i;
    L->a_line = L->line;
    L->a_col = L->col;
    L->a_ntok = L->out->n;
    L->a_depth = L->depth;
    L->a_nl = L->nl;
}

void js_jsx_fail(lexer_t *L) {
    L->i = L->a_i;
    L->line = L->a_line;
    L->col = L->a_col;
    L->out->n = L->a_ntok;
    while (L->out->nends && L->out->ends[L->out->nends - 1].tok >= L->out->n)
        L->out->nends--;
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
bool js_lex_jsx_tag(lexer_t *L) {
    js_lex_skip_trivia(L);
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
            js_lex_adv(L);
        }
        if (L->i == start)
            return false;
        if (f->name_off == JS_NONE) {
            f->name_off = (uint32_t)start;
            f->name_len = (uint32_t)(L->i - start);
        }
        return js_lex_emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (f->name_off == JS_NONE && c != '>') {
        /* `<` must be followed by a name or `>` */
        return false;
    }
    if (c == '=') {
        L->i++, L->col++;
        return js_lex_emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (c == '"' || c == '\'') {
        L->i++, L->col++;
        while (!at_end(L) && peek(L, 0) != c)
            js_lex_adv(L);
        if (at_end(L))
            return false;
        L->i++, L->col++;
        return js_lex_emit(L, T_JSX, start, line, col, nl) != JS_NONE;
    }
    if (c == '{') {
        L->i++, L->col++;
        uint32_t t = js_lex_emit(L, T_PUNCT, start, line, col, nl);
        if (t == JS_NONE)
            return false;
        L->out->v[t].flags |= TF_JSX_BRACE;
        return js_lex_push(L, FR_JSX_EXPR, t);
    }
    if (c == '/' && peek(L, 1) == '>') {
        L->i += 2, L->col += 2;
        if (js_lex_emit(L, T_JSX, start, line, col, nl) == JS_NONE)
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
        if (js_lex_emit(L, T_JSX, start, line, col, nl) == JS_NONE)
            return false;
        f->kind = FR_JSX_CHILDREN;
        return true;
    }
    return false;
}

/* One token between `<name>` and `</name>`. Returns false when the attempt
 * failed. */
bool js_lex_jsx_children(lexer_t *L) {
    if (at_end(L))
        return false;
    size_t start = L->i;
    uint32_t line = L->line, col = L->col;
    bool nl = L->nl;
    uint8_t c = peek(L, 0);
    frame_t *f = top(L);
    if (c == '{') {
        L->i++, L->col++;
        uint32_t t = js_lex_emit(L, T_PUNCT, start, line, col, nl);
        if (t == JS_NONE)
            return false;
        L->out->v[t].flags |= TF_JSX_BRACE;
        return js_lex_push(L, FR_JSX_EXPR, t);
    }
    if (c == '<') {
        L->i++, L->col++;
        js_lex_skip_trivia(L);
        if (peek(L, 0) == '/') {
            /* closing tag: its name must be the element's */
            L->i++, L->col++;
            js_lex_skip_trivia(L);
            size_t name = L->i;
            while (!at_end(L) && jsx_name_char(peek(L, 0))) {
                if (peek(L, 0) >= 0x80) {
                    size_t k;
                    uint32_t cp = peek_cp(L, &k);
                    if (js_is_space_cp(cp) || js_is_line_term_cp(cp))
                        break;
                }
                js_lex_adv(L);
            }
            size_t name_len = L->i - name;
            js_lex_skip_trivia(L);
            if (peek(L, 0) != '>')
                return false;
            L->i++, L->col++;
            if (name_len != f->name_len ||
                memcmp(L->s + name, L->s + f->name_off, name_len) != 0)
                return false;
            if (js_lex_emit(L, T_JSX, start, line, col, nl) == JS_NONE)
                return false;
            L->depth--;
            jsx_element_done(L);
            return true;
        }
        uint32_t t = js_lex_emit(L, T_JSX, start, line, col, nl);
        return t != JS_NONE && js_lex_push(L, FR_JSX_TAG, t);
    }
    while (!at_end(L) && peek(L, 0) != '<' && peek(L, 0) != '{')
        js_lex_adv(L);
    return js_lex_emit(L, T_JSX, start, line, col, nl) != JS_NONE;
}
