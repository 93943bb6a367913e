/* The names of function scopes: declared names, and names inferred from
 * context (`x = function…`, `x: () => …`, `obj.prop = …`, methods
 * qualified by their class or object literal), stored as parts that are
 * tokens or literal text. */
#include "scope_build.h"

/* ------------------------------------------------------------------ names */

void js_name_add(name_t *nm, uint8_t type, uint32_t a, uint32_t b, const char *lit) {
    if (nm->n >= MAX_NAME_PARTS)
        return;
    pref_t *p = &nm->p[nm->n++];
    p->type = type;
    p->a = a;
    p->b = b;
    p->lit = lit;
}

void js_name_add_stored(const builder_t *B, name_t *nm, uint32_t first, uint32_t count) {
    for (uint32_t k = 0; k < count && nm->n < MAX_NAME_PARTS; k++)
        nm->p[nm->n++] = B->parts[first + k];
}

/* Stores a name in the builder's parts. */
bool js_name_store(builder_t *B, const name_t *nm, uint32_t *first, uint32_t *count) {
    *first = B->nparts;
    *count = nm->n;
    if (!nm->n)
        return true;
    if (!grow(B, (void **)&B->parts, &B->cap_parts, B->nparts + nm->n, sizeof *B->parts))
        return false;
    memcpy(B->parts + B->nparts, nm->p, nm->n * sizeof *nm->p);
    B->nparts += nm->n;
    return true;
}

/* A property key at `k` (or a computed key ending at `k`) as a name part.
 * Returns the index of the key's first token, or JS_NONE. */
uint32_t js_add_key(const builder_t *B, name_t *nm, uint32_t k) {
    if (is(B, k, "]")) {
        uint32_t o = B->v[k].open;
        if (o == JS_NONE)
            return JS_NONE;
        js_name_add(nm, P_SPAN, o, k, NULL);
        return o;
    }
    if (!is_key(B, k))
        return JS_NONE;
    js_name_add(nm, kind(B, k) == T_STR ? P_STRKEY : P_TOK, k, k, NULL);
    return k;
}

/* `Class.` or `object.` before a member's name, when the name is known. */
void js_add_owner(builder_t *B, name_t *nm, const level_t *owner) {
    if (owner && owner->name_count) {
        js_name_add_stored(B, nm, owner->name_first, owner->name_count);
        js_name_add(nm, P_LIT, 0, 0, ".");
    }
}

/* The name of what an assignment `=` at `eq` assigns to: `x` in
 * `let x = …` (TypeScript `let x: T = …` too), `a.b.c` in `a.b.c = …`
 * (without `this.` and `.prototype`), `C.x` for a class field `x = …`. */
