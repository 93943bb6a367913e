/* The scope builder's private declarations, shared by the files that find
 * function scopes (scope_build.c), name them (scope_names.c), walk
 * TypeScript types (scope_types.c) and lay out the result (scopes.c). */
#ifndef LSM_JS_SCOPE_BUILD_H
#define LSM_JS_SCOPE_BUILD_H

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
    /* A function passed alone to a call whose result is assigned,
     * `var v = f(() => {…})`: the tokens of `f` and `v`, else JS_NONE. */
    uint32_t wrap_callee, wrap_var;
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

/* ------------------------------------------------------------- predicates */

/* Makes room for `need` items in one of the builder's arrays; on failure
 * records the code in B->code. */
static inline bool grow(builder_t *B, void **v, uint32_t *cap, uint32_t need, size_t size) {
    if (need <= *cap)
        return true;
    int code = lsm_array_reserve(v, cap, 0, need, size);
    if (code)
        B->code = code;
    return code == 0;
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

static inline bool is_key(const builder_t *B, uint32_t i) {
    uint8_t k = kind(B, i);
    return k == T_IDENT || k == T_PRIVATE || k == T_STR || k == T_NUM;
}

static inline bool one_of(const builder_t *B, uint32_t i, const char *const *words,
                          size_t count) {
    for (size_t k = 0; k < count; k++)
        if (is(B, i, words[k]))
            return true;
    return false;
}

static inline bool is_modifier(const builder_t *B, uint32_t i) {
    static const char *const w[] = {"static", "async", "get", "set", "public", "private",
                                    "protected", "readonly", "override", "abstract",
                                    "declare", "accessor", "*"};
    return one_of(B, i, w, sizeof w / sizeof w[0]);
}

static inline bool is_assign(const builder_t *B, uint32_t i) {
    return is(B, i, "=") || is(B, i, "||=") || is(B, i, "&&=") || is(B, i, "?\?=");
}

static inline bool is_member_dot(const builder_t *B, uint32_t i) {
    return is(B, i, ".") || is(B, i, "?.");
}

static inline bool nl_before(const builder_t *B, uint32_t i) {
    return i < B->n && (B->v[i].flags & TF_NL_BEFORE);
}

static inline const level_t *level_at(const builder_t *B, uint32_t lv) {
    return lv < B->nlevels ? &B->levels[lv] : NULL;
}

/* ------------------------------------------------- types (scope_types.c) */

LSM_INTERNAL uint32_t js_count_char(const builder_t *B, uint32_t i, char c);
LSM_INTERNAL uint32_t js_angle_open(const builder_t *B, uint32_t close);
LSM_INTERNAL uint32_t js_angle_skip(const builder_t *B, uint32_t open);
LSM_INTERNAL uint32_t js_find_body(const builder_t *B, uint32_t pclose);

/* ------------------------------------------------- names (scope_names.c) */

LSM_INTERNAL void js_name_add(name_t *nm, uint8_t type, uint32_t a, uint32_t b,
                              const char *lit);
LSM_INTERNAL void js_name_add_stored(const builder_t *B, name_t *nm, uint32_t first,
                                     uint32_t count);
/* Stores a name in the builder's parts. */
LSM_INTERNAL bool js_name_store(builder_t *B, const name_t *nm, uint32_t *first,
                                uint32_t *count);
LSM_INTERNAL uint32_t js_add_key(const builder_t *B, name_t *nm, uint32_t k);
LSM_INTERNAL void js_add_owner(builder_t *B, name_t *nm, const level_t *owner);
/* The name context gives an anonymous function or class from token `s`
 * to `e` (JS_NONE: not known yet) at bracket level `lv`. */
LSM_INTERNAL void js_infer_name(builder_t *B, uint32_t s, uint32_t e, uint32_t lv,
                                name_t *nm);

/* ------------------------------------------------ scopes (scope_build.c) */

/* Finds every function scope of B's tokens; errors land in B->code. */
LSM_INTERNAL void js_scope_scan(builder_t *B);

#endif
