/* Writing a version 3 cache: the namer's answers stored per token and per
 * generated function, and the line tables of the texts (src/frames.h,
 * docs/cache-format.md). Each answer is the public namer's, asked at a
 * position where it decides by the token or the function being stored. */
#include "../cache.h"
#include "../frames.h"
#include "js.h"

#define NAME_BUF 4096

/* Distinct function names, each stored once. */
typedef struct names {
    lsm_buf_t entries; /* u64 offset, u64 length */
    lsm_buf_t bytes;   /* each followed by a NUL */
    uint32_t count;
    uint32_t *slots; /* open addressing: index + 1, 0 empty */
    uint32_t cap;    /* a power of two */
} names_t;

static uint32_t hash(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static const char *name_of(const names_t *N, uint32_t k, size_t *n) {
    const uint8_t *e = N->entries.data + (size_t)k * LSM_STRTAB_ENTRY;
    *n = (size_t)lsm_rd64(e + 8);
    return (const char *)N->bytes.data + lsm_rd64(e);
}

static bool grow(names_t *N) {
    uint32_t cap = N->cap ? N->cap * 2 : 1024;
    uint32_t *slots = lsm_calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (uint32_t k = 0; k < N->count; k++) {
        size_t n;
        const char *s = name_of(N, k, &n);
        uint32_t h = hash(s, n) & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = k + 1;
    }
    lsm_free(N->slots);
    N->slots = slots;
    N->cap = cap;
    return true;
}

/* The index of name `s`, added when new; UINT32_MAX on LSM_ERR_NOMEM. */
static uint32_t intern(names_t *N, const char *s, size_t n) {
    if ((uint64_t)(N->count + 1) * 2 > N->cap && !grow(N))
        return UINT32_MAX;
    uint32_t h = hash(s, n) & (N->cap - 1);
    for (; N->slots[h]; h = (h + 1) & (N->cap - 1)) {
        size_t m;
        const char *t = name_of(N, N->slots[h] - 1, &m);
        if (m == n && memcmp(s, t, n) == 0)
            return N->slots[h] - 1;
    }
    uint8_t e[LSM_STRTAB_ENTRY];
    lsm_wr64(e, N->bytes.len);
    lsm_wr64(e + 8, n);
    if (lsm_buf_append(&N->bytes, s, n) || lsm_buf_append(&N->bytes, "", 1) ||
        lsm_buf_append(&N->entries, e, sizeof e))
        return UINT32_MAX;
    N->slots[h] = N->count + 1;
    return N->count++;
}

/* The stored value of the namer's answer at (line, col), when it decided
 * on the original side: 1 without a name, 2 in an anonymous function,
 * k + 3 with name k; else 0. */
static int token_value(lsm_js_namer_t *namer, names_t *N, uint32_t line, uint32_t col,
                       char *buf, uint32_t *value, lsm_error_t *err) {
    size_t n = 0;
    int how = LSM_NAME_NONE;
    int rc = lsm_js_namer_name_at(namer, line, col, buf, NAME_BUF, &n, &how, err);
    if (rc < 0)
        return -1;
    *value = 0;
    if (how == LSM_NAME_ANONYMOUS) {
        *value = 2;
        return 0;
    }
    if (how != LSM_NAME_FROM_ORIGINAL)
        return 0;
    if (rc == 0) {
        *value = 1;
        return 0;
    }
    uint32_t k = intern(N, buf, n < NAME_BUF ? n : NAME_BUF - 1);
    if (k == UINT32_MAX || k > UINT32_MAX - 4)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    *value = k + 3;
    return 0;
}

/* Section 12: per token. A frame lookup picks the first token of a run at
 * one position on an exact hit and the last one past it, so the first is
 * asked at its position and the last one column further, where only it
 * can be found; a token in between is never found. */
static int token_section(const lsm_view_t *view, lsm_js_namer_t *namer, names_t *N, char *buf,
                         uint8_t *out, lsm_error_t *err) {
    uint32_t count = view->token_count;
    for (uint32_t line = 0; line < view->line_count; line++) {
        uint32_t first = lsm_line_start(view, line), end = lsm_line_start(view, line + 1);
        for (uint32_t i = first; i < end && i < count;) {
            uint32_t c = lsm_field(view->records, &view->packing, i, F_DST_COL);
            uint32_t j = i + 1;
            while (j < end && lsm_field(view->records, &view->packing, j, F_DST_COL) == c)
                j++;
            uint32_t v = 0, last = 0;
            if (token_value(namer, N, line, c, buf, &v, err))
                return -1;
            last = v;
            if (j - i > 1 && c < UINT32_MAX &&
                (j == end || lsm_field(view->records, &view->packing, j, F_DST_COL) > c + 1) &&
                token_value(namer, N, line, c + 1, buf, &last, err))
                return -1;
            for (uint32_t k = i; k < j; k++)
                lsm_wr32(out + (size_t)k * 4, k + 1 == j ? last : v);
            i = j;
        }
    }
    return 0;
}

/* Section 13: the generated functions, each with its name as the namer
 * maps it (asked at the function's start, where it is the innermost).
 * Anonymous ones are asked too: the namer names some of them from around
 * them (esbuild's `var t=e(()=>{...})` initialisers take t's name). */
static int scope_section(const lsm_view_t *view, const lsm_js_namer_t *namer, names_t *N,
                         char *buf, lsm_buf_t *out, lsm_error_t *err) {
    /* The scopes the namer already scanned: the bundle is scanned once. */
    const lsm_js_scopes_t *S = js_namer_minified(namer);
    if (!S)
        return 0;
    int rc = -1;
    lsm_js_namer_t *gen = js_namer_new_borrowed(view, S, LSM_NAMES_GENERATED_ONLY, err);
    if (!gen)
        goto done;
    for (uint32_t k = 0; k < S->count; k++) {
        const js_scope_t *s = &S->scopes[k];
        uint32_t name = 0;
        if (js_scopes_find(S, s->start_line, s->start_col) == k) {
            size_t n = 0;
            int how = 0;
            int found = lsm_js_namer_name_at(gen, s->start_line, s->start_col, buf, NAME_BUF,
                                             &n, &how, err);
            if (found < 0)
                goto done;
            if (found == 1 && how == LSM_NAME_FROM_GENERATED) {
                uint32_t id = intern(N, buf, n < NAME_BUF ? n : NAME_BUF - 1);
                if (id == UINT32_MAX) {
                    lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
                    goto done;
                }
                name = id + 1;
            }
        }
        uint8_t r[LSM_SCOPE_RECORD];
        lsm_wr32(r, s->start_line);
        lsm_wr32(r + 4, s->start_col);
        lsm_wr32(r + 8, s->end_line);
        lsm_wr32(r + 12, s->end_col);
        lsm_wr32(r + 16, s->parent == JS_NONE ? LSM_NO_ID : s->parent);
        lsm_wr32(r + 20, name);
        if (lsm_buf_append(out, r, sizeof r)) {
            lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    rc = 0;
done:
    lsm_js_namer_free(gen);
    return rc;
}

/* Appends the line table of a text to sections 16 and 17. */
static int add_lines(const char *text, size_t len, lsm_buf_t *dir, lsm_buf_t *starts) {
    uint8_t e[LSM_LINEDIR_ENTRY] = {0};
    lsm_linetab_t *L = text && len <= UINT32_MAX ? lsm_linetab_build(text, len) : NULL;
    if (text && len <= UINT32_MAX && !L)
        return -1;
    if (L) {
        lsm_wr64(e, starts->len / 4);
        lsm_wr32(e + 8, L->count);
        lsm_wr32(e + 12, L->text_len);
        if (lsm_buf_append(starts, L->starts, (size_t)L->count * 4)) {
            lsm_free(L);
            return -1;
        }
    }
    lsm_free(L);
    return lsm_buf_append(dir, e, sizeof e) ? -1 : 0;
}

int lsm_view_dump_cache_ex(const lsm_view_t *view, const char *minified_src, size_t len,
                           uint32_t flags, uint8_t **out, size_t *out_len, lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!view || !out || !out_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view, out or out_len is NULL"), -1;
    if (!minified_src && len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "minified_src is NULL"), -1;
    if (flags & ~(uint32_t)LSM_CACHE_DEFAULT)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown cache flags 0x%x", flags), -1;
    int rc = -1;
    names_t N;
    memset(&N, 0, sizeof N);
    lsm_buf_t scopes = {0}, dir = {0}, starts = {0};
    uint8_t *tokens = NULL;
    char *buf = NULL;
    lsm_js_namer_t *namer = lsm_js_namer_new(view, minified_src, len, LSM_NAMES_DEFAULT, err);
    if (!namer)
        goto done;
    buf = lsm_malloc(NAME_BUF);
    tokens = lsm_calloc(view->token_count ? view->token_count : 1, 4);
    if (!buf || !tokens)
        goto nomem;
    if (token_section(view, namer, &N, buf, tokens, err) ||
        scope_section(view, namer, &N, buf, &scopes, err))
        goto done;
    bool contents = flags & LSM_CACHE_WITH_CONTENTS;
    for (uint32_t i = 0; i < view->sources.count; i++) {
        size_t n = 0;
        const char *text = contents ? lsm_view_source_contents(view, i, &n, NULL) : NULL;
        if (add_lines(text, n, &dir, &starts))
            goto nomem;
    }
    if (add_lines(minified_src ? minified_src : NULL, len, &dir, &starts))
        goto nomem;
    lsm_cache_section_t extra[LSM_CACHE_V3_EXTRA] = {
        {tokens, (size_t)view->token_count * 4},
        {scopes.data, scopes.len},
        {N.entries.data, N.entries.len},
        {N.bytes.data, N.bytes.len},
        {dir.data, dir.len},
        {starts.data, starts.len},
    };
    rc = lsm_cache_dump(view, flags, extra, out, out_len, err);
    goto done;
nomem:
    lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
done:
    lsm_js_namer_free(namer);
    lsm_free(buf);
    lsm_free(tokens);
    lsm_free(scopes.data);
    lsm_free(dir.data);
    lsm_free(starts.data);
    lsm_free(N.entries.data);
    lsm_free(N.bytes.data);
    lsm_free(N.slots);
    return rc;
}

int lsm_view_write_cache_ex(const lsm_view_t *view, const char *minified_src, size_t len,
                            uint32_t flags, const char *path, lsm_error_t *err) {
    if (!path)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "path is NULL"), -1;
    uint8_t *data = NULL;
    size_t n = 0;
    if (lsm_view_dump_cache_ex(view, minified_src, len, flags, &data, &n, err))
        return -1;
    int rc = lsm_cache_write_file(path, data, n, err);
    lsm_free(data);
    return rc;
}
