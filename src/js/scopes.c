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
#include <stdlib.h>

#include "js.h"

/* Bounds on backward and forward walks, so that any input is scanned in
 * linear time. */
#define WALK_LIMIT 64
#define CLASS_HEAD_LIMIT 1024
#define MAX_NAME_PARTS 16
#define MAX_NAME_BYTES 1024
#define MAX_SPAN_BYTES 256

enum brace_kind { B_NONE, B_BLOCK, B_OBJECT, B_CLASS, B_FUNC, B_OTHER };

enum part_type { P_LIT, P_TOK, P_STRKEY, P_SPAN };

typedef struct pref {
    uint8_t type;
    uint32_t a, b;   /* token indices */
    const char *lit; /* P_LIT */
} pref_t;

typedef struct name {
    uint32_t n;
    pref_t p[MAX_NAME_PARTS];
} name_t;

typedef struct bscope {
    uint32_t start, end; /* token indices, inclusive */
    uint32_t first, count; /* parts in builder.parts; count 0 = anonymous */
    uint32_t seq;
} bscope_t;

typedef struct level {
    uint32_t tok;   /* the opening token, JS_NONE for the top level */
    uint8_t kind;   /* enum brace_kind for `{`; B_OTHER for ( [ and templates */
    uint32_t q;     /* `?` of conditionals open at this level */
    uint32_t name_first, name_count; /* class or object literal name */
} level_t;

typedef struct pending {
    uint32_t scope;
    uint32_t arrow; /* the `=>` token */
    uint32_t level;
    uint32_t q;
} pending_t;

typedef struct builder {
    const js_toks_t *ts;
    const js_tok_t *v;
    uint32_t n;
    uint8_t *kind;       /* per token: enum brace_kind decided for `{` */
    uint32_t *cname_first, *cname_count; /* per token: class body name */

    bscope_t *scopes;
    uint32_t nscopes, cap_scopes;
    pref_t *parts;
    uint32_t nparts, cap_parts;
    level_t *levels;
    uint32_t nlevels, cap_levels;
    pending_t *pend;
    uint32_t npend, cap_pend;
    int code;
} builder_t;

/* ---------------------------------------------------------------- helpers */

static bool grow(builder_t *B, void **v, uint32_t *cap, uint32_t need, size_t size) {
    if (need <= *cap)
        return true;
    uint32_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > UINT32_MAX / 2) {
            B->code = LSM_ERR_TOO_LARGE;
            return false;
        }
        c *= 2;
    }
    void *p = lsm_realloc(*v, (size_t)c * size);
    if (!p) {
        B->code = LSM_ERR_NOMEM;
        return false;
    }
    *v = p;
    *cap = c;
    return true;
}

static inline bool is(const builder_t *B, uint32_t i, const char *text) {
    return i < B->n && js_tok_is(B->ts, i, text);
}

static inline uint8_t kind(const builder_t *B, uint32_t i) {
    return i < B->n ? B->v[i].kind : 0;
}

static inline bool is_ident(const builder_t *B, uint32_t i) {
    return kind(B, i) == T_IDENT;
}

static bool is_key(const builder_t *B, uint32_t i) {
    uint8_t k = kind(B, i);
    return k == T_IDENT || k == T_PRIVATE || k == T_STR || k == T_NUM;
}

static bool one_of(const builder_t *B, uint32_t i, const char *const *words, size_t count) {
    for (size_t k = 0; k < count; k++)
        if (is(B, i, words[k]))
            return true;
    return false;
}

static bool is_modifier(const builder_t *B, uint32_t i) {
    static const char *const w[] = {"static", "async", "get", "set", "public", "private",
                                    "protected", "readonly", "override", "abstract",
                                    "declare", "accessor", "*"};
    return one_of(B, i, w, sizeof w / sizeof w[0]);
}

static bool is_assign(const builder_t *B, uint32_t i) {
    return is(B, i, "=") || is(B, i, "||=") || is(B, i, "&&=") || is(B, i, "?\?=");
}

static bool is_member_dot(const builder_t *B, uint32_t i) {
    return is(B, i, ".") || is(B, i, "?.");
}