static void assign_target(builder_t *B, uint32_t eq, uint32_t lv, name_t *nm) {
    const level_t *enc = level_at(B, lv);
    bool in_class = enc && enc->kind == B_CLASS;
    /* the first token the target may start at: after the enclosing bracket */
    uint32_t lo = enc && enc->tok != JS_NONE ? enc->tok + 1 : 0;
    if (eq == 0 || eq - 1 < lo)
        return;

    /* A type annotation between the name and `=`. */
    uint32_t angle = 0;
    for (uint32_t k = eq - 1, steps = 0; k >= lo && k < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[k];
        if (t->open != JS_NONE && !js_is_opener(t)) {
            if (t->open < lo || t->open == 0)
                break;
            k = t->open - 1;
            continue;
        }
        uint32_t gt = js_count_char(B, k, '>'), lt = js_count_char(B, k, '<');
        if (gt || lt) {
            angle += gt;
            angle = lt > angle ? 0 : angle - lt;
            k--;
            continue;
        }
        if (is(B, k, ":") && angle == 0) {
            uint32_t c = k - 1;
            if (is(B, c, "?") || is(B, c, "!"))
                c--;
            if (c >= lo && c < B->n && (kind(B, c) == T_IDENT || kind(B, c) == T_PRIVATE)) {
                bool decl = is(B, c - 1, "let") || is(B, c - 1, "const") ||
                            is(B, c - 1, "var") || is(B, c - 1, ",") || is(B, c - 1, "(");
                if (in_class && !decl && !is_member_dot(B, c - 1)) {
                    js_add_owner(B, nm, enc);
                    js_name_add(nm, P_TOK, c, c, NULL);
                    return;
                }
                if (decl) {
                    js_name_add(nm, P_TOK, c, c, NULL);
                    return;
                }
            }
            break; /* a label, a case or a conditional: not a type */
        }
        /* `=>` does not stop it: `f: (x: T) => U = …` */
        static const char *const stops[] = {";", ",", "{", "=", "(", "let", "const", "var",
                                            "}"};
        if (one_of(B, k, stops, sizeof stops / sizeof stops[0]) || nl_before(B, k + 1))
            break;
        k--;
    }

    /* A member chain a.b.c */
    uint32_t chain[MAX_NAME_PARTS];
    uint32_t len = 0;
    uint32_t k = eq - 1;
    if (kind(B, k) != T_IDENT && kind(B, k) != T_PRIVATE)
        return;
    chain[len++] = k;
    while (len < MAX_NAME_PARTS && k >= 2 && k - 2 >= lo && is_member_dot(B, k - 1) &&
           (kind(B, k - 2) == T_IDENT || kind(B, k - 2) == T_PRIVATE)) {
        k -= 2;
        chain[len++] = k;
    }
    if (len == 1 && in_class && !is_member_dot(B, k - 1) && !is(B, k - 1, "let") &&
        !is(B, k - 1, "const") && !is(B, k - 1, "var")) {
        js_add_owner(B, nm, enc);
        js_name_add(nm, P_TOK, chain[0], chain[0], NULL);
        return;
    }
    bool first = true;
    for (uint32_t c = len; c-- > 0;) {
        uint32_t t = chain[c];
        if ((c == len - 1 && is(B, t, "this")) || (c != len - 1 && is(B, t, "prototype")))
            continue;
        if (!first)
            js_name_add(nm, P_LIT, 0, 0, ".");
        js_name_add(nm, P_TOK, t, t, NULL);
        first = false;
    }
}

/* The name given by context to an anonymous function or class whose first
 * token is `s` and last `e`, found at bracket level `lv`. */
void js_infer_name(builder_t *B, uint32_t s, uint32_t e, uint32_t lv, name_t *nm) {
    /* (function () {}) takes its name from around the parentheses. An
     * arrow with an expression body (e == JS_NONE) has no known end yet:
     * its parentheses count when an assignment or key comes before them. */
    while (s > 0 && is(B, s - 1, "(") && B->v[s - 1].close != JS_NONE &&
           (e == JS_NONE ? s >= 2 && (is_assign(B, s - 2) || is(B, s - 2, ":"))
                         : B->v[s - 1].close == e + 1)) {
        s--;
        e = B->v[s].close;
        if (lv > 0 && B->levels[lv].tok == s)
            lv--;
    }
    if (s == 0)
        return;
    uint32_t p = s - 1;
    if (is_assign(B, p)) {
        assign_target(B, p, lv, nm);
        return;
    }
    if (is(B, p, ":") && p > 0) {
        const level_t *enc = level_at(B, lv);
        if (!enc || enc->kind != B_OBJECT)
            return;
        name_t key = {0};
        uint32_t ks = js_add_key(B, &key, p - 1);
        if (ks == JS_NONE || !(is(B, ks - 1, "{") || is(B, ks - 1, ",")))
            return;
        js_add_owner(B, nm, enc);
        for (uint32_t k = 0; k < key.n; k++)
            js_name_add(nm, key.p[k].type, key.p[k].a, key.p[k].b, key.p[k].lit);
        return;
    }
    /* `x = (this && this.x) || function…` (TypeScript's helpers such as
     * __decorate): named through a default, as V8 infers it. */
    if ((is(B, p, "||") || is(B, p, "??")) && p > 0) {
        uint32_t k = p - 1;
        for (uint32_t steps = 0; k > 0 && k < B->n && steps < WALK_LIMIT; steps++) {
            const js_tok_t *t = &B->v[k];
            if (t->open != JS_NONE && !js_is_opener(t) && t->open > 0)
                k = t->open - 1;
            else if (kind(B, k) == T_IDENT || is_member_dot(B, k) || is(B, k, "&&"))
                k--;
            else
                break;
        }
        if (k < B->n && is_assign(B, k))
            assign_target(B, k, lv, nm);
        return;
    }
    if (is(B, p, "default") && p > 0 && is(B, p - 1, "export"))
        js_name_add(nm, P_LIT, 0, 0, "default");
}
