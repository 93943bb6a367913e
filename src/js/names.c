/* Original function names for generated positions.
 *
 * Two ways, the first preferred:
 *  - original side: the position is mapped to the original source, and the
 *    function enclosing that original position is taken from the original
 *    text (sourcesContent, or text the caller gave). This is right even
 *    when the minifier inlined one function into another.
 *  - generated side: the function enclosing the position in the minified
 *    code is found, and each token of its name (the `t` of `function t`,
 *    the `s` and `total` of `class s{total(){}}`) is mapped through the
 *    map: the mapping's name, or else the original text at the mapped
 *    position, or else the minified text. */
#include <stdatomic.h>
#include <time.h>

#include "js.h"

#define NAME_MAX_BYTES 2048

/* Thread safety: a namer is shared by threads without a lock. What it
 * learns about a source (its scopes, its line starts) is built on first
 * use by whichever thread needs it and published with a compare-and-swap;
 * a thread that loses the race frees its copy and uses the winner's, so
 * each is built about once and never changes after. A source's text is
 * replaced (lsm_js_namer_set_source) by publishing a new source_t; the
 * old one stays readable, on the retired list, until the namer is freed. */

typedef struct lines {
    uint32_t *start; /* byte offset of each line's start */
    uint32_t count;
} lines_t;

typedef struct source {
    const char *text; /* the caller's text (owned), the view's contents, or NULL */
    size_t len;
    bool owned;
    _Atomic(lsm_js_scopes_t *) scopes;
    _Atomic(lines_t *) lines;
    struct source *retired_next;
} source_t;

struct lsm_js_namer {
    const lsm_view_t *view;
    uint32_t flags;
    /* The generated file's scopes. Set at creation, or for a deferred
     * namer (lsm_js_namer_new_deferred) published once by whichever
     * thread scans `deferred_text` first (scan_state 0 idle, 1 scanning,
     * 2 done) or by lsm_js_namer_give_scopes(). */
    _Atomic(lsm_js_scopes_t *) minified;
    bool minified_borrowed; /* js_namer_new_borrowed(): not freed with the namer */
    const char *deferred_text; /* borrowed; NULL when not deferred */
    size_t deferred_len;
    _Atomic int scan_state;
    uint32_t nsources;
    _Atomic(source_t *) *sources; /* NULL until first used or given */
    _Atomic(source_t *) retired;  /* replaced by lsm_js_namer_set_source() */
};

/* ---------------------------------------------------------------- helpers */

typedef struct out {
    char buf[NAME_MAX_BYTES];
    size_t len;
} out_t;

