/* Building a source map from tokens.
 *
 * The builder collects sources (deduplicated by name), their contents,
 * names (deduplicated), tokens and properties, then writes them as JSON
 * with the encoder's writer; a view is made by reading that JSON, so a
 * built map passes exactly the parser's validation. */
#include <stdlib.h>

#include "encode.h"
#include "json_check.h"

/* A table of distinct strings: bytes in `blob`, (offset, length) by id,
 * and an open-addressing hash from string to id + 1. Null entries (a
 * source without a name) are never deduplicated. */
typedef struct strset {
    lsm_buf_t blob;
    lsm_buf_t spans;   /* uint64_t offset, uint64_t length; offset UINT64_MAX: null */
    uint32_t count;
    uint32_t *slots;   /* id + 1, 0 empty */
    uint32_t slot_count;
} strset_t;

typedef struct btoken {
    uint32_t dst_line, dst_col, src_id, src_line, src_col, name_id;
    uint32_t seq; /* insertion order, for a stable sort */
} btoken_t;

struct lsm_builder {
    strset_t sources, names;
    strset_t contents; /* not deduplicated: one entry per source, null when absent */
    lsm_buf_t tokens;  /* btoken_t */
    uint32_t token_count;
    lsm_buf_t ignore;  /* uint32_t */
    uint32_t ignore_count;
    strset_t meta;     /* META_COUNT entries, null when unset */
    strset_t extras;   /* name, JSON text pairs; a removed field's text is null */
};

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static void span_of(const strset_t *set, uint32_t id, const char **s, size_t *n) {
    uint64_t span[2];
    memcpy(span, set->spans.data + (size_t)id * 16, 16);
    if (span[0] == UINT64_MAX) {
        *s = NULL;
        *n = 0;
        return;
    }
    /* Only empty strings so far: the blob has no memory yet. */
    *s = set->blob.data ? (const char *)set->blob.data + span[0] : "";
    *n = (size_t)span[1];
}

static int append_entry(strset_t *set, const char *s, size_t n) {
    uint64_t span[2] = {UINT64_MAX, 0};
    if (s) {
        span[0] = set->blob.len;
        span[1] = n;
        if (lsm_buf_append(&set->blob, s, n))
            return LSM_ERR_NOMEM;
    }
    if (lsm_buf_append(&set->spans, span, sizeof span))
        return LSM_ERR_NOMEM;
    set->count++;
    return 0;
}

static void set_entry(strset_t *set, uint32_t id, const char *s, size_t n, int *code) {
    /* Replacing leaves the old bytes in the blob: contents are set once
     * in practice, and the builder is short-lived. */
    uint64_t span[2] = {UINT64_MAX, 0};
    if (s) {
        span[0] = set->blob.len;
        span[1] = n;
        if (lsm_buf_append(&set->blob, s, n)) {
            *code = LSM_ERR_NOMEM;
            return;
        }
    }
    memcpy(set->spans.data + (size_t)id * 16, span, 16);
}

static int rehash(strset_t *set) {
    uint32_t n = set->slot_count ? set->slot_count * 2 : 64;
    uint32_t *slots = lsm_calloc(n, sizeof *slots);
    if (!slots)
        return LSM_ERR_NOMEM;
    for (uint32_t id = 0; id < set->count; id++) {
        const char *s;
        size_t len;
        span_of(set, id, &s, &len);
        if (!s)
            continue;
        uint32_t k = (uint32_t)hash_bytes(s, len) & (n - 1);
        while (slots[k])
            k = (k + 1) & (n - 1);
        slots[k] = id + 1;
    }
    lsm_free(set->slots);
    set->slots = slots;
    set->slot_count = n;
    return 0;
}

