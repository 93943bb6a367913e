/* Function scopes of JavaScript (and TypeScript, and JSX) from its tokens,
 * each with the name a debugger would give it: declared names, names
 * inferred from `x = function…`, `x: () => …`, `obj.prop = …`, methods
 * qualified by their class or object literal, `new C` for constructors.
 *
 * One pass over the tokens with a stack of open brackets. A function is
 * recognised at its `function`, `class` or `=>` token, or at the `(` of a
 * method; its extent comes from the bracket matching the tokenizer did,
 * except for arrow functions with an expression body, which end where
 * their level of the expression ends (a `,` `;` or closing bracket there,
 * a `:` closing an enclosing conditional, or a new statement after a line
 * break). */
#include "scope_build.h"

/* ----------------------------------------------------------------- scopes */

static uint32_t add_scope(builder_t *B, uint32_t start, uint32_t end, const name_t *nm) {
    if (!grow(B, (void **)&B->scopes, &B->cap_scopes, B->nscopes + 1, sizeof *B->scopes))
        return JS_NONE;
    bscope_t *sc = &B->scopes[B->nscopes];
    sc->start = start;
    sc->end = end;
    sc->seq = B->nscopes;
    sc->wrap_callee = sc->wrap_var = JS_NONE;
    /* `v = f(function…)`, `v = f(() => {…})`: a function alone in a call's parentheses */
    if (!nm->n && start >= 4 && end + 1 < B->n && is(B, start - 1, "(") &&
        B->v[start - 1].close == end + 1 && is_ident(B, start - 2) && is_assign(B, start - 3) &&
        is_ident(B, start - 4)) {
        sc->wrap_callee = start - 2;
        sc->wrap_var = start - 4;
    }
    if (!js_name_store(B, nm, &sc->first, &sc->count))
        return JS_NONE;
    return B->nscopes++;
}

static uint32_t end_of(const builder_t *B, uint32_t open) {
    uint32_t c = B->v[open].close;
    return c == JS_NONE ? B->n - 1 : c;
}

/* `function [*] [name] [<T>] ( … ) [: T] { … }` at `i`. */
static void on_function(builder_t *B, uint32_t i, uint32_t lv) {
    if (i > 0 && is_member_dot(B, i - 1))
        return;
    uint32_t j = i + 1;
    if (is(B, j, "*"))
        j++;
    uint32_t name = JS_NONE;
    if (is_ident(B, j) && !is(B, j, "(")) {
        name = j;
        j++;
    }
    if (js_count_char(B, j, '<') == 1) {
        j = js_angle_skip(B, j);
        if (j == JS_NONE)
            return;
    }
    if (!is(B, j, "(") || B->v[j].close == JS_NONE)
        return;
    uint32_t body = js_find_body(B, B->v[j].close);
    if (body == JS_NONE || B->kind[body] == B_FUNC)
        return;
    B->kind[body] = B_FUNC;
    uint32_t start = i;
    if (i > 0 && is(B, i - 1, "async") && !nl_before(B, i))
        start = i - 1;
    uint32_t end = end_of(B, body);
    name_t nm = {0};
    if (name != JS_NONE)
        js_name_add(&nm, P_TOK, name, name, NULL);
    else
        js_infer_name(B, start, end, lv, &nm);
    add_scope(B, start, end, &nm);
}

/* `class [Name] [<T>] [extends …] [implements …] { … }` at `i`. */
static void on_class(builder_t *B, uint32_t i, uint32_t lv) {
    if (i > 0 && is_member_dot(B, i - 1))
        return;
    uint32_t j = i + 1;
    uint32_t name = JS_NONE;
    if (is_ident(B, j) && !is(B, j, "extends") && !is(B, j, "implements")) {
        name = j;
        j++;
    } else if (!is(B, j, "{") && !is(B, j, "extends")) {
        return;
    }
    uint32_t body = JS_NONE;
    uint32_t angle = 0;
    for (uint32_t steps = 0; j < B->n && steps < CLASS_HEAD_LIMIT; steps++) {
        const js_tok_t *t = &B->v[j];
        if (is(B, j, "{") && angle == 0) {
            body = j;
            break;
        }
        if (js_is_opener(t)) {
            j = t->close + 1;
            continue;
        }
        uint32_t lt = js_count_char(B, j, '<'), gt = js_count_char(B, j, '>');
        angle += lt;
        angle = gt > angle ? 0 : angle - gt;
        if (t->open != JS_NONE || is(B, j, ";"))
            return;
        j++;
    }
    if (body == JS_NONE || B->kind[body] != B_NONE)
        return;
    uint32_t end = end_of(B, body);
    name_t cname = {0};
    if (name != JS_NONE)
        js_name_add(&cname, P_TOK, name, name, NULL);
    else
        js_infer_name(B, i, end, lv, &cname);
    B->kind[body] = B_CLASS;
    if (!js_name_store(B, &cname, &B->cname_first[body], &B->cname_count[body]))
        return;
    name_t nm = {0};
    if (cname.n) {
        js_name_add(&nm, P_LIT, 0, 0, "new ");
        js_name_add_stored(B, &nm, B->cname_first[body], B->cname_count[body]);
    }
    add_scope(B, i, end, &nm);
}