static void out_add(out_t *o, const char *s, size_t n) {
    if (o->len + n > sizeof o->buf - 1)
        n = sizeof o->buf - 1 - o->len;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

/* Copies a result into the caller's buffer: at most size - 1 bytes and a
 * NUL; `*len` is the whole length. */
static void deliver(const char *s, size_t n, char *buf, size_t size, size_t *len) {
    if (len)
        *len = n;
    if (!buf || !size)
        return;
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(buf, s, k);
    buf[k] = 0;
}

static void source_init(source_t *s, const char *text, size_t len, bool owned) {
    s->text = text;
    s->len = len;
    s->owned = owned;
    atomic_init(&s->scopes, NULL);
    atomic_init(&s->lines, NULL);
    s->retired_next = NULL;
}

static void source_free(source_t *s) {
    if (!s)
        return;
    lsm_js_scopes_free(atomic_load_explicit(&s->scopes, memory_order_relaxed));
    lines_t *L = atomic_load_explicit(&s->lines, memory_order_relaxed);
    if (L)
        lsm_free(L->start);
    lsm_free(L);
    if (s->owned)
        lsm_free((char *)s->text);
    lsm_free(s);
}

/* Source `id` as the namer knows it; NULL for an id out of range or on
 * LSM_ERR_NOMEM (`*code` then set). */
static source_t *get_source(lsm_js_namer_t *N, uint32_t id, int *code) {
    if (id >= N->nsources)
        return NULL;
    source_t *s = atomic_load_explicit(&N->sources[id], memory_order_acquire);
    if (s)
        return s;
    s = lsm_malloc(sizeof *s);
    if (!s) {
        *code = LSM_ERR_NOMEM;
        return NULL;
    }
    size_t len = 0;
    lsm_error_t err;
    const char *text = lsm_view_source_contents(N->view, id, &len, &err);
    if (err.code) {
        /* Contents with escapes are unescaped on first access. */
        lsm_free(s);
        *code = err.code;
        return NULL;
    }
    source_init(s, text, len, false);
    source_t *won = NULL;
    if (!atomic_compare_exchange_strong_explicit(&N->sources[id], &won, s, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        source_free(s);
        return won;
    }
    return s;
}

/* The source's scopes, built once; NULL when it has no text, or on
 * failure (`*code` set). */
static const lsm_js_scopes_t *source_scopes(lsm_js_namer_t *N, uint32_t id, source_t *s,
                                            int *code) {
    lsm_js_scopes_t *S = atomic_load_explicit(&s->scopes, memory_order_acquire);
    if (S || !s->text)
        return S;
    size_t nlen = 0;
    const char *name = lsm_view_source_name(N->view, id, &nlen, NULL);
    lsm_error_t err;
    S = lsm_js_scopes_build_ex(s->text, s->len, js_flags_for_name(name, nlen), &err);
    if (!S) {
        *code = err.code;
        return NULL;
    }
    lsm_js_scopes_t *won = NULL;
    if (!atomic_compare_exchange_strong_explicit(&s->scopes, &won, S, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        lsm_js_scopes_free(S);
        return won;
    }
    return S;
}

static bool is_line_end(const char *text, size_t len, size_t i, size_t *next) {
    uint8_t c = (uint8_t)text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
        *next = i + 1;
        return true;
    }
    if (c == 0xE2 && i + 2 < len && (uint8_t)text[i + 1] == 0x80 &&
        ((uint8_t)text[i + 2] == 0xA8 || (uint8_t)text[i + 2] == 0xA9)) {
        *next = i + 3;
        return true;
    }
    return false;
}

/* The source's line starts, built once; NULL on failure (`*code` set). */
static const lines_t *source_lines(source_t *s, int *code) {
    lines_t *L = atomic_load_explicit(&s->lines, memory_order_acquire);
    if (L)
        return L;
    uint32_t count = 1;
    size_t next;
    for (size_t i = 0; i < s->len; i++)
        if (is_line_end(s->text, s->len, i, &next))
            count++;
    L = lsm_malloc(sizeof *L);
    uint32_t *start = lsm_malloc((size_t)count * sizeof *start);
    if (!L || !start) {
        lsm_free(L);
        lsm_free(start);
        *code = LSM_ERR_NOMEM;
        return NULL;
    }
    uint32_t k = 0;
    start[k++] = 0;
    for (size_t i = 0; i < s->len && k < count; i++)
        if (is_line_end(s->text, s->len, i, &next))
            start[k++] = (uint32_t)next;
    L->start = start;
    L->count = count;
    lines_t *won = NULL;
    if (!atomic_compare_exchange_strong_explicit(&s->lines, &won, L, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        lsm_free(L->start);
        lsm_free(L);
        return won;
    }
    return L;
}

/* The byte offset of (line, col) in the source's text, or SIZE_MAX. */
static size_t source_offset(source_t *s, uint32_t line, uint32_t col, int *code) {
    if (!s || !s->text)
        return SIZE_MAX;
    const lines_t *L = source_lines(s, code);
    if (!L || line >= L->count)
        return SIZE_MAX;
    const char *text = s->text;
    size_t len = s->len;
    size_t i = L->start[line];
    size_t end = line + 1 < L->count ? L->start[line + 1] : len;
    uint32_t units = 0;
    while (units < col && i < end) {
        uint32_t cp;
        size_t k = js_utf8_decode((const uint8_t *)text + i, len - i, &cp);
        units += cp >= 0x10000 ? 2 : 1;
        i += k;
    }
    return units == col ? i : SIZE_MAX;
}

/* The identifier (or the contents of the string literal) at `off` in
 * source `id`'s text. */
static bool read_name_at(const source_t *src, size_t off, const char **s, size_t *n) {
    const char *text = src->text;
    size_t len = src->len;
    if (!text || off >= len)
        return false;
    const uint8_t *t = (const uint8_t *)text;
    size_t i = off;
    if (t[i] == '"' || t[i] == '\'') {
        uint8_t q = t[i++];
        size_t start = i;
        while (i < len && t[i] != q && t[i] != '\n' && i - start < 256)
            i++;
        if (i >= len || t[i] != q)
            return false;
        *s = text + start;
        *n = i - start;
        return true;
    }
    if (t[i] == '#')
        i++;
    while (i < len) {
        uint8_t c = t[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '$') {
            i++;
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t k = js_utf8_decode(t + i, len - i, &cp);
            if (js_is_space_cp(cp) || js_is_line_term_cp(cp) || cp == 0xFFFD)
                break;
            i += k;
        } else {
            break;
        }
    }
    if (i == off || (t[off] >= '0' && t[off] <= '9'))
        return false;
    *s = text + off;
    *n = i - off;
    return true;
}

/* The offset past the white space and name-leading keywords (those of
 * js_part_t.lead_col) at `off` on one line of `t`. */
static size_t skip_name_lead(const char *t, size_t len, size_t off) {
    static const char *const words[] = {"function", "class", "async", "static", "get", "set"};
    size_t i = off;
    for (int guard = 0; guard < 16 && i < len; guard++) {
        while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '*'))
            i++;
        size_t w = 0;
        for (size_t k = 0; k < sizeof words / sizeof words[0] && !w; k++) {
            size_t n = strlen(words[k]);
            if (len - i > n && memcmp(t + i, words[k], n) == 0 &&
                (t[i + n] == ' ' || t[i + n] == '\t' || t[i + n] == '*'))
                w = n;
        }
        if (!w)
            break;
        i += w;
    }
    return i;
}

/* The original text for one token part of a minified name. A mapping on
 * the token itself: the original text at the mapped position, else the
 * mapping's name. A mapping on the run of white space and keywords just
 * before the token (js_part_t.lead_col): the mapping's name, else the
 * name after the same run in the original text. Else the minified text. */
static void map_part(lsm_js_namer_t *N, const lsm_js_scopes_t *S, const js_part_t *p,
                     out_t *o, int *code) {
    const char *text = S->strbuf + p->text_off;
    size_t n = p->text_len;
    lsm_token_t tok;
    if (lsm_lookup_ex(N->view, p->line, p->col, LSM_RULE_SAME_LINE, &tok, NULL) != 1 ||
        tok.dst_line != p->line || tok.dst_col < p->lead_col) {
        out_add(o, text, n);
        return;
    }
    const char *s;
    size_t k;
    source_t *src = get_source(N, tok.src_id, code);
    size_t off = source_offset(src, tok.src_line, tok.src_col, code);
    if (tok.dst_col == p->col) {
        /* The original text first: bundlers' names can be their own
         * renamings (esbuild's `_Shape` for the class `Shape`). */
        if (off != SIZE_MAX && read_name_at(src, off, &s, &k)) {
            out_add(o, s, k);
            return;
        }
        if (tok.name) {
            out_add(o, tok.name, tok.name_len);
            return;
        }
    } else {
        /* The mapping describes the run, so its name is the best word. */
        if (tok.name) {
            out_add(o, tok.name, tok.name_len);
            return;
        }
        if (off != SIZE_MAX) {
            size_t at = skip_name_lead(src->text, src->len, off);
            if (at != off && read_name_at(src, at, &s, &k)) {
                out_add(o, s, k);
                return;
            }
        }
    }
    out_add(o, text, n);
}

/* A minified scope's name with each token mapped. */
static void map_scope_name(lsm_js_namer_t *N, const lsm_js_scopes_t *S, uint32_t k, out_t *o,
                           int *code) {
    const js_scope_t *s = &S->scopes[k];
    for (uint32_t q = 0; q < s->part_count; q++) {
        const js_part_t *p = &S->parts[s->first_part + q];
        if (p->line == LSM_NO_ID)
            out_add(o, S->strbuf + p->text_off, p->text_len);
        else
            map_part(N, S, p, o, code);
    }
}

/* The mapping's name of the token starting exactly at generated
 * (line, col), or NULL. */
static const char *exact_name(const lsm_js_namer_t *N, uint32_t line, uint32_t col,
                              size_t *n) {
    lsm_token_t tok;
    if (line == LSM_NO_ID ||
        lsm_lookup_ex(N->view, line, col, LSM_RULE_SAME_LINE, &tok, NULL) != 1 ||
        tok.dst_line != line || tok.dst_col != col || !tok.name)
        return NULL;
    *n = tok.name_len;
    return tok.name;
}

static bool name_is(const char *s, size_t n, const char *want) {
    return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* esbuild's lazy module initialiser `var v = f(() => {…})` whose `f` maps
 * to its runtime's __esm or __commonJS (minified: __esmMin,
 * __commonJSMin): named by the mapping's name of `v` (`init_themes`). */
static bool map_wrapper_name(const lsm_js_namer_t *N, const js_scope_t *s, out_t *o) {
    size_t n = 0, vn = 0;
    const char *f = exact_name(N, s->wrap_callee_line, s->wrap_callee_col, &n);
    if (!(name_is(f, n, "__esm") || name_is(f, n, "__esmMin") || name_is(f, n, "__commonJS") ||
          name_is(f, n, "__commonJSMin")))
        return false;
    const char *v = exact_name(N, s->wrap_var_line, s->wrap_var_col, &vn);
    if (!v)
        return false;
    out_add(o, v, vn);
    return true;
}

/* ------------------------------------------------------------------- API */

lsm_js_namer_t *lsm_js_namer_new(const lsm_view_t *view, const char *minified_src, size_t len,
                                 uint32_t flags, lsm_error_t *err) {
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    if (!minified_src && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "minified_src is NULL");
        return NULL;
    }
    if (flags & ~(uint32_t)LSM_NAMES_GENERATED_ONLY) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown namer flags 0x%x", flags);
        return NULL;
    }
    lsm_js_namer_t *N = lsm_calloc(1, sizeof *N);
    if (!N) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    N->view = view;
    N->flags = flags;
    atomic_init(&N->minified, NULL);
    atomic_init(&N->scan_state, 0);
    N->nsources = lsm_view_source_count(view);
    N->sources = lsm_malloc((N->nsources ? N->nsources : 1) * sizeof *N->sources);
    if (N->sources)
        for (uint32_t i = 0; i < N->nsources; i++)
            atomic_init(&N->sources[i], NULL);
    atomic_init(&N->retired, NULL);
    if (!N->sources) {
        lsm_free(N);
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (minified_src) {
        N->minified = lsm_js_scopes_build(minified_src, len, err);
        if (!N->minified) {
            lsm_js_namer_free(N);
            return NULL;
        }
    }
    lsm_clear_error(err);
    return N;
}