/* The id of `s`, added when new. Returns the id, or -1 with err set. */
static int64_t intern(strset_t *set, const char *s, size_t n, lsm_error_t *err) {
    if (set->count >= UINT32_MAX - 1)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 entries"), -1;
    if (!s)
        return append_entry(set, NULL, 0) ? (lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1)
                                          : (int64_t)set->count - 1;
    if ((uint64_t)set->count * 2 >= set->slot_count && rehash(set))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    uint32_t mask = set->slot_count - 1;
    uint32_t k = (uint32_t)hash_bytes(s, n) & mask;
    while (set->slots[k]) {
        const char *t;
        size_t tn;
        span_of(set, set->slots[k] - 1, &t, &tn);
        if (tn == n && memcmp(t, s, n) == 0)
            return set->slots[k] - 1;
        k = (k + 1) & mask;
    }
    if (append_entry(set, s, n))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    set->slots[k] = set->count;
    return (int64_t)set->count - 1;
}

static void strset_release(strset_t *set) {
    lsm_free(set->blob.data);
    lsm_free(set->spans.data);
    lsm_free(set->slots);
}

/* ------------------------------------------------------------- the API */

lsm_builder_t *lsm_builder_new(lsm_error_t *err) {
    lsm_builder_t *b = lsm_calloc(1, sizeof *b);
    if (!b) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (int i = 0; i < META_COUNT; i++) {
        if (append_entry(&b->meta, NULL, 0)) {
            lsm_builder_free(b);
            lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
            return NULL;
        }
    }
    lsm_clear_error(err);
    return b;
}

void lsm_builder_free(lsm_builder_t *b) {
    if (!b)
        return;
    strset_release(&b->sources);
    strset_release(&b->names);
    strset_release(&b->contents);
    strset_release(&b->meta);
    strset_release(&b->extras);
    lsm_free(b->tokens.data);
    lsm_free(b->ignore.data);
    lsm_free(b);
}

static int check_string(const char *s, size_t n, const char *what, lsm_error_t *err) {
    if (!s && n)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "%s is NULL", what);
    if (s && !lsm_utf8_valid((const uint8_t *)s, n))
        return lsm_set_error(err, LSM_ERR_INVALID_UTF8, "%s is not valid UTF-8", what);
    return 0;
}

int64_t lsm_builder_add_source(lsm_builder_t *b, const char *name, size_t len,
                               lsm_error_t *err) {
    if (!b)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder is NULL"), -1;
    if (check_string(name, len, "source name", err))
        return -1;
    /* Room for the new source's contents entry first, so that adding it
     * cannot fail after the source was added. */
    if (lsm_buf_reserve(&b->contents.spans, 16))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    uint32_t before = b->sources.count;
    int64_t id = intern(&b->sources, name, len, err);
    if (id < 0)
        return -1;
    if (b->sources.count > before)
        (void)append_entry(&b->contents, NULL, 0); /* cannot fail: reserved */
    lsm_clear_error(err);
    return id;
}

int lsm_builder_set_source_contents(lsm_builder_t *b, uint32_t src_id, const char *text,
                                    size_t len, lsm_error_t *err) {
    if (!b)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder is NULL"), -1;
    if (src_id >= b->sources.count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id,
                             b->sources.count),
               -1;
    if (check_string(text, len, "source contents", err))
        return -1;
    int code = 0;
    set_entry(&b->contents, src_id, text, len, &code);
    if (code)
        return lsm_set_error(err, code, "out of memory"), -1;
    lsm_clear_error(err);
    return 0;
}

int64_t lsm_builder_add_name(lsm_builder_t *b, const char *name, size_t len, lsm_error_t *err) {
    if (!b || !name)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder or name is NULL"), -1;
    if (check_string(name, len, "name", err))
        return -1;
    int64_t id = intern(&b->names, name, len, err);
    if (id >= 0)
        lsm_clear_error(err);
    return id;
}

