/* Regular expression or division: whether an expression may start after
 * the previous token, which also decides whether `<` may open JSX. */
#include "lexer.h"

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
bool js_lex_expr_allowed(const lexer_t *L) {
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