lsm_js_namer_t *lsm_js_namer_new_with_scopes(const lsm_view_t *view, lsm_js_scopes_t *scopes,
                                             uint32_t flags, lsm_error_t *err) {
    lsm_js_namer_t *N = lsm_js_namer_new(view, NULL, 0, flags, err);
    if (!N) {
        lsm_js_scopes_free(scopes);
        return NULL;
    }
    N->minified = scopes;
    return N;
}

lsm_js_namer_t *js_namer_new_borrowed(const lsm_view_t *view, const lsm_js_scopes_t *scopes,
                                      uint32_t flags, lsm_error_t *err) {
    lsm_js_namer_t *N = lsm_js_namer_new(view, NULL, 0, flags, err);
    if (!N)
        return NULL;
    N->minified = (lsm_js_scopes_t *)scopes; /* only read */
    N->minified_borrowed = true;
    return N;
}

static const lsm_js_scopes_t *generated_scopes(lsm_js_namer_t *N, int *code);

lsm_js_namer_t *lsm_js_namer_new_deferred(const lsm_view_t *view, const char *minified_src,
                                          size_t len, uint32_t flags, lsm_error_t *err) {
    if (!minified_src && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "minified_src is NULL");
        return NULL;
    }
    if (len >= UINT32_MAX) {
        lsm_set_error(err, LSM_ERR_TOO_LARGE, "source of %zu bytes is too large", len);
        return NULL;
    }
    lsm_js_namer_t *N =
        lsm_js_namer_new(view, NULL, 0, flags & ~(uint32_t)LSM_NAMES_SCOPES_COMING, err);
    if (!N)
        return NULL;
    N->deferred_text = minified_src ? minified_src : NULL;
    N->deferred_len = len;
    /* A scan running elsewhere: callers wait for lsm_js_namer_give_scopes(). */
    if ((flags & LSM_NAMES_SCOPES_COMING) && minified_src)
        atomic_store(&N->scan_state, 1);
    return N;
}