int lsm_builder_add_token(lsm_builder_t *b, uint32_t dst_line, uint32_t dst_col,
                          uint32_t src_id, uint32_t src_line, uint32_t src_col, uint32_t name_id,
                          lsm_error_t *err) {
    if (!b)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder is NULL"), -1;
    if (dst_line == LSM_NO_ID || dst_col == LSM_NO_ID)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "generated position %u:%u too large",
                             dst_line, dst_col),
               -1;
    if (src_id == LSM_NO_ID) {
        src_line = src_col = name_id = LSM_NO_ID;
    } else {
        if (src_id >= b->sources.count)
            return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id,
                                 b->sources.count),
                   -1;
        if (src_line == LSM_NO_ID || src_col == LSM_NO_ID)
            return lsm_set_error(err, LSM_ERR_TOO_LARGE, "original position %u:%u too large",
                                 src_line, src_col),
                   -1;
        if (name_id != LSM_NO_ID && name_id >= b->names.count)
            return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "name %u of %u", name_id,
                                 b->names.count),
                   -1;
    }
    if (b->token_count >= UINT32_MAX - 1)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 tokens"), -1;
    btoken_t t = {dst_line, dst_col, src_id, src_line, src_col, name_id, b->token_count};
    if (lsm_buf_append(&b->tokens, &t, sizeof t))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    b->token_count++;
    lsm_clear_error(err);
    return 0;
}

static int set_meta(lsm_builder_t *b, int which, const char *s, size_t len, const char *what,
                    lsm_error_t *err) {
    if (!b)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder is NULL"), -1;
    if (check_string(s, len, what, err))
        return -1;
    int code = 0;
    set_entry(&b->meta, (uint32_t)which, s, len, &code);
    if (code)
        return lsm_set_error(err, code, "out of memory"), -1;
    lsm_clear_error(err);
    return 0;
}

int lsm_builder_set_file(lsm_builder_t *b, const char *file, size_t len, lsm_error_t *err) {
    return set_meta(b, META_FILE, file, len, "file", err);
}

int lsm_builder_set_source_root(lsm_builder_t *b, const char *root, size_t len,
                                lsm_error_t *err) {
    return set_meta(b, META_SOURCE_ROOT, root, len, "sourceRoot", err);
}

int lsm_builder_set_debug_id(lsm_builder_t *b, const char *id, size_t len, lsm_error_t *err) {
    return set_meta(b, META_DEBUG_ID, id, len, "debugId", err);
}

int lsm_builder_ignore_source(lsm_builder_t *b, uint32_t src_id, lsm_error_t *err) {
    if (!b)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder is NULL"), -1;
    if (src_id >= b->sources.count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id,
                             b->sources.count),
               -1;
    const uint32_t *ids = (const uint32_t *)(const void *)b->ignore.data;
    for (uint32_t i = 0; i < b->ignore_count; i++)
        if (ids[i] == src_id) {
            lsm_clear_error(err);
            return 0;
        }
    if (lsm_buf_append(&b->ignore, &src_id, sizeof src_id))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    b->ignore_count++;
    lsm_clear_error(err);
    return 0;
}

/* The fields the builder writes itself, or the parser reads as something
 * other than a kept field: setting them as extras would be ambiguous. */
static bool reserved_field(const char *s, size_t n) {
    static const char *const names[] = {
        "version",  "file",        "sourceRoot",          "sources", "sourcesContent",
        "names",    "mappings",    "ignoreList",          "debugId", "debug_id",
        "sections", "rangeMappings", "x_google_ignoreList",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return true;
    return false;
}

int lsm_builder_set_extra(lsm_builder_t *b, const char *name, size_t name_len, const char *json,
                          size_t json_len, lsm_error_t *err) {
    if (!b || !name)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder or name is NULL"), -1;
    if (check_string(name, name_len, "field name", err))
        return -1;
    if (reserved_field(name, name_len))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT,
                             "\"%.*s\" is not an extra field", (int)(name_len > 64 ? 64 : name_len),
                             name),
               -1;
    if (json && lsm_json_check_value(json, json_len, "field value", err))
        return -1;
    /* Replaced in place: a field keeps the place it was first set at. */
    for (uint32_t i = 0; i + 1 < b->extras.count; i += 2) {
        const char *s;
        size_t n;
        span_of(&b->extras, i, &s, &n);
        if (n == name_len && memcmp(s, name, n) == 0) {
            int code = 0;
            set_entry(&b->extras, i + 1, json, json_len, &code);
            if (code)
                return lsm_set_error(err, code, "out of memory"), -1;
            lsm_clear_error(err);
            return 0;
        }
    }
    if (!json) {
        lsm_clear_error(err);
        return 0;
    }
    if (b->extras.count >= UINT32_MAX - 3)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "more than 2^31 - 2 extra fields"), -1;
    /* Both entries or neither: room for the second is made first. */
    if (lsm_buf_reserve(&b->extras.spans, 32) ||
        lsm_buf_reserve(&b->extras.blob, name_len + json_len))
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    (void)append_entry(&b->extras, name, name_len);
    (void)append_entry(&b->extras, json, json_len);
    lsm_clear_error(err);
    return 0;
}