/* Whether an arrow starting at `s` is a TypeScript function type: after
 * the `:` of a class field, a parameter or a declaration. */
static bool is_type_position(const builder_t *B, uint32_t s, uint32_t lv) {
    if (s < 2 || !is(B, s - 1, ":"))
        return false;
    const level_t *enc = level_at(B, lv);
    if (enc && enc->kind == B_CLASS)
        return true;
    uint32_t c = s - 2;
    if (is(B, c, "?"))
        c--;
    if (kind(B, c) != T_IDENT || c == 0)
        return false;
    if (is(B, c - 1, "let") || is(B, c - 1, "const") || is(B, c - 1, "var"))
        return true;
    /* a parameter: `(a: (x) => y`, not an object literal's `{a: 1, b: (x) => y` */
    bool in_parens = enc && enc->tok != JS_NONE && is(B, enc->tok, "(");
    return in_parens && (is(B, c - 1, "(") || is(B, c - 1, ","));
}

/* `=>` at `i`. */
static void on_arrow(builder_t *B, uint32_t i, uint32_t lv) {
    if (i == 0)
        return;
    uint32_t p = i - 1;
    uint32_t pclose = JS_NONE, start = JS_NONE;

    /* (a): T => … : a return type between the parameters and the arrow */
    if (!is(B, p, ")")) {
        for (uint32_t k = p, steps = 0; k > 0 && steps < WALK_LIMIT; steps++) {
            const js_tok_t *t = &B->v[k];
            if (t->open != JS_NONE && !js_is_opener(t)) {
                k = t->open - (t->open > 0);
                if (t->open == 0)
                    break;
                continue;
            }
            if (js_count_char(B, k, '>')) {
                uint32_t o = js_angle_open(B, k);
                if (o == JS_NONE || o == 0)
                    break;
                k = o - 1;
                continue;
            }
            if (is(B, k, ":")) {
                if (is(B, k - 1, ")"))
                    pclose = k - 1;
                break;
            }
            static const char *const stops[] = {";", ",", "=", "{", "(", "[", "=>", "?"};
            if (one_of(B, k, stops, sizeof stops / sizeof stops[0]))
                break;
            k--;
        }
    }
    if (pclose == JS_NONE && is(B, p, ")"))
        pclose = p;
    if (pclose != JS_NONE) {
        start = B->v[pclose].open;
        if (start == JS_NONE)
            return;
        if (start > 0 && js_count_char(B, start - 1, '>')) {
            uint32_t o = js_angle_open(B, start - 1);
            if (o != JS_NONE)
                start = o;
        }
    } else if (is_ident(B, p)) {
        start = p;
    } else {
        return;
    }
    if (start > 0 && is(B, start - 1, "async") && !nl_before(B, start))
        start--;
    if (is_type_position(B, start, lv))
        return;

    uint32_t b = i + 1;
    bool block = is(B, b, "{");
    uint32_t end = block ? end_of(B, b) : B->n - 1;
    if (block)
        B->kind[b] = B_FUNC;
    name_t nm = {0};
    js_infer_name(B, start, block ? end : JS_NONE, lv, &nm);
    uint32_t sc = add_scope(B, start, end, &nm);
    if (sc == JS_NONE || block)
        return;
    if (!grow(B, (void **)&B->pend, &B->cap_pend, B->npend + 1, sizeof *B->pend))
        return;
    B->pend[B->npend].scope = sc;
    B->pend[B->npend].arrow = i;
    B->pend[B->npend].level = lv;
    B->pend[B->npend].q = B->levels[lv].q;
    B->npend++;
}