int lsm_js_namer_prepare(lsm_js_namer_t *namer, lsm_error_t *err) {
    if (!namer)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "namer is NULL"), -1;
    int code = LSM_OK;
    generated_scopes(namer, &code);
    if (code != LSM_OK)
        return lsm_set_error(err, code, code == LSM_ERR_NOMEM ? "out of memory"
                                                              : "cannot scan the generated file"),
               -1;
    lsm_clear_error(err);
    return 0;
}

int lsm_js_namer_give_scopes(lsm_js_namer_t *namer, lsm_js_scopes_t *scopes, lsm_error_t *err) {
    if (!namer) {
        lsm_js_scopes_free(scopes);
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "namer is NULL"), -1;
    }
    if (!scopes) {
        /* The scan elsewhere failed: the next caller that needs the
         * scopes scans (unless they came meanwhile). */
        int coming = 1;
        if (namer->deferred_text && !atomic_load(&namer->minified))
            atomic_compare_exchange_strong(&namer->scan_state, &coming, 0);
        lsm_clear_error(err);
        return 0;
    }
    lsm_js_scopes_t *none = NULL;
    if (!namer->deferred_text ||
        !atomic_compare_exchange_strong_explicit(&namer->minified, &none, scopes,
                                                 memory_order_acq_rel, memory_order_acquire))
        lsm_js_scopes_free(scopes); /* not deferred, or its own scan came first */
    lsm_clear_error(err);
    return 0;
}