/* ------------------------------------------------------------- writing */

static int cmp_token(const void *a, const void *b) {
    const btoken_t *x = a, *y = b;
    if (x->dst_line != y->dst_line)
        return x->dst_line < y->dst_line ? -1 : 1;
    if (x->dst_col != y->dst_col)
        return x->dst_col < y->dst_col ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void put_set(writer_t *w, const strset_t *set) {
    lsm_jw_lit(w, "[");
    for (uint32_t i = 0; i < set->count; i++) {
        const char *s;
        size_t n;
        span_of(set, i, &s, &n);
        if (i)
            lsm_jw_lit(w, ",");
        if (s)
            lsm_jw_string(w, s, n);
        else
            lsm_jw_lit(w, "null");
    }
    lsm_jw_lit(w, "]");
}

static void put_meta(writer_t *w, const lsm_builder_t *b, int which, const char *key) {
    const char *s;
    size_t n;
    span_of(&b->meta, (uint32_t)which, &s, &n);
    if (!s)
        return;
    lsm_jw_lit(w, ",\"");
    lsm_jw_lit(w, key);
    lsm_jw_lit(w, "\":");
    lsm_jw_string(w, s, n);
}

/* The extra top-level fields, in the order first set, as given. */
static void put_extras(writer_t *w, const lsm_builder_t *b) {
    for (uint32_t i = 0; i + 1 < b->extras.count; i += 2) {
        const char *name, *value;
        size_t nlen, vlen;
        span_of(&b->extras, i, &name, &nlen);
        span_of(&b->extras, i + 1, &value, &vlen);
        if (!name || !value)
            continue;
        lsm_jw_lit(w, ",");
        lsm_jw_string(w, name, nlen);
        lsm_jw_lit(w, ":");
        lsm_jw_put(w, value, vlen);
    }
}

static void put_mappings(writer_t *w, btoken_t *tokens, uint32_t count, lsm_error_t *err) {
    lsm_jw_lit(w, "\"");
    int64_t prev_src = 0, prev_line = 0, prev_col = 0, prev_name = 0, prev_dst = 0;
    uint32_t line = 0;
    for (uint32_t i = 0; i < count && !w->code; i++) {
        const btoken_t *t = &tokens[i];
        uint8_t seg[SEGMENT_MAX + 1], *p = seg;
        if (i > 0 && t->dst_line == line)
            *p++ = ',';
        for (; line < t->dst_line; line++) {
            lsm_jw_lit(w, ";");
            prev_dst = 0;
        }
        bool fits = lsm_vlq_delta_fits((int64_t)t->dst_col - prev_dst);
        if (t->src_id != LSM_NO_ID) {
            fits = fits && lsm_vlq_delta_fits((int64_t)t->src_id - prev_src) &&
                   lsm_vlq_delta_fits((int64_t)t->src_line - prev_line) &&
                   lsm_vlq_delta_fits((int64_t)t->src_col - prev_col);
            if (t->name_id != LSM_NO_ID)
                fits = fits && lsm_vlq_delta_fits((int64_t)t->name_id - prev_name);
        }
        if (!fits) {
            w->code = lsm_set_error(err, LSM_ERR_TOO_LARGE,
                                    "mappings line %u: a field of a token is 2^31 or more from "
                                    "the previous token's, which no VLQ value can say",
                                    t->dst_line);
            return;
        }
        p = lsm_put_vlq(p, (int64_t)t->dst_col - prev_dst);
        prev_dst = t->dst_col;
        if (t->src_id != LSM_NO_ID) {
            p = lsm_put_vlq(p, (int64_t)t->src_id - prev_src);
            p = lsm_put_vlq(p, (int64_t)t->src_line - prev_line);
            p = lsm_put_vlq(p, (int64_t)t->src_col - prev_col);
            prev_src = t->src_id;
            prev_line = t->src_line;
            prev_col = t->src_col;
            if (t->name_id != LSM_NO_ID) {
                p = lsm_put_vlq(p, (int64_t)t->name_id - prev_name);
                prev_name = t->name_id;
            }
        }
        lsm_jw_put(w, (const char *)seg, (size_t)(p - seg));
    }
    lsm_jw_lit(w, "\"");
}

int lsm_builder_to_json(const lsm_builder_t *b, uint8_t **out, size_t *out_len,
                        lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!b || !out || !out_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "builder, out or out_len is NULL"),
               -1;
    writer_t w;
    memset(&w, 0, sizeof w);
    /* Sorted copies: the builder stays as it was, so more can be added. */
    size_t tok_bytes = (size_t)b->token_count * sizeof(btoken_t);
    btoken_t *tokens = lsm_malloc(tok_bytes ? tok_bytes : 1);
    uint32_t *ignore = lsm_malloc(b->ignore_count ? (size_t)b->ignore_count * 4 : 1);
    if (!tokens || !ignore) {
        lsm_free(tokens);
        lsm_free(ignore);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    if (tok_bytes)
        memcpy(tokens, b->tokens.data, tok_bytes);
    if (b->ignore_count)
        memcpy(ignore, b->ignore.data, (size_t)b->ignore_count * 4);
    qsort(tokens, b->token_count, sizeof *tokens, cmp_token);
    /* Each generated line costs a ';' and the parser refuses more lines
     * than the input could hold; refuse them here, before writing them. */
    uint64_t lines = b->token_count ? (uint64_t)tokens[b->token_count - 1].dst_line + 1 : 0;
    if (lines > (uint64_t)b->token_count * 64 + ((uint64_t)1 << 20)) {
        lsm_free(tokens);
        lsm_free(ignore);
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "%llu generated lines for %u tokens",
                             (unsigned long long)lines, b->token_count),
               -1;
    }
    qsort(ignore, b->ignore_count, 4, cmp_u32);

    bool any_contents = false;
    for (uint32_t i = 0; i < b->contents.count && !any_contents; i++) {
        const char *s;
        size_t n;
        span_of(&b->contents, i, &s, &n);
        any_contents = s != NULL;
    }
    lsm_jw_lit(&w, "{\"version\":3");
    put_meta(&w, b, META_FILE, "file");
    put_meta(&w, b, META_SOURCE_ROOT, "sourceRoot");
    lsm_jw_lit(&w, ",\"sources\":");
    put_set(&w, &b->sources);
    if (any_contents) {
        lsm_jw_lit(&w, ",\"sourcesContent\":");
        put_set(&w, &b->contents);
    }
    lsm_jw_lit(&w, ",\"names\":");
    put_set(&w, &b->names);
    lsm_jw_lit(&w, ",\"mappings\":");
    put_mappings(&w, tokens, b->token_count, err);
    if (b->ignore_count) {
        lsm_jw_lit(&w, ",\"ignoreList\":[");
        for (uint32_t i = 0; i < b->ignore_count; i++) {
            if (i)
                lsm_jw_lit(&w, ",");
            lsm_jw_u32(&w, ignore[i]);
        }
        lsm_jw_lit(&w, "]");
    }
    put_meta(&w, b, META_DEBUG_ID, "debugId");
    put_extras(&w, b);
    lsm_jw_lit(&w, "}");
    lsm_jw_put(&w, "", 1);
    lsm_free(tokens);
    lsm_free(ignore);
    if (w.code) {
        lsm_free(w.out.data);
        if (w.code == LSM_ERR_NOMEM)
            lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return -1;
    }
    *out = w.out.data;
    *out_len = w.out.len - 1;
    lsm_clear_error(err);
    return 0;
}

lsm_view_t *lsm_builder_to_view(const lsm_builder_t *b, lsm_error_t *err) {
    uint8_t *json = NULL;
    size_t len = 0;
    if (lsm_builder_to_json(b, &json, &len, err))
        return NULL;
    lsm_view_t *view = lsm_view_from_json((const char *)json, len, err);
    lsm_free(json);
    return view;
}