/* esbuild's lazy module wrappers as it writes them unminified,
 * `var init_x = __esm({ "src/x.ts"() {…} })` and
 * `var require_x = __commonJS({ "x.js"(exports, module) {…} })`: the
 * method, alone in an object literal that is alone the argument, is named
 * by the assignment target (`init_x`), which says what the function is.
 * `ks` is the key, `end` the method's last token, `lv` the object's level. */
static bool wrapper_name(builder_t *B, uint32_t ks, const name_t *key, uint32_t end,
                         uint32_t lv, name_t *nm) {
    const level_t *obj = level_at(B, lv);
    if (key->n != 1 || key->p[0].type != P_STRKEY || lv < 2 || !obj || obj->tok == JS_NONE)
        return false;
    uint32_t open = obj->tok, close = B->v[open].close;
    if (ks != open + 1 || close == JS_NONE || close != end + 1 || open < 2)
        return false;
    uint32_t paren = open - 1;
    if (!is(B, paren, "(") || B->levels[lv - 1].tok != paren || B->v[paren].close != close + 1)
        return false;
    uint32_t callee = paren - 1;
    if (!(is(B, callee, "__esm") || is(B, callee, "__commonJS")) || callee == 0 ||
        !is_assign(B, callee - 1))
        return false;
    js_infer_name(B, callee, close + 1, lv - 2, nm);
    return nm->n > 0;
}

/* A `(` that may start a method `key(…) {…}` in a class body or object
 * literal, at level `lv` (the body's level). */
static void on_paren(builder_t *B, uint32_t i, uint32_t lv) {
    const level_t *enc = level_at(B, lv);
    if (!enc || (enc->kind != B_CLASS && enc->kind != B_OBJECT) || i == 0)
        return;
    uint32_t k = i - 1;
    if (js_count_char(B, k, '>')) {
        uint32_t o = js_angle_open(B, k);
        if (o == JS_NONE || o == 0)
            return;
        k = o - 1;
    }
    if (is(B, k, "?") && k > 0)
        k--;
    name_t key = {0};
    uint32_t ks = js_add_key(B, &key, k);
    if (ks == JS_NONE || ks <= enc->tok)
        return;
    uint32_t start = ks;
    bool get = false, set = false;
    while (start - 1 > enc->tok && is_modifier(B, start - 1)) {
        start--;
        if (start == ks - 1) {
            get = is(B, start, "get");
            set = is(B, start, "set");
        }
    }
    uint32_t before = start - 1;
    if (enc->kind == B_OBJECT) {
        if (!is(B, before, "{") && !is(B, before, ","))
            return;
    } else {
        if (is(B, before, "function"))
            return;
        if (kind(B, before) == T_PUNCT && !is(B, before, "{") && !is(B, before, "}") &&
            !is(B, before, ";") && !is(B, before, ")"))
            return;
    }
    if (B->v[i].close == JS_NONE)
        return;
    uint32_t body = js_find_body(B, B->v[i].close);
    if (body == JS_NONE || B->kind[body] != B_NONE)
        return;
    B->kind[body] = B_FUNC;
    name_t nm = {0};
    if (enc->kind == B_OBJECT && start == ks && wrapper_name(B, ks, &key, end_of(B, body), lv, &nm)) {
        /* named by its variable */
    } else if (enc->kind == B_CLASS && is(B, ks, "constructor") && key.n == 1 &&
        key.p[0].type == P_TOK) {
        if (enc->name_count) {
            js_name_add(&nm, P_LIT, 0, 0, "new ");
            js_name_add_stored(B, &nm, enc->name_first, enc->name_count);
        }
    } else {
        js_add_owner(B, &nm, enc);
        if (get)
            js_name_add(&nm, P_LIT, 0, 0, "get ");
        if (set)
            js_name_add(&nm, P_LIT, 0, 0, "set ");
        for (uint32_t q = 0; q < key.n; q++)
            js_name_add(&nm, key.p[q].type, key.p[q].a, key.p[q].b, key.p[q].lit);
    }
    add_scope(B, start, end_of(B, body), &nm);
}