const lsm_js_scopes_t *js_namer_minified(const lsm_js_namer_t *namer) {
    return namer->minified;
}

void lsm_js_namer_free(lsm_js_namer_t *namer) {
    if (!namer)
        return;
    for (uint32_t i = 0; namer->sources && i < namer->nsources; i++)
        source_free(atomic_load_explicit(&namer->sources[i], memory_order_acquire));
    source_t *r = atomic_load_explicit(&namer->retired, memory_order_acquire);
    while (r) {
        source_t *next = r->retired_next;
        source_free(r);
        r = next;
    }
    lsm_free(namer->sources);
    if (!namer->minified_borrowed)
        lsm_js_scopes_free(namer->minified);
    lsm_free(namer);
}

int lsm_js_namer_set_source(lsm_js_namer_t *namer, uint32_t src_id, const char *text,
                            size_t len, lsm_error_t *err) {
    if (!namer || (!text && len))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "namer or text is NULL"), -1;
    if (src_id >= namer->nsources)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id,
                             namer->nsources),
               -1;
    char *copy = lsm_malloc(len + 1);
    source_t *s = lsm_malloc(sizeof *s);
    if (!copy || !s) {
        lsm_free(copy);
        lsm_free(s);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    if (len)
        memcpy(copy, text, len);
    copy[len] = 0;
    source_init(s, copy, len, true);
    /* Readers may hold the old one: it is freed with the namer. */
    source_t *old = atomic_exchange_explicit(&namer->sources[src_id], s, memory_order_acq_rel);
    if (old) {
        old->retired_next = atomic_load_explicit(&namer->retired, memory_order_relaxed);
        while (!atomic_compare_exchange_weak_explicit(&namer->retired, &old->retired_next, old,
                                                      memory_order_acq_rel,
                                                      memory_order_relaxed))
            ;
    }
    lsm_clear_error(err);
    return 0;
}

/* The generated file's scopes, NULL when there is no generated file or
 * on failure (`*code` set). A deferred namer scans on first need; a
 * thread that finds another scanning waits for it rather than scanning
 * too (a scan that fails leaves the next caller to try again). */
