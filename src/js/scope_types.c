/* Walking over TypeScript type annotations and `<...>` type argument
 * lists, so that the scope builder finds a function's body after its
 * return type and tells `<` `>` brackets from comparisons. */
#include "scope_build.h"

/* The number of `>` (or `<`) characters a punctuator holds: `>>` closes two
 * type argument lists. */
uint32_t js_count_char(const builder_t *B, uint32_t i, char c) {
    if (i >= B->n)
        return 0;
    const js_tok_t *t = &B->v[i];
    if (t->kind != T_PUNCT)
        return 0;
    uint32_t k = 0;
    for (uint32_t j = 0; j < t->len; j++)
        if (B->ts->src[t->off + j] == c)
            k++;
    /* `=>`, `>=` and friends are not angle brackets */
    if (c == '>' && (is(B, i, "=>") || is(B, i, ">=") || is(B, i, ">>=") || is(B, i, ">>>=")))
        return 0;
    if (c == '<' && (is(B, i, "<=") || is(B, i, "<<=")))
        return 0;
    return k;
}

/* From a token that ends `<...>` type arguments, the index of the `<`
 * that opens them, or JS_NONE. */
uint32_t js_angle_open(const builder_t *B, uint32_t close) {
    uint32_t depth = 0;
    for (uint32_t k = close, steps = 0; k < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[k];
        if (t->open != JS_NONE && !js_is_opener(t)) {
            k = t->open;
        } else {
            depth += js_count_char(B, k, '>');
            uint32_t lt = js_count_char(B, k, '<');
            if (lt) {
                if (lt >= depth)
                    return lt == depth ? k : JS_NONE;
                depth -= lt;
            } else if (is(B, k, ";") || is(B, k, "{") || is(B, k, "=")) {
                return JS_NONE;
            }
        }
        if (depth == 0 || k == 0)
            return JS_NONE;
        k--;
    }
    return JS_NONE;
}

/* From a `<` opening type parameters, the index just past the matching `>`,
 * or JS_NONE. */
uint32_t js_angle_skip(const builder_t *B, uint32_t open) {
    uint32_t depth = 0;
    for (uint32_t k = open, steps = 0; k < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[k];
        if (js_is_opener(t) && k != open) {
            k = t->close + 1;
            continue;
        }
        depth += js_count_char(B, k, '<');
        uint32_t gt = js_count_char(B, k, '>');
        if (gt) {
            if (gt >= depth)
                return k + 1;
            depth -= gt;
        } else if (is(B, k, ";") || is(B, k, "=") || t->open != JS_NONE) {
            return JS_NONE;
        }
        k++;
    }
    return JS_NONE;
}

/* Skips a TypeScript type starting at `i` (after a `:`), returning the
 * index of the `{` that follows it as a function body, or JS_NONE when
 * something else follows (a declaration without body, an expression). */
static uint32_t skip_type_to_body(const builder_t *B, uint32_t i) {
    bool operand = true; /* expecting a type operand */
    for (uint32_t steps = 0; i < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[i];
        if (is(B, i, "{")) {
            if (!operand)
                return i;
            if (t->close == JS_NONE)
                return JS_NONE;
            i = t->close + 1;
            operand = false;
            continue;
        }
        if (is(B, i, "(") || is(B, i, "[")) {
            if (t->close == JS_NONE)
                return JS_NONE;
            i = t->close + 1;
            operand = false;
            continue;
        }
        if (js_count_char(B, i, '<')) {
            uint32_t j = js_angle_skip(B, i);
            if (j == JS_NONE)
                return JS_NONE;
            i = j;
            operand = false;
            continue;
        }
        if (t->kind == T_IDENT) {
            static const char *const ops[] = {"is", "extends", "keyof", "typeof", "infer",
                                               "asserts", "unique", "readonly"};
            operand = one_of(B, i, ops, sizeof ops / sizeof ops[0]);
            i++;
            continue;
        }
        if (t->kind == T_STR || t->kind == T_NUM || t->kind == T_TPL) {
            operand = false;
            i++;
            continue;
        }
        static const char *const type_ops[] = {"|", "&", "=>", ".", "?", ":", "...", ","};
        if (one_of(B, i, type_ops, sizeof type_ops / sizeof type_ops[0])) {
            operand = true;
            i++;
            continue;
        }
        return JS_NONE;
    }
    return JS_NONE;
}

/* The body `{` after a parameter list closing at `pclose`. */
uint32_t js_find_body(const builder_t *B, uint32_t pclose) {
    uint32_t j = pclose + 1;
    if (is(B, j, "{"))
        return j;
    if (is(B, j, ":"))
        return skip_type_to_body(B, j + 1);
    return JS_NONE;
}