/* Whether a `:` at `c`, found at level `lv`, is a conditional's (so a `{`
 * after it opens an object literal) rather than a label's or a `case`'s. */
static bool colon_in_expression(const builder_t *B, uint32_t c, uint32_t lv) {
    const level_t *enc = level_at(B, lv);
    if (enc && (enc->kind == B_OBJECT || enc->kind == B_OTHER || enc->kind == B_CLASS))
        return true;
    uint32_t floor = enc && enc->tok != JS_NONE ? enc->tok : 0;
    for (uint32_t k = c, steps = 0; k > floor && steps < WALK_LIMIT; steps++) {
        k--;
        const js_tok_t *t = &B->v[k];
        if (t->open != JS_NONE && !js_is_opener(t)) {
            if (t->open <= floor)
                break;
            if (is(B, k, "}"))
                return false;
            k = t->open;
            continue;
        }
        if (is(B, k, "?"))
            return true;
        if (is(B, k, ";") || is(B, k, "{") || is(B, k, "case") || is(B, k, "default"))
            return false;
    }
    return false;
}

/* What a `{` at `i` (not a function or class body) opens. */
static uint8_t classify_brace(builder_t *B, uint32_t i, uint32_t lv) {
    if (B->v[i].flags & TF_JSX_BRACE)
        return B_OTHER;
    if (i == 0)
        return B_BLOCK;
    uint32_t p = i - 1;
    const js_tok_t *t = &B->v[p];
    switch (t->kind) {
    case T_IDENT: {
        static const char *const expr[] = {"return", "typeof", "in", "of", "yield", "await",
                                           "new", "delete", "void", "throw", "case",
                                           "instanceof", "default", "satisfies", "as"};
        if (is(B, p, "default"))
            return p > 0 && is(B, p - 1, "export") ? B_OBJECT : B_BLOCK;
        return one_of(B, p, expr, sizeof expr / sizeof expr[0]) ? B_OBJECT : B_BLOCK;
    }
    case T_PUNCT:
        break;
    case T_TPL_HEAD:
    case T_TPL_MID:
        return B_OBJECT;
    default:
        return B_BLOCK;
    }
    if (is(B, p, ")") || is(B, p, ";") || is(B, p, "}") || is(B, p, "=>"))
        return B_BLOCK;
    if (is(B, p, "{"))
        return (t->flags & TF_JSX_BRACE) ? B_OBJECT : B_BLOCK;
    if (is(B, p, ":"))
        return colon_in_expression(B, p, lv) ? B_OBJECT : B_BLOCK;
    return B_OBJECT;
}

/* The name of an object literal opening at `i`: `o` in `o = {`, `a.b` for
 * `b: {` inside an object literal named `a`. */
static void object_name(builder_t *B, uint32_t i, uint32_t lv, name_t *nm) {
    js_infer_name(B, i, end_of(B, i), lv, nm);
}

/* Ends the pending expression-bodied arrows that `pred` selects at token
 * `i` (the last token of their bodies is i - 1). */
static void end_pending(builder_t *B, uint32_t i, uint32_t lv, uint32_t q, bool closing) {
    while (B->npend > 0) {
        pending_t *p = &B->pend[B->npend - 1];
        bool ends = closing ? p->level >= lv : (p->level == lv && p->q >= q);
        if (!ends)
            break;
        bscope_t *sc = &B->scopes[p->scope];
        sc->end = i > sc->start ? i - 1 : sc->start;
        B->npend--;
    }
}

/* Whether a token after a line break starts a new statement instead of
 * continuing the expression before it. */
static bool starts_statement(const builder_t *B, uint32_t i) {
    const js_tok_t *t = &B->v[i];
    switch (t->kind) {
    case T_IDENT: {
        static const char *const cont[] = {"in", "of", "instanceof", "as", "satisfies"};
        return !one_of(B, i, cont, sizeof cont / sizeof cont[0]);
    }
    case T_NUM: case T_STR: case T_PRIVATE: case T_TPL_HEAD:
        return true;
    case T_PUNCT: {
        static const char *const p[] = {"{", "!", "~", "++", "--", "@"};
        return one_of(B, i, p, sizeof p / sizeof p[0]);
    }
    default:
        return false;
    }
}