static const lsm_js_scopes_t *generated_scopes(lsm_js_namer_t *N, int *code) {
    lsm_js_scopes_t *S = atomic_load_explicit(&N->minified, memory_order_acquire);
    if (S || !N->deferred_text)
        return S;
    for (;;) {
        int idle = 0;
        if (atomic_compare_exchange_strong(&N->scan_state, &idle, 1)) {
            lsm_error_t err;
            S = lsm_js_scopes_build(N->deferred_text, N->deferred_len, &err);
            if (!S) {
                atomic_store(&N->scan_state, 0);
                *code = err.code;
                return NULL;
            }
            lsm_js_scopes_t *given = NULL;
            if (!atomic_compare_exchange_strong_explicit(&N->minified, &given, S,
                                                         memory_order_acq_rel,
                                                         memory_order_acquire)) {
                lsm_js_scopes_free(S); /* lsm_js_namer_give_scopes() came first */
                S = given;
            }
            atomic_store(&N->scan_state, 2);
            return S;
        }
        S = atomic_load_explicit(&N->minified, memory_order_acquire);
        if (S)
            return S;
        struct timespec nap = {0, 200000};
        nanosleep(&nap, NULL);
    }
}

/* Whether generated (line, col) lies after the end of the innermost
 * generated function containing token position (tline, tcol): then the
 * token's mapping describes code that ended before the position. At the
 * token's own position it cannot (the function found contains it), so
 * an exact hit needs no scan. */
static bool past_token_function(lsm_js_namer_t *N, uint32_t tline, uint32_t tcol,
                                uint32_t line, uint32_t col, int *code) {
    if (tline == line && tcol == col)
        return false;
    const lsm_js_scopes_t *G = generated_scopes(N, code);
    if (!G)
        return false;
    uint32_t k = js_scopes_find(G, tline, tcol);
    if (k == JS_NONE)
        return false;
    const js_scope_t *s = &G->scopes[k];
    return line > s->end_line || (line == s->end_line && col >= s->end_col);
}

/* The frame lookup: LSM_RULE_SAME_LINE, refused past the token's function. */
static int frame_lookup(lsm_js_namer_t *N, uint32_t line, uint32_t col, lsm_token_t *out,
                        int *code) {
    int rc = lsm_lookup_ex(N->view, line, col, LSM_RULE_SAME_LINE, out, NULL);
    if (rc == 1 && past_token_function(N, out->dst_line, out->dst_col, line, col, code))
        return 0;
    return rc;
}

int lsm_js_namer_lookup(lsm_js_namer_t *namer, uint32_t line, uint32_t col, lsm_token_t *out,
                        lsm_error_t *err) {
    if (!namer || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "namer or out is NULL"), -1;
    lsm_clear_error(err);
    lsm_token_t tok;
    int code = LSM_OK;
    int rc = lsm_lookup_ex(namer->view, line, col, LSM_RULE_SAME_LINE, &tok, NULL);
    bool past = rc == 1 && past_token_function(namer, tok.dst_line, tok.dst_col, line, col, &code);
    *out = tok;
    if (code != LSM_OK)
        return lsm_set_error(err, code, code == LSM_ERR_NOMEM ? "out of memory"
                                                              : "cannot scan the generated file"),
               -1;
    return past ? 2 : rc;
}

/* Sets `err` for a failure code of the scans below. */
static int scan_failed(lsm_error_t *err, int code) {
    return lsm_set_error(err, code, code == LSM_ERR_NOMEM ? "out of memory" : "cannot scan a source"),
           -1;
}

/* lsm_js_namer_name_at() once the frame lookup is done: `found_tok` is
 * the token it found (lsm_js_namer_lookup() returning 1), or NULL when
 * it found none, refused it, or the namer names from the generated side
 * only; `g` is js_scopes_find() of the generated scopes at (line, col)
 * when already known, else JS_NONE - 1 (then the generated scopes are
 * asked for only when needed: a deferred namer may not have them yet).
 * The outputs are cleared by the caller. */