static bool nl_before(const builder_t *B, uint32_t i) {
    return i < B->n && (B->v[i].flags & TF_NL_BEFORE);
}

/* The number of `>` (or `<`) characters a punctuator holds: `>>` closes two
 * type argument lists. */
static uint32_t count_char(const builder_t *B, uint32_t i, char c) {
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
static uint32_t angle_open(const builder_t *B, uint32_t close) {
    uint32_t depth = 0;
    for (uint32_t k = close, steps = 0; k < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[k];
        if (t->open != JS_NONE && !js_is_opener(t)) {
            k = t->open;
        } else {
            depth += count_char(B, k, '>');
            uint32_t lt = count_char(B, k, '<');
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
static uint32_t angle_skip(const builder_t *B, uint32_t open) {
    uint32_t depth = 0;
    for (uint32_t k = open, steps = 0; k < B->n && steps < WALK_LIMIT; steps++) {
        const js_tok_t *t = &B->v[k];
        if (js_is_opener(t) && k != open) {
            k = t->close + 1;
            continue;
        }
        depth += count_char(B, k, '<');
        uint32_t gt = count_char(B, k, '>');
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
        if (count_char(B, i, '<')) {
            uint32_t j = angle_skip(B, i);
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
static uint32_t find_body(const builder_t *B, uint32_t pclose) {
    uint32_t j = pclose + 1;
    if (is(B, j, "{"))
        return j;
    if (is(B, j, ":"))
        return skip_type_to_body(B, j + 1);
    return JS_NONE;
}

/* ------------------------------------------------------------------ names */

static void name_add(name_t *nm, uint8_t type, uint32_t a, uint32_t b, const char *lit) {
    if (nm->n >= MAX_NAME_PARTS)
        return;
    pref_t *p = &nm->p[nm->n++];
    p->type = type;
    p->a = a;
    p->b = b;
    p->lit = lit;
}

static void name_add_stored(const builder_t *B, name_t *nm, uint32_t first, uint32_t count) {
    for (uint32_t k = 0; k < count && nm->n < MAX_NAME_PARTS; k++)
        nm->p[nm->n++] = B->parts[first + k];
}

/* Stores a name in the builder's parts. */
static bool name_store(builder_t *B, const name_t *nm, uint32_t *first, uint32_t *count) {
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
static uint32_t add_key(const builder_t *B, name_t *nm, uint32_t k) {
    if (is(B, k, "]")) {
        uint32_t o = B->v[k].open;
        if (o == JS_NONE)
            return JS_NONE;
        name_add(nm, P_SPAN, o, k, NULL);
        return o;
    }
    if (!is_key(B, k))
        return JS_NONE;
    name_add(nm, kind(B, k) == T_STR ? P_STRKEY : P_TOK, k, k, NULL);
    return k;
}

static const level_t *level_at(const builder_t *B, uint32_t lv) {
    return lv < B->nlevels ? &B->levels[lv] : NULL;
}

/* `Class.` or `object.` before a member's name, when the name is known. */
static void add_owner(builder_t *B, name_t *nm, const level_t *owner) {
    if (owner && owner->name_count) {
        name_add_stored(B, nm, owner->name_first, owner->name_count);
        name_add(nm, P_LIT, 0, 0, ".");
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
        uint32_t gt = count_char(B, k, '>'), lt = count_char(B, k, '<');
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
                    add_owner(B, nm, enc);
                    name_add(nm, P_TOK, c, c, NULL);
                    return;
                }
                if (decl) {
                    name_add(nm, P_TOK, c, c, NULL);
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
        add_owner(B, nm, enc);
        name_add(nm, P_TOK, chain[0], chain[0], NULL);
        return;
    }
    bool first = true;
    for (uint32_t c = len; c-- > 0;) {
        uint32_t t = chain[c];
        if ((c == len - 1 && is(B, t, "this")) || (c != len - 1 && is(B, t, "prototype")))
            continue;
        if (!first)
            name_add(nm, P_LIT, 0, 0, ".");
        name_add(nm, P_TOK, t, t, NULL);
        first = false;
    }
}

/* The name given by context to an anonymous function or class whose first
 * token is `s` and last `e`, found at bracket level `lv`. */
static void infer_name(builder_t *B, uint32_t s, uint32_t e, uint32_t lv, name_t *nm) {
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
        uint32_t ks = add_key(B, &key, p - 1);
        if (ks == JS_NONE || !(is(B, ks - 1, "{") || is(B, ks - 1, ",")))
            return;
        add_owner(B, nm, enc);
        for (uint32_t k = 0; k < key.n; k++)
            name_add(nm, key.p[k].type, key.p[k].a, key.p[k].b, key.p[k].lit);
        return;
    }
    if (is(B, p, "default") && p > 0 && is(B, p - 1, "export"))
        name_add(nm, P_LIT, 0, 0, "default");
}

/* ----------------------------------------------------------------- scopes */

static uint32_t add_scope(builder_t *B, uint32_t start, uint32_t end, const name_t *nm) {
    if (!grow(B, (void **)&B->scopes, &B->cap_scopes, B->nscopes + 1, sizeof *B->scopes))
        return JS_NONE;
    bscope_t *sc = &B->scopes[B->nscopes];
    sc->start = start;
    sc->end = end;
    sc->seq = B->nscopes;
    if (!name_store(B, nm, &sc->first, &sc->count))
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
    if (count_char(B, j, '<') == 1) {
        j = angle_skip(B, j);
        if (j == JS_NONE)
            return;
    }
    if (!is(B, j, "(") || B->v[j].close == JS_NONE)
        return;
    uint32_t body = find_body(B, B->v[j].close);
    if (body == JS_NONE || B->kind[body] == B_FUNC)
        return;
    B->kind[body] = B_FUNC;
    uint32_t start = i;
    if (i > 0 && is(B, i - 1, "async") && !nl_before(B, i))
        start = i - 1;
    uint32_t end = end_of(B, body);
    name_t nm = {0};
    if (name != JS_NONE)
        name_add(&nm, P_TOK, name, name, NULL);
    else
        infer_name(B, start, end, lv, &nm);
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
        uint32_t lt = count_char(B, j, '<'), gt = count_char(B, j, '>');
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
        name_add(&cname, P_TOK, name, name, NULL);
    else
        infer_name(B, i, end, lv, &cname);
    B->kind[body] = B_CLASS;
    if (!name_store(B, &cname, &B->cname_first[body], &B->cname_count[body]))
        return;
    name_t nm = {0};
    if (cname.n) {
        name_add(&nm, P_LIT, 0, 0, "new ");
        name_add_stored(B, &nm, B->cname_first[body], B->cname_count[body]);
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
            if (count_char(B, k, '>')) {
                uint32_t o = angle_open(B, k);
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
        if (start > 0 && count_char(B, start - 1, '>')) {
            uint32_t o = angle_open(B, start - 1);
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
    infer_name(B, start, block ? end : JS_NONE, lv, &nm);
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

/* A `(` that may start a method `key(…) {…}` in a class body or object
 * literal, at level `lv` (the body's level). */
static void on_paren(builder_t *B, uint32_t i, uint32_t lv) {
    const level_t *enc = level_at(B, lv);
    if (!enc || (enc->kind != B_CLASS && enc->kind != B_OBJECT) || i == 0)
        return;
    uint32_t k = i - 1;
    if (count_char(B, k, '>')) {
        uint32_t o = angle_open(B, k);
        if (o == JS_NONE || o == 0)
            return;
        k = o - 1;
    }
    if (is(B, k, "?") && k > 0)
        k--;
    name_t key = {0};
    uint32_t ks = add_key(B, &key, k);
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
    uint32_t body = find_body(B, B->v[i].close);
    if (body == JS_NONE || B->kind[body] != B_NONE)
        return;
    B->kind[body] = B_FUNC;
    name_t nm = {0};
    if (enc->kind == B_CLASS && is(B, ks, "constructor") && key.n == 1 &&
        key.p[0].type == P_TOK) {
        if (enc->name_count) {
            name_add(&nm, P_LIT, 0, 0, "new ");
            name_add_stored(B, &nm, enc->name_first, enc->name_count);
        }
    } else {
        add_owner(B, &nm, enc);
        if (get)
            name_add(&nm, P_LIT, 0, 0, "get ");
        if (set)
            name_add(&nm, P_LIT, 0, 0, "set ");
        for (uint32_t q = 0; q < key.n; q++)
            name_add(&nm, key.p[q].type, key.p[q].a, key.p[q].b, key.p[q].lit);
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
    infer_name(B, i, end_of(B, i), lv, nm);
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

static void scan(builder_t *B) {
    if (!push_level(B, JS_NONE, B_BLOCK))
        return;
    for (uint32_t i = 0; i < B->n && B->code == LSM_OK; i++) {
        const js_tok_t *t = &B->v[i];
        uint32_t lv = B->nlevels - 1;

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
        if (is(B, i, ",") || is(B, i, ";")) {
            end_pending(B, i, lv, 0, false);
        } else if (is(B, i, "?")) {
            B->levels[lv].q++;
        } else if (is(B, i, ":")) {
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
        } else if (is(B, i, "=>")) {
            on_arrow(B, i, lv);
        } else if (is(B, i, "(")) {
            on_paren(B, i, lv);
        }

        if (js_is_opener(t)) {
            uint8_t k = B_OTHER;
            if (is(B, i, "{")) {
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
                if (!name_store(B, &nm, &B->levels[B->nlevels - 1].name_first,
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

/* ----------------------------------------------------------------- output */

static int cmp_scope(const void *a, const void *b) {
    const bscope_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf_t;

static bool sbuf_add(sbuf_t *s, const char *text, size_t n) {
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (s->len + n + 1 > cap)
            cap *= 2;
        char *p = lsm_realloc(s->p, cap);
        if (!p)
            return false;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, text, n);
    s->len += n;
    s->p[s->len] = 0;
    return true;
}

/* A token that may stand between white space and a function's name. */
static bool is_name_lead(const js_toks_t *ts, uint32_t i) {
    static const char *const words[] = {"function", "class", "async", "static",
                                        "get",      "set",   "*"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (js_tok_is(ts, i, words[k]))
            return true;
    return false;
}

/* js_part_t.lead_col for the name token `i`. */
static uint32_t lead_col(const builder_t *B, uint32_t i) {
    uint32_t line = B->v[i].line;
    while (i > 0) {
        const js_tok_t *prev = &B->v[i - 1];
        if (prev->end_line != line)
            return 0;
        if (!is_name_lead(B->ts, i - 1))
            return prev->end_col;
        i--;
    }
    return 0;
}

/* The text of a part. */
static void part_text(const builder_t *B, const pref_t *p, const char **text, size_t *n) {
    const char *src = B->ts->src;
    const js_tok_t *a = &B->v[p->a], *b = &B->v[p->b];
    switch (p->type) {
    case P_LIT:
        *text = p->lit;
        *n = strlen(p->lit);
        return;
    case P_STRKEY:
        *text = src + a->off + 1;
        *n = a->len >= 2 ? a->len - 2 : 0;
        return;
    case P_SPAN:
        *text = src + a->off;
        *n = b->off + b->len - a->off;
        if (*n > MAX_SPAN_BYTES)
            *n = MAX_SPAN_BYTES;
        return;
    default:
        *text = src + a->off;
        *n = a->len;
        return;
    }
}

static int finish(builder_t *B, lsm_js_scopes_t *out) {
    if (B->nscopes > 1)
        qsort(B->scopes, B->nscopes, sizeof *B->scopes, cmp_scope);
    out->scopes = lsm_calloc(B->nscopes ? B->nscopes : 1, sizeof *out->scopes);
    uint32_t total = 0;
    for (uint32_t k = 0; k < B->nscopes; k++)
        total += B->scopes[k].count;
    out->parts = lsm_calloc(total ? total : 1, sizeof *out->parts);
    if (!out->scopes || !out->parts)
        return LSM_ERR_NOMEM;
    sbuf_t sb = {0};
    if (!sbuf_add(&sb, "", 0))
        return LSM_ERR_NOMEM;
    uint32_t *stack = lsm_malloc((B->nscopes ? B->nscopes : 1) * sizeof *stack);
    if (!stack) {
        lsm_free(sb.p);
        return LSM_ERR_NOMEM;
    }
    uint32_t depth = 0;
    for (uint32_t k = 0; k < B->nscopes; k++) {
        const bscope_t *b = &B->scopes[k];
        js_scope_t *s = &out->scopes[k];
        const js_tok_t *st = &B->v[b->start], *en = &B->v[b->end];
        s->start_line = st->line;
        s->start_col = st->col;
        s->end_line = en->end_line;
        s->end_col = en->end_col;
        s->name_off = JS_NONE;
        s->name_len = 0;
        s->name_line = s->name_col = LSM_NO_ID;
        s->first_part = out->part_count;
        s->part_count = 0;
        if (b->count) {
            /* The composed name, then each part as a slice of it. */
            size_t name_at = sb.len;
            for (uint32_t q = 0; q < b->count; q++) {
                const pref_t *p = &B->parts[b->first + q];
                const char *text;
                size_t n;
                part_text(B, p, &text, &n);
                if (sb.len - name_at + n > MAX_NAME_BYTES)
                    break;
                js_part_t *jp = &out->parts[out->part_count++];
                jp->text_off = (uint32_t)sb.len;
                jp->text_len = (uint32_t)n;
                jp->line = jp->col = jp->lead_col = LSM_NO_ID;
                if (p->type != P_LIT) {
                    jp->line = B->v[p->a].line;
                    jp->col = B->v[p->a].col;
                    jp->lead_col = lead_col(B, p->a);
                    s->name_line = jp->line;
                    s->name_col = jp->col;
                }
                if (!sbuf_add(&sb, text, n)) {
                    lsm_free(stack);
                    lsm_free(sb.p);
                    return LSM_ERR_NOMEM;
                }
                s->part_count++;
            }
            s->name_off = (uint32_t)name_at;
            s->name_len = (uint32_t)(sb.len - name_at);
            if (!sbuf_add(&sb, "", 0)) { /* the NUL after the name */
                lsm_free(stack);
                lsm_free(sb.p);
                return LSM_ERR_NOMEM;
            }
            sb.len++;
        }
        while (depth > 0 && B->scopes[stack[depth - 1]].end < b->start)
            depth--;
        s->parent = depth > 0 ? stack[depth - 1] : LSM_NO_ID;
        stack[depth++] = k;
    }
    lsm_free(stack);
    out->count = B->nscopes;
    out->strbuf = sb.p;
    out->strbuf_len = sb.len;
    return LSM_OK;
}

/* ------------------------------------------------------------------- API */

uint32_t js_flags_for_name(const char *name, size_t len) {
    if (!name)
        return LSM_JS_DEFAULT;
    static const char *const ts[] = {".ts", ".mts", ".cts"};
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
        size_t n = strlen(ts[k]);
        if (len >= n && memcmp(name + len - n, ts[k], n) == 0)
            return LSM_JS_NO_JSX;
    }
    return LSM_JS_DEFAULT;
}

lsm_js_scopes_t *lsm_js_scopes_build_ex(const char *src, size_t len, uint32_t flags,
                                        lsm_error_t *err) {
    if (!src && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "src is NULL");
        return NULL;
    }
    if (flags & ~(uint32_t)LSM_JS_NO_JSX) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown scan flags 0x%x", flags);
        return NULL;
    }
    builder_t B = {0};
    js_toks_t ts = {0};
    lsm_js_scopes_t *out = NULL;
    int code = js_lex(src ? src : "", len, flags, &ts, err);
    if (code != LSM_OK)
        return NULL;
    B.ts = &ts;
    B.v = ts.v;
    B.n = ts.n;
    size_t cells = ts.n ? ts.n : 1;
    B.kind = lsm_calloc(cells, 1);
    B.cname_first = lsm_calloc(cells, sizeof *B.cname_first);
    B.cname_count = lsm_calloc(cells, sizeof *B.cname_count);
    out = lsm_calloc(1, sizeof *out);
    if (!B.kind || !B.cname_first || !B.cname_count || !out) {
        code = LSM_ERR_NOMEM;
        goto cleanup;
    }
    scan(&B);
    code = B.code;
    if (code == LSM_OK)
        code = finish(&B, out);

cleanup:
    lsm_free(B.kind);
    lsm_free(B.cname_first);
    lsm_free(B.cname_count);
    lsm_free(B.scopes);
    lsm_free(B.parts);
    lsm_free(B.levels);
    lsm_free(B.pend);
    js_toks_free(&ts);
    if (code != LSM_OK) {
        lsm_js_scopes_free(out);
        lsm_set_error(err, code, code == LSM_ERR_NOMEM ? "out of memory" : "too many scopes");
        return NULL;
    }
    lsm_clear_error(err);
    return out;
}

lsm_js_scopes_t *lsm_js_scopes_build(const char *src, size_t len, lsm_error_t *err) {
    return lsm_js_scopes_build_ex(src, len, LSM_JS_DEFAULT, err);
}

void lsm_js_scopes_free(lsm_js_scopes_t *scopes) {
    if (!scopes)
        return;
    lsm_free(scopes->scopes);
    lsm_free(scopes->parts);
    lsm_free(scopes->strbuf);
    lsm_free(scopes);
}

uint32_t lsm_js_scopes_count(const lsm_js_scopes_t *scopes) {
    return scopes ? scopes->count : 0;
}

static void fill_scope(const lsm_js_scopes_t *S, uint32_t index, lsm_js_scope_t *out) {
    const js_scope_t *s = &S->scopes[index];
    out->start_line = s->start_line;
    out->start_col = s->start_col;
    out->end_line = s->end_line;
    out->end_col = s->end_col;
    out->name_line = s->name_line;
    out->name_col = s->name_col;
    out->parent = s->parent;
    out->index = index;
    if (s->name_off == JS_NONE) {
        out->name = NULL;
        out->name_len = 0;
    } else {
        out->name = S->strbuf + s->name_off;
        out->name_len = s->name_len;
    }
}

int lsm_js_scopes_get(const lsm_js_scopes_t *scopes, uint32_t index, lsm_js_scope_t *out,
                      lsm_error_t *err) {
    if (!scopes || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or out is NULL"), -1;
    if (index >= scopes->count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "scope %u of %u", index,
                             scopes->count),
               -1;
    fill_scope(scopes, index, out);
    lsm_clear_error(err);
    return 0;
}

static inline int pos_cmp(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    return c1 < c2 ? -1 : c1 > c2;
}

uint32_t js_scopes_find(const lsm_js_scopes_t *S, uint32_t line, uint32_t col) {
    /* The last scope starting at or before the position, then out through
     * its parents to the first that still contains it. */
    uint32_t lo = 0, hi = S->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const js_scope_t *s = &S->scopes[mid];
        if (pos_cmp(s->start_line, s->start_col, line, col) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t k = lo ? lo - 1 : JS_NONE;
    for (uint32_t guard = 0; k != JS_NONE && k != LSM_NO_ID && guard <= S->count; guard++) {
        const js_scope_t *s = &S->scopes[k];
        if (pos_cmp(line, col, s->end_line, s->end_col) < 0)
            return k;
        k = s->parent;
    }
    return JS_NONE;
}

int lsm_js_scope_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                    lsm_js_scope_t *out, lsm_error_t *err) {
    if (!scopes || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or out is NULL"), -1;
    lsm_clear_error(err);
    uint32_t k = js_scopes_find(scopes, line, col);
    if (k == JS_NONE) {
        memset(out, 0, sizeof *out);
        out->start_line = out->start_col = out->end_line = out->end_col = LSM_NO_ID;
        out->name_line = out->name_col = out->parent = out->index = LSM_NO_ID;
        return 0;
    }
    fill_scope(scopes, k, out);
    return 1;
}

int lsm_js_scope_name_at(const lsm_js_scopes_t *scopes, uint32_t line, uint32_t col,
                         const char **name, size_t *name_len, lsm_error_t *err) {
    if (!scopes || !name)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "scopes or name is NULL"), -1;
    lsm_js_scope_t s;
    int found = lsm_js_scope_at(scopes, line, col, &s, err);
    *name = found == 1 ? s.name : NULL;
    if (name_len)
        *name_len = found == 1 ? s.name_len : 0;
    return found == 1 && s.name ? 1 : 0;
}