static bool push_level(builder_t *B, uint32_t tok, uint8_t kind) {
    if (!grow(B, (void **)&B->levels, &B->cap_levels, B->nlevels + 1, sizeof *B->levels))
        return false;
    level_t *l = &B->levels[B->nlevels++];
    l->tok = tok;
    l->kind = kind;
    l->q = 0;
    l->name_first = l->name_count = 0;
    return true;
}

void js_scope_scan(builder_t *B) {
    if (!push_level(B, JS_NONE, B_BLOCK))
        return;
    const char *src = B->ts->src;
    const js_tok_t *v = B->v; /* the tokens and their count never change here */
    const uint32_t n = B->n;
    for (uint32_t i = 0; i < n && B->code == LSM_OK; i++) {
        const js_tok_t *t = &v[i];
        /* Most tokens do nothing below: no bracket, no line break before
         * them, not `function`, `class`, `=>` or one of , ; ? : ( */
        if (t->open == JS_NONE && t->close == JS_NONE && !(t->flags & TF_NL_BEFORE)) {
            if (t->kind == T_IDENT) {
                if (!(t->len == 8 && src[t->off] == 'f') && !(t->len == 5 && src[t->off] == 'c'))
                    continue;
            } else if (t->kind == T_PUNCT) {
                uint8_t c = (uint8_t)src[t->off];
                if (t->len == 1 ? !(c == ',' || c == ';' || c == '?' || c == ':' || c == '(')
                                : !(t->len == 2 && c == '='))
                    continue;
            } else {
                continue;
            }
        }
        uint32_t lv = B->nlevels - 1;
        /* The tests below are is(B, i, …) for one- and two-character
         * punctuators, decided once from the first character and length
         * (only punctuators and identifiers match, as in js_tok_is). */
        bool word = t->kind == T_PUNCT || t->kind == T_IDENT;
        uint8_t c0 = word ? (uint8_t)src[t->off] : 0;
        bool one = word && t->len == 1;

        /* A closing bracket ends the levels up to its opener. */
        if (t->open != JS_NONE) {
            uint32_t d = B->nlevels;
            while (d > 1 && B->levels[d - 1].tok != t->open)
                d--;
            if (d > 1) {
                end_pending(B, i, d - 1, 0, true);
                B->nlevels = d - 1;
                lv = B->nlevels - 1;
            }
        }
        if (one && (c0 == ',' || c0 == ';')) {
            end_pending(B, i, lv, 0, false);
        } else if (one && c0 == '?') {
            B->levels[lv].q++;
        } else if (one && c0 == ':') {
            if (B->levels[lv].q > 0) {
                B->levels[lv].q--;
                end_pending(B, i, lv, B->levels[lv].q + 1, false);
            }
        } else if (nl_before(B, i) && B->npend && B->pend[B->npend - 1].arrow + 1 < i &&
                   starts_statement(B, i)) {
            end_pending(B, i, lv, 0, false);
        }

        if (t->kind == T_IDENT) {
            if (is(B, i, "function"))
                on_function(B, i, lv);
            else if (is(B, i, "class"))
                on_class(B, i, lv);
        } else if (word && t->len == 2 && c0 == '=' && src[t->off + 1] == '>') {
            on_arrow(B, i, lv);
        } else if (one && c0 == '(') {
            on_paren(B, i, lv);
        }

        if (js_is_opener(t)) {
            uint8_t k = B_OTHER;
            if (one && c0 == '{') {
                k = B->kind[i] != B_NONE ? B->kind[i] : classify_brace(B, i, lv);
                B->kind[i] = k;
            }
            if (!push_level(B, i, k))
                return;
            level_t *l = &B->levels[B->nlevels - 1];
            if (k == B_CLASS) {
                l->name_first = B->cname_first[i];
                l->name_count = B->cname_count[i];
            } else if (k == B_OBJECT) {
                name_t nm = {0};
                object_name(B, i, lv, &nm);
                /* levels may have moved while storing */
                if (!js_name_store(B, &nm, &B->levels[B->nlevels - 1].name_first,
                                &B->levels[B->nlevels - 1].name_count))
                    return;
            }
        }
    }
    /* Arrows whose bodies run to the end of the input. */
    while (B->npend > 0) {
        bscope_t *sc = &B->scopes[B->pend[--B->npend].scope];
        sc->end = B->n - 1;
    }
}