static int name_for(lsm_js_namer_t *namer, uint32_t line, uint32_t col,
                    const lsm_token_t *found_tok, uint32_t g, char *buf, size_t size,
                    size_t *name_len, int *how, lsm_error_t *err) {
    int code = LSM_OK;
    const lsm_js_scopes_t *G = g != JS_NONE - 1 ? generated_scopes(namer, &code) : NULL;
    out_t *o = lsm_malloc(sizeof *o);
    if (!o)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    o->len = 0;
    o->buf[0] = 0;
    int found = 0;

    /* Original side. */
    if (found_tok) {
        const lsm_token_t tok = *found_tok;
        source_t *src = get_source(namer, tok.src_id, &code);
        const lsm_js_scopes_t *S = src ? source_scopes(namer, tok.src_id, src, &code) : NULL;
        if (code != LSM_OK)
            goto cleanup;
        if (S) {
            uint32_t k = js_scopes_find(S, tok.src_line, tok.src_col);
            if (how)
                *how = k == JS_NONE || S->scopes[k].name_off != JS_NONE ? LSM_NAME_FROM_ORIGINAL
                                                                         : LSM_NAME_ANONYMOUS;
            if (k != JS_NONE && S->scopes[k].name_off != JS_NONE) {
                out_add(o, S->strbuf + S->scopes[k].name_off, S->scopes[k].name_len);
                found = 1;
            }
            /* Top-level code of the original may run inside a function
             * the bundler wrapped it in (esbuild's `init_x = __esm(…)`):
             * then that function's name, from the generated side. */
            if (k != JS_NONE)
                goto cleanup;
            if (!G)
                G = generated_scopes(namer, &code);
            if (!G)
                goto cleanup;
            if (g == JS_NONE - 1)
                g = js_scopes_find(G, line, col);
            if (g == JS_NONE || (G->scopes[g].name_off == JS_NONE &&
                                 G->scopes[g].wrap_callee_line == LSM_NO_ID))
                goto cleanup;
        }
    }

    /* Generated side. */
    if (!G)
        G = generated_scopes(namer, &code);
    if (code != LSM_OK)
        goto cleanup;
    if (G) {
        uint32_t k = g != JS_NONE - 1 ? g : js_scopes_find(G, line, col);
        if (k != JS_NONE && G->scopes[k].name_off != JS_NONE) {
            map_scope_name(namer, G, k, o, &code);
            if (code != LSM_OK)
                goto cleanup;
            found = 1;
            if (how)
                *how = LSM_NAME_FROM_GENERATED;
        } else if (k != JS_NONE && map_wrapper_name(namer, &G->scopes[k], o)) {
            found = 1;
            if (how)
                *how = LSM_NAME_FROM_GENERATED;
        }
    }

cleanup:
    if (code != LSM_OK) {
        lsm_free(o);
        return scan_failed(err, code);
    }
    if (found)
        deliver(o->buf, o->len, buf, size, name_len);
    lsm_free(o);
    lsm_clear_error(err);
    return found;
}

int lsm_js_namer_name_at(lsm_js_namer_t *namer, uint32_t line, uint32_t col, char *buf,
                         size_t size, size_t *name_len, int *how, lsm_error_t *err) {
    js_name_outputs_clear(buf, size, name_len, how);
    if (!namer)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "namer is NULL"), -1;
    int code = LSM_OK;
    lsm_token_t tok;
    bool original = !(namer->flags & LSM_NAMES_GENERATED_ONLY) &&
                    frame_lookup(namer, line, col, &tok, &code) == 1;
    if (code != LSM_OK)
        return scan_failed(err, code);
    int found = name_for(namer, line, col, original ? &tok : NULL, JS_NONE - 1, buf, size,
                         name_len, how, err);
    if (found < 0)
        js_name_outputs_clear(buf, size, name_len, how);
    return found;
}

