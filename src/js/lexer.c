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
#include "lexer.h"

static void link(lexer_t *L, uint32_t opener, uint32_t closer) {
    if (opener == JS_NONE || closer == JS_NONE)
        return;
    L->out->v[opener].close = closer;
    L->out->v[closer].open = opener;
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

/* ------------------------------------------------------------ main loop */

/* One JavaScript token (or none at the end). */
static void lex_js(lexer_t *L) {
    size_t start = L->i;
    uint32_t line = L->line, col = L->col;
    bool nl = L->nl;
    uint8_t c = peek(L, 0);
    uint32_t t;

    if (is_id_start_ascii(c)) {
        /* The ASCII name inline; escapes and non-ASCII go on in
         * js_lex_ident_rest() as if it had read the whole name. */
        size_t j = start + 1;
        while (j < L->n && is_id_char_ascii(L->s[j]))
            j++;
        L->col += (uint32_t)(j - start);
        L->i = j;
        if (j < L->n && (L->s[j] == '\\' || L->s[j] >= 0x80))
            js_lex_ident_rest(L);
        js_lex_emit(L, T_IDENT, start, line, col, nl);
        return;
    }
    if (c == '\\') {
        js_lex_ident_rest(L);
        if (L->i == start) /* a lone backslash */
            L->i++, L->col++;
        js_lex_emit(L, T_IDENT, start, line, col, nl);
        return;
    }
    if (c >= 0x80) {
        js_lex_ident_rest(L);
        if (L->i == start)
            js_lex_adv(L);
        js_lex_emit(L, T_IDENT, start, line, col, nl);
        return;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(L, 1)))) {
        js_lex_number(L);
        js_lex_emit(L, T_NUM, start, line, col, nl);
        return;
    }
    if (c == '"' || c == '\'') {
        js_lex_string(L, c);
        js_lex_emit(L, T_STR, start, line, col, nl);
        return;
    }
    if (c == '`') {
        L->i++, L->col++;
        bool subst = js_lex_template_chars(L);
        t = js_lex_emit(L, subst ? T_TPL_HEAD : T_TPL, start, line, col, nl);
        if (subst && t != JS_NONE)
            js_lex_push(L, FR_TPL, t);
        return;
    }
    if (c == '#') {
        L->i++, L->col++;
        if (start == 0 && peek(L, 0) == '!') {
            js_lex_skip_line_comment(L);
            return;
        }
        js_lex_ident_rest(L);
        js_lex_emit(L, T_PRIVATE, start, line, col, nl);
        return;
    }
    if (c == '/' && js_lex_expr_allowed(L) && js_lex_regex(L)) {
        js_lex_emit(L, T_REGEX, start, line, col, nl);
        return;
    }
    if (c == '<' && L->jsx && L->i != L->no_jsx_at && js_lex_expr_allowed(L)) {
        uint8_t d = peek(L, 1);
        if (is_id_start_ascii(d) || d == '>' || d >= 0x80) {
            if (!L->attempt)
                js_jsx_start_attempt(L);
            L->i++, L->col++;
            t = js_lex_emit(L, T_JSX, start, line, col, nl);
            if (t != JS_NONE && !js_lex_push(L, FR_JSX_TAG, t) && L->code == LSM_OK)
                js_jsx_fail(L); /* nested too deeply to read as JSX */
            return;
        }
    }
    if (c == '}') {
        frame_t *f = top(L);
        if (f && f->kind == FR_TPL) {
            L->i++, L->col++;
            bool subst = js_lex_template_chars(L);
            t = js_lex_emit(L, subst ? T_TPL_MID : T_TPL_TAIL, start, line, col, nl);
            if (t == JS_NONE)
                return;
            link(L, f->tok, t);
            L->depth--;
            if (subst)
                js_lex_push(L, FR_TPL, t);
            return;
        }
        L->i++, L->col++;
        t = js_lex_emit(L, T_PUNCT, start, line, col, nl);
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
    size_t n = js_lex_punct_len(L);
    L->i += n, L->col += (uint32_t)n;
    t = js_lex_emit(L, T_PUNCT, start, line, col, nl);
    if (t == JS_NONE || n != 1)
        return;
    switch (c) {
    case '(': js_lex_push(L, FR_PAREN, t); break;
    case '[': js_lex_push(L, FR_BRACKET, t); break;
    case '{': js_lex_push(L, FR_BRACE, t); break;
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
            if (!js_lex_jsx_tag(&L) && L.code == LSM_OK)
                js_jsx_fail(&L);
        } else if (f && f->kind == FR_JSX_CHILDREN) {
            if (!js_lex_jsx_children(&L) && L.code == LSM_OK)
                js_jsx_fail(&L);
        } else {
            /* Only these bytes can start white space or a comment. */
            uint8_t c = peek(&L, 0);
            if (c <= ' ' || c == '/' || c >= 0x80)
                js_lex_skip_trivia(&L);
            if (at_end(&L)) {
                if (!L.attempt)
                    break;
                js_jsx_fail(&L);
                continue;
            }
            lex_js(&L);
        }
        if (L.code == LSM_OK && L.i == was_i && out->n == was_n && L.depth == was_depth &&
            (L.depth ? L.stack[L.depth - 1].kind : -1) == was_kind) {
            if (L.attempt)
                js_jsx_fail(&L);
            else if (!at_end(&L))
                js_lex_adv(&L);
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
    lsm_free(toks->ends);
    toks->ends = NULL;
    toks->nends = toks->cap_ends = 0;
}