int js_namer_resolve(lsm_js_namer_t *namer, uint32_t line, uint32_t col, lsm_token_t *tok,
                     char *buf, size_t size, size_t *name_len, int *how, int *named,
                     lsm_error_t *err) {
    /* lsm_js_namer_lookup(), keeping the generated scope it finds around
     * the token: the one around the position when the token is there. An
     * exact hit needs no generated scopes, so a deferred namer that has
     * none yet is not made to scan for it. */
    int rc = lsm_lookup_ex(namer->view, line, col, LSM_RULE_SAME_LINE, tok, NULL);
    uint32_t g = JS_NONE - 1;
    if (rc == 1) {
        bool exact = tok->dst_line == line && tok->dst_col == col;
        int code = LSM_OK;
        const lsm_js_scopes_t *G = exact ? js_namer_minified(namer) : generated_scopes(namer, &code);
        if (code != LSM_OK)
            return scan_failed(err, code);
        if (G) {
            uint32_t k = js_scopes_find(G, tok->dst_line, tok->dst_col);
            if (exact)
                g = k;
            else if (k != JS_NONE) {
                const js_scope_t *s = &G->scopes[k];
                if (line > s->end_line || (line == s->end_line && col >= s->end_col))
                    rc = 2;
            }
        }
    }
    if (rc < 0)
        return lsm_clear_error(err), rc;
    bool original = rc == 1 && !(namer->flags & LSM_NAMES_GENERATED_ONLY);
    int found = name_for(namer, line, col, original ? tok : NULL, g, buf, size, name_len, how,
                         err);
    if (found < 0)
        return -1;
    *named = found;
    return rc;
}

int lsm_js_namer_name_once(const lsm_view_t *view, const char *minified_src,
                           size_t len, uint32_t line, uint32_t col, char *buf,
                           size_t size, size_t *name_len, lsm_error_t *err) {
    if (name_len)
        *name_len = 0;
    lsm_js_namer_t *N = lsm_js_namer_new(view, minified_src, len, LSM_NAMES_DEFAULT, err);
    if (!N)
        return -1;
    int rc = lsm_js_namer_name_at(N, line, col, buf, size, name_len, NULL, err);
    lsm_js_namer_free(N);
    return rc;
}

int lsm_view_get_original_function_name(const lsm_view_t *view, uint32_t line, uint32_t col,
                                        const char *minified_name, size_t minified_name_len,
                                        const char *minified_src, size_t src_len, char *buf,
                                        size_t size, size_t *name_len, lsm_error_t *err) {
    if (name_len)
        *name_len = 0;
    if (buf && size)
        buf[0] = 0;
    if (!minified_name && minified_name_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "minified_name is NULL"), -1;
    if (!minified_src)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "minified_src is NULL"), -1;
    lsm_js_namer_t *N = lsm_js_namer_new(view, minified_src, src_len, LSM_NAMES_DEFAULT, err);
    if (!N)
        return -1;

    /* The name's last component: `t` of `new t`, `total` of `s.total`. */
    const char *want = minified_name ? minified_name : "";
    size_t want_len = minified_name_len;
    for (size_t i = want_len; i-- > 0;) {
        if (want[i] == '.' || want[i] == ' ') {
            want += i + 1;
            want_len -= i + 1;
            break;
        }
    }
    int code = LSM_OK, found = 0;
    out_t *o = lsm_malloc(sizeof *o);
    if (!o) {
        lsm_js_namer_free(N);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    o->len = 0;
    /* 0.8's answer where it had one: code written for it gets the same. */
    lsm_token_t tok;
    if (js_function_name_08(view, line, col, minified_name ? minified_name : "",
                            minified_name_len, minified_src, src_len, &tok) == 1) {
        out_add(o, tok.name, tok.name_len);
        found = 1;
    }
    const lsm_js_scopes_t *S = N->minified;
    uint32_t k = want_len ? js_scopes_find(S, line, col) : JS_NONE;
    /* The innermost enclosing function one of whose name tokens is the
     * minified name. */
    for (uint32_t guard = 0; k != JS_NONE && k != LSM_NO_ID && guard <= S->count && !found;
         guard++) {
        const js_scope_t *s = &S->scopes[k];
        for (uint32_t q = s->part_count; q-- > 0;) {
            const js_part_t *p = &S->parts[s->first_part + q];
            if (p->line != LSM_NO_ID && p->text_len == want_len &&
                memcmp(S->strbuf + p->text_off, want, want_len) == 0) {
                map_part(N, S, p, o, &code);
                found = code == LSM_OK;
                break;
            }
        }
        k = s->parent;
    }
    if (found)
        deliver(o->buf, o->len, buf, size, name_len);
    lsm_free(o);
    lsm_js_namer_free(N);
    if (code != LSM_OK)
        return lsm_set_error(err, code, "out of memory"), -1;
    lsm_clear_error(err);
    return found;
}
