/* React Native's source map extensions.
 *
 * "x_facebook_sources" (Metro): per source, null or an array whose first
 * element is the source's function map, {"names": [...], "mappings": "..."}.
 * Its mappings are ";"-separated groups of ","-separated segments of
 * signed VLQs: column delta (the column restarts at 0 in each group), name
 * index delta, and an optional line delta; the line starts at 1 and the
 * name index at 0 and both carry on across groups. A function's name holds
 * from its position to the next entry's.
 *
 * "x_hermes_function_offsets" (Hermes): {"<segment id>": [bytecode offset
 * of function 0, 1, ...]}. In a Hermes bytecode map a segment's code is
 * generated line <segment id> (0-based) and its columns are virtual
 * offsets, so a frame (segment, function id, offset within the function)
 * is generated position (segment, offsets[function id] + offset).
 *
 * The reader only notes where these values start in the input; they are
 * read here, once the whole text is known to be valid JSON, by a small
 * reader of their own shape. Anything not of that shape is left out. */
#include <stdlib.h>

#include "hermes.h"
#include "jsontext.h"

typedef struct fn_entry {
    uint32_t src;
    uint32_t line;       /* 0-based */
    uint32_t col;
    uint32_t seq;        /* order of appearance: ties keep it */
    uint64_t name;       /* offset in the pool, or UINT64_MAX */
    uint64_t name_len;
} fn_entry_t;

typedef struct seg_entry {
    uint32_t id;
    uint32_t first;      /* index into the offsets */
    uint32_t count;
    uint32_t seq;
} seg_entry_t;

typedef struct seg_map {
    uint32_t id;
    uint32_t seq;
    uint64_t at, len;    /* the map's JSON text in the text block */
} seg_map_t;

/* x_facebook_segments: one block, freed by lsm_view_free(). */
struct lsm_fb_segments {
    uint32_t count;
    const seg_map_t *maps;  /* sorted by id, unique */
    const char *text;
    _Alignas(8) uint8_t data[];
};

/* One block, freed by lsm_view_free(). */
struct lsm_hermes {
    uint32_t fn_count, seg_count, off_count;
    const fn_entry_t *fns;
    const seg_entry_t *segs;
    const uint32_t *offsets;
    const char *pool;
    _Alignas(8) uint8_t data[];
};

/* ------------------------------------------------------------ reading */

typedef struct cur {
    const char *s;
    size_t n, i;
} cur_t;

static void ws(cur_t *c) {
    while (c->i < c->n &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool eat(cur_t *c, char ch) {
    ws(c);
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return true;
    }
    return false;
}

static bool peek(cur_t *c, char ch) {
    ws(c);
    return c->i < c->n && c->s[c->i] == ch;
}

/* A string's content (escapes as written): [*from, *to). */
static bool string_span(cur_t *c, size_t *from, size_t *to, bool *escaped) {
    if (!eat(c, '"'))
        return false;
    *from = c->i;
    *escaped = false;
    while (c->i < c->n && c->s[c->i] != '"') {
        if (c->s[c->i] == '\\') {
            *escaped = true;
            c->i++;
        }
        c->i++;
    }
    if (c->i >= c->n)
        return false;
    *to = c->i++;
    return true;
}

/* Skips one value of any kind. */
static bool skip_value(cur_t *c) {
    ws(c);
    if (c->i >= c->n)
        return false;
    char ch = c->s[c->i];
    if (ch == '"') {
        size_t a, b;
        bool e;
        return string_span(c, &a, &b, &e);
    }
    if (ch != '[' && ch != '{') {
        while (c->i < c->n && c->s[c->i] != ',' && c->s[c->i] != ']' && c->s[c->i] != '}')
            c->i++;
        return true;
    }
    /* Containers: count brackets, stepping over strings. */
    uint64_t depth = 0;
    while (c->i < c->n) {
        ch = c->s[c->i];
        if (ch == '"') {
            size_t a, b;
            bool e;
            if (!string_span(c, &a, &b, &e))
                return false;
            continue;
        }
        c->i++;
        if (ch == '[' || ch == '{')
            depth++;
        else if (ch == ']' || ch == '}') {
            if (--depth == 0)
                return true;
        }
    }
    return false;
}

/* A non-negative integer (no fraction, no exponent), at most `limit`. */
static bool read_uint(cur_t *c, uint64_t limit, uint64_t *out) {
    ws(c);
    size_t from = c->i;
    while (c->i < c->n && c->s[c->i] != ',' && c->s[c->i] != ']' && c->s[c->i] != '}' &&
           c->s[c->i] != ' ' && c->s[c->i] != '\n' && c->s[c->i] != '\r' && c->s[c->i] != '\t')
        c->i++;
    /* yajl judged the number; only plain integers are offsets. */
    for (size_t k = from; k < c->i; k++)
        if (c->s[k] < '0' || c->s[k] > '9')
            return false;
    return c->i > from && lsm_json_uint(c->s + from, c->i - from, limit, out) == 1;
}

static int vlq_digit(char ch) {
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* One signed VLQ of s[*i..n); false when malformed or beyond 32 bits. */
static bool read_vlq(const char *s, size_t n, size_t *i, int64_t *out) {
    uint64_t v = 0;
    unsigned shift = 0;
    int d;
    do {
        if (*i >= n || shift > 30)
            return false;
        d = vlq_digit(s[*i]);
        if (d < 0)
            return false;
        v |= (uint64_t)(d & 31) << shift;
        shift += 5;
        (*i)++;
    } while (d & 32);
    if (v > 0xffffffffu)
        return false;
    *out = (v & 1) ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
    return true;
}

/* Decodes a function map's mappings (unescaped) into entries for source
 * `src`, names from acc->names (`count` of them). Returns 0, 1 when it is
 * malformed (nothing added), or LSM_ERR_NOMEM. */
static int decode_function_map(lsm_hermes_acc_t *acc, uint32_t src, const char *s, size_t n,
                               uint32_t count) {
    size_t start = acc->fns.len;
    int64_t line = 1, name = 0, col = 0;
    size_t i = 0;
    while (i <= n) {
        if (i == n || s[i] == ';' || s[i] == ',') {
            if (i < n && s[i] == ';')
                col = 0;
            i++;
            continue;
        }
        int64_t v[3] = {0, 0, 0};
        int fields = 0;
        while (i < n && s[i] != ',' && s[i] != ';') {
            if (fields == 3 || !read_vlq(s, n, &i, &v[fields]))
                goto bad;
            fields++;
        }
        if (fields < 2)
            goto bad;
        col += v[0];
        name += v[1];
        line += v[2];
        if (col < 0 || line < 1 || name < 0 || name >= count || col > 0xfffffffe ||
            line > 0xffffffff)
            goto bad;
        const uint64_t *nm = (const uint64_t *)acc->names.data + 2 * name;
        fn_entry_t e = {src, (uint32_t)(line - 1), (uint32_t)col,
                        (uint32_t)((acc->fns.len - start) / sizeof e), nm[0], nm[1]};
        if (lsm_buf_append(&acc->fns, &e, sizeof e))
            return LSM_ERR_NOMEM;
    }
    return 0;
bad:
    acc->fns.len = start;
    return 1;
}

/* Adds a string to the pool; *off is where. */
static int pool_add(lsm_hermes_acc_t *acc, const char *s, size_t n, bool escaped, uint64_t *off,
                    uint64_t *len) {
    if (lsm_buf_reserve(&acc->pool, n + 1))
        return LSM_ERR_NOMEM;
    *off = acc->pool.len;
    uint8_t *dst = acc->pool.data + acc->pool.len;
    if (escaped)
        n = lsm_json_unescape((const uint8_t *)s, n, dst);
    else
        memcpy(dst, s, n);
    dst[n] = 0;
    acc->pool.len += n + 1;
    *len = n;
    return 0;
}

/* {"names": [...], "mappings": "..."}: returns 0, 1 (not of that shape),
 * or LSM_ERR_NOMEM. */
static int read_function_map(lsm_hermes_acc_t *acc, cur_t *c, uint32_t src) {
    if (!eat(c, '{'))
        return skip_value(c) ? 1 : 1;
    size_t pool_mark = acc->pool.len;
    acc->names.len = 0;
    bool have_names = false, have_mappings = false;
    size_t m_from = 0, m_to = 0;
    bool m_escaped = false;
    int code = 0;
    while (!peek(c, '}')) {
        size_t kf, kt;
        bool ke;
        if (!string_span(c, &kf, &kt, &ke) || !eat(c, ':'))
            return 1;
        const char *key = c->s + kf;
        size_t klen = kt - kf;
        if (klen == 5 && memcmp(key, "names", 5) == 0 && peek(c, '[')) {
            eat(c, '[');
            acc->names.len = 0;
            acc->pool.len = pool_mark;
            have_names = true;
            while (!peek(c, ']')) {
                size_t f, t;
                bool e;
                uint64_t pair[2] = {UINT64_MAX, 0};
                if (peek(c, '"')) {
                    if (!string_span(c, &f, &t, &e))
                        return 1;
                    if ((code = pool_add(acc, c->s + f, t - f, e, &pair[0], &pair[1])))
                        return code;
                } else if (!skip_value(c)) {
                    return 1;
                } else {
                    have_names = false; /* a name that is not a string */
                }
                if (lsm_buf_append(&acc->names, pair, sizeof pair))
                    return LSM_ERR_NOMEM;
                if (!eat(c, ','))
                    break;
            }
            if (!eat(c, ']'))
                return 1;
        } else if (klen == 8 && memcmp(key, "mappings", 8) == 0 && peek(c, '"')) {
            if (!string_span(c, &m_from, &m_to, &m_escaped))
                return 1;
            have_mappings = true;
        } else if (!skip_value(c)) {
            return 1;
        }
        if (!eat(c, ','))
            break;
    }
    if (!eat(c, '}'))
        return 1;
    if (!have_names || !have_mappings) {
        acc->pool.len = pool_mark;
        return 1;
    }
    uint32_t count = (uint32_t)(acc->names.len / 16);
    const char *ms = c->s + m_from;
    size_t mlen = m_to - m_from;
    char *copy = NULL;
    if (m_escaped) {
        copy = lsm_malloc(mlen + 1);
        if (!copy)
            return LSM_ERR_NOMEM;
        mlen = lsm_json_unescape((const uint8_t *)ms, mlen, (uint8_t *)copy);
        ms = copy;
    }
    code = decode_function_map(acc, src, ms, mlen, count);
    lsm_free(copy);
    if (code == 1)
        acc->pool.len = pool_mark;
    return code;
}

static int read_fb_sources(lsm_hermes_acc_t *acc, cur_t *c, uint32_t src_base,
                           uint32_t sources) {
    if (!eat(c, '['))
        return 0;
    for (uint32_t k = 0; !peek(c, ']'); k++) {
        if (peek(c, '[') && k < sources) {
            eat(c, '[');
            if (!peek(c, ']')) {
                int code = read_function_map(acc, c, src_base + k);
                if (code == LSM_ERR_NOMEM)
                    return code;
                if (code)
                    acc->dropped++;
                /* Other metadata fields after the function map. */
                while (eat(c, ','))
                    if (!skip_value(c))
                        return 0;
            }
            if (!eat(c, ']'))
                return 0;
        } else if (!skip_value(c)) {
            return 0;
        }
        if (!eat(c, ','))
            break;
    }
    return 0;
}

static int read_function_offsets(lsm_hermes_acc_t *acc, cur_t *c) {
    if (!eat(c, '{'))
        return 0;
    while (!peek(c, '}')) {
        size_t kf, kt;
        bool ke;
        uint64_t id = 0;
        if (!string_span(c, &kf, &kt, &ke) || !eat(c, ':'))
            return 0;
        /* A segment id: decimal digits, no leading zero. */
        bool id_ok = !ke && kt > kf && kt - kf <= 10 && (c->s[kf] != '0' || kt - kf == 1);
        for (size_t k = kf; k < kt && id_ok; k++) {
            id_ok = c->s[k] >= '0' && c->s[k] <= '9';
            id = id * 10 + (uint64_t)(c->s[k] - '0');
        }
        id_ok = id_ok && id <= 0xfffffffe;
        if (id_ok && peek(c, '[')) {
            eat(c, '[');
            seg_entry_t seg = {(uint32_t)id, (uint32_t)(acc->offsets.len / 4), 0,
                               (uint32_t)(acc->segments.len / sizeof seg)};
            bool ok = true;
            while (!peek(c, ']')) {
                uint64_t v = 0;
                if (ok && peek(c, '"'))
                    ok = false;
                if (ok && read_uint(c, 0xfffffffe, &v)) {
                    uint32_t v32 = (uint32_t)v;
                    if (lsm_buf_append(&acc->offsets, &v32, 4))
                        return LSM_ERR_NOMEM;
                    seg.count++;
                } else {
                    ok = false;
                    if (!skip_value(c))
                        return 0;
                }
                if (!eat(c, ','))
                    break;
            }
            if (!eat(c, ']'))
                return 0;
            if (!ok) {
                acc->offsets.len = (size_t)seg.first * 4;
                acc->dropped++;
            } else if (lsm_buf_append(&acc->segments, &seg, sizeof seg)) {
                return LSM_ERR_NOMEM;
            }
        } else if (!skip_value(c)) {
            return 0;
        }
        if (!eat(c, ','))
            break;
    }
    return 0;
}

/* {"<segment id>": {map}, ...}: each map's text, kept as it is. */
static int read_segments(lsm_hermes_acc_t *acc, cur_t *c) {
    if (!eat(c, '{'))
        return 0;
    while (!peek(c, '}')) {
        size_t kf, kt;
        bool ke;
        if (!string_span(c, &kf, &kt, &ke) || !eat(c, ':'))
            return 0;
        bool id_ok = !ke && kt > kf && kt - kf <= 10 && (c->s[kf] != '0' || kt - kf == 1);
        uint64_t id = 0;
        for (size_t k = kf; k < kt && id_ok; k++) {
            id_ok = c->s[k] >= '0' && c->s[k] <= '9';
            id = id * 10 + (uint64_t)(c->s[k] - '0');
        }
        id_ok = id_ok && id <= 0xfffffffe;
        bool object = peek(c, '{');
        size_t from = c->i;
        if (!skip_value(c))
            return 0;
        if (id_ok && object) {
            seg_map_t e = {(uint32_t)id, (uint32_t)(acc->seg_maps.len / sizeof e),
                           acc->seg_text.len, c->i - from};
            if (lsm_buf_append(&acc->seg_text, c->s + from, c->i - from) ||
                lsm_buf_append(&acc->seg_maps, &e, sizeof e))
                return LSM_ERR_NOMEM;
        }
        if (!eat(c, ','))
            break;
    }
    return 0;
}

int lsm_hermes_collect(lsm_hermes_acc_t *acc, const lsm_map_record_t *m, uint32_t src_base,
                       const char *input, size_t input_len, lsm_error_t *err) {
    int code = 0;
    if (m->fb_sources_at && m->fb_sources_at <= input_len) {
        cur_t c = {input, input_len, (size_t)m->fb_sources_at - 1};
        code = read_fb_sources(acc, &c, src_base, m->sources.count);
    }
    if (!code && m->hermes_offsets_at && m->hermes_offsets_at <= input_len) {
        cur_t c = {input, input_len, (size_t)m->hermes_offsets_at - 1};
        code = read_function_offsets(acc, &c);
    }
    if (!code && m->fb_segments_at && m->fb_segments_at <= input_len) {
        cur_t c = {input, input_len, (size_t)m->fb_segments_at - 1};
        code = read_segments(acc, &c);
    }
    if (code)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    return 0;
}

/* ------------------------------------------------------------- the view */

static int cmp_fn(const void *a, const void *b) {
    const fn_entry_t *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_seg(const void *a, const void *b) {
    const seg_entry_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_seg_map(const void *a, const void *b) {
    const seg_map_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int finish_segments(lsm_hermes_acc_t *acc, lsm_view_t *view, lsm_error_t *err) {
    size_t n = acc->seg_maps.len / sizeof(seg_map_t);
    if (n == 0)
        return 0;
    seg_map_t *maps = (seg_map_t *)acc->seg_maps.data;
    qsort(maps, n, sizeof *maps, cmp_seg_map);
    size_t kept = 0;
    for (size_t k = 0; k < n; k++)
        if (kept == 0 || maps[kept - 1].id != maps[k].id)
            maps[kept++] = maps[k];
    struct lsm_fb_segments *s =
        lsm_malloc(sizeof *s + kept * sizeof *maps + acc->seg_text.len + 1);
    if (!s)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    memcpy(s->data, maps, kept * sizeof *maps);
    char *text = (char *)(s->data + kept * sizeof *maps);
    memcpy(text, acc->seg_text.data, acc->seg_text.len);
    text[acc->seg_text.len] = 0;
    s->count = (uint32_t)kept;
    s->maps = (const seg_map_t *)s->data;
    s->text = text;
    view->fb_segments = s;
    return 0;
}

const char *lsm_fb_segment_text(const lsm_view_t *view, uint32_t id, size_t *len) {
    const struct lsm_fb_segments *s = view->fb_segments;
    *len = 0;
    if (!s)
        return NULL;
    uint32_t lo = 0, hi = s->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->maps[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->count || s->maps[lo].id != id)
        return NULL;
    *len = (size_t)s->maps[lo].len;
    return s->text + s->maps[lo].at;
}

int lsm_hermes_finish(lsm_hermes_acc_t *acc, lsm_view_t *view, lsm_error_t *err) {
    int code = finish_segments(acc, view, err);
    if (code)
        return code;
    size_t nfn = acc->fns.len / sizeof(fn_entry_t);
    size_t nseg = acc->segments.len / sizeof(seg_entry_t);
    size_t noff = acc->offsets.len / 4;
    if (nfn == 0 && nseg == 0)
        return 0;
    if (nfn > UINT32_MAX || nseg > UINT32_MAX || noff > UINT32_MAX)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "too many function map entries");
    /* Entries of one source keep their order of appearance for ties. */
    fn_entry_t *fns = (fn_entry_t *)acc->fns.data;
    for (size_t k = 0; k < nfn; k++)
        fns[k].seq = (uint32_t)k;
    if (nfn)
        qsort(fns, nfn, sizeof *fns, cmp_fn);
    seg_entry_t *segs = (seg_entry_t *)acc->segments.data;
    if (nseg)
        qsort(segs, nseg, sizeof *segs, cmp_seg);
    /* A segment id given twice: the first one counts. */
    size_t kept = 0;
    for (size_t k = 0; k < nseg; k++)
        if (kept == 0 || segs[kept - 1].id != segs[k].id)
            segs[kept++] = segs[k];
    nseg = kept;
    size_t size = sizeof(struct lsm_hermes) + nfn * sizeof(fn_entry_t) +
                  nseg * sizeof(seg_entry_t) + noff * 4 + acc->pool.len + 8;
    struct lsm_hermes *h = lsm_malloc(size);
    if (!h)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    uint8_t *p = h->data;
    h->fn_count = (uint32_t)nfn;
    h->seg_count = (uint32_t)nseg;
    h->off_count = (uint32_t)noff;
    if (nfn)
        memcpy(p, fns, nfn * sizeof *fns);
    h->fns = (const fn_entry_t *)p;
    p += nfn * sizeof *fns;
    if (nseg)
        memcpy(p, segs, nseg * sizeof *segs);
    h->segs = (const seg_entry_t *)p;
    p += nseg * sizeof *segs;
    if (noff)
        memcpy(p, acc->offsets.data, noff * 4);
    h->offsets = (const uint32_t *)p;
    p += noff * 4;
    if (acc->pool.len)
        memcpy(p, acc->pool.data, acc->pool.len);
    h->pool = (const char *)p;
    view->hermes = h;
    return 0;
}

void lsm_hermes_acc_release(lsm_hermes_acc_t *acc) {
    lsm_buf_release(&acc->fns);
    lsm_buf_release(&acc->pool);
    lsm_buf_release(&acc->segments);
    lsm_buf_release(&acc->offsets);
    lsm_buf_release(&acc->names);
    lsm_buf_release(&acc->seg_maps);
    lsm_buf_release(&acc->seg_text);
}

/* ---------------------------------------------------------- cache files */

/* Layout: u32 fn_count, seg_count, off_count, zero; u64 pool length; then
 * fn_count entries of 32 bytes (u32 src, line, col, zero; u64 name offset
 * or all ones, u64 name length), seg_count entries of 16 (u32 id, first,
 * count, zero), off_count u32 offsets padded to 8 bytes, the pool. */
#define DUMP_HEAD 24

int lsm_hermes_dump(const lsm_view_t *view, lsm_buf_t *out) {
    const struct lsm_hermes *h = view->hermes;
    if (!h)
        return 0;
    uint64_t pool_len = 0;
    for (uint32_t k = 0; k < h->fn_count; k++)
        if (h->fns[k].name != UINT64_MAX && h->fns[k].name + h->fns[k].name_len + 1 > pool_len)
            pool_len = h->fns[k].name + h->fns[k].name_len + 1;
    uint64_t off_bytes = ((uint64_t)h->off_count * 4 + 7) / 8 * 8;
    uint64_t size = DUMP_HEAD + (uint64_t)h->fn_count * 32 + (uint64_t)h->seg_count * 16 +
                    off_bytes + pool_len;
    if (size > SIZE_MAX || lsm_buf_reserve(out, (size_t)size))
        return LSM_ERR_NOMEM;
    uint8_t *p = out->data + out->len;
    memset(p, 0, (size_t)size);
    lsm_wr32(p, h->fn_count);
    lsm_wr32(p + 4, h->seg_count);
    lsm_wr32(p + 8, h->off_count);
    lsm_wr64(p + 16, pool_len);
    uint8_t *q = p + DUMP_HEAD;
    for (uint32_t k = 0; k < h->fn_count; k++, q += 32) {
        lsm_wr32(q, h->fns[k].src);
        lsm_wr32(q + 4, h->fns[k].line);
        lsm_wr32(q + 8, h->fns[k].col);
        lsm_wr64(q + 16, h->fns[k].name);
        lsm_wr64(q + 24, h->fns[k].name_len);
    }
    for (uint32_t k = 0; k < h->seg_count; k++, q += 16) {
        lsm_wr32(q, h->segs[k].id);
        lsm_wr32(q + 4, h->segs[k].first);
        lsm_wr32(q + 8, h->segs[k].count);
    }
    for (uint32_t k = 0; k < h->off_count; k++)
        lsm_wr32(q + (size_t)k * 4, h->offsets[k]);
    q += off_bytes;
    if (pool_len)
        memcpy(q, h->pool, (size_t)pool_len);
    out->len += (size_t)size;
    return 0;
}

static int load_corrupt(lsm_error_t *err, const char *what) {
    return lsm_set_error(err, LSM_ERR_CACHE_CORRUPT, "cache file corrupt: %s", what);
}

int lsm_hermes_load(lsm_view_t *view, const uint8_t *p, uint64_t len, lsm_error_t *err) {
    if (len < DUMP_HEAD || lsm_rd32(p + 12) != 0)
        return load_corrupt(err, "function map section header");
    uint64_t nfn = lsm_rd32(p), nseg = lsm_rd32(p + 4), noff = lsm_rd32(p + 8);
    uint64_t pool_len = lsm_rd64(p + 16);
    uint64_t off_bytes = (noff * 4 + 7) / 8 * 8;
    if (pool_len > len || DUMP_HEAD + nfn * 32 + nseg * 16 + off_bytes + pool_len != len)
        return load_corrupt(err, "function map section size");
    const uint8_t *f = p + DUMP_HEAD, *sg = f + nfn * 32, *of = sg + nseg * 16;
    const uint8_t *pool = of + off_bytes;
    if (pool_len && pool[pool_len - 1] != 0)
        return load_corrupt(err, "function name pool");
    struct lsm_hermes *h = lsm_malloc(sizeof *h + (size_t)(nfn * sizeof(fn_entry_t) +
                                                           nseg * sizeof(seg_entry_t) +
                                                           noff * 4 + pool_len + 8));
    if (!h)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    fn_entry_t *fns = (fn_entry_t *)h->data;
    seg_entry_t *segs = (seg_entry_t *)(fns + nfn);
    uint32_t *offsets = (uint32_t *)(segs + nseg);
    char *copy = (char *)(offsets + noff);
    const char *bad = NULL;
    for (uint64_t k = 0; k < nfn && !bad; k++) {
        const uint8_t *e = f + k * 32;
        fn_entry_t x = {lsm_rd32(e), lsm_rd32(e + 4), lsm_rd32(e + 8), (uint32_t)k,
                        lsm_rd64(e + 16), lsm_rd64(e + 24)};
        if (lsm_rd32(e + 12) != 0 || x.src >= view->sources.count)
            bad = "function map entry";
        else if (x.name != UINT64_MAX &&
                 (x.name >= pool_len || x.name_len >= pool_len - x.name ||
                  pool[x.name + x.name_len] != 0))
            bad = "function name outside the pool";
        else if (k > 0 && cmp_fn(&fns[k - 1], &x) > 0)
            bad = "function map entries out of order";
        fns[k] = x;
    }
    for (uint64_t k = 0; k < nseg && !bad; k++) {
        const uint8_t *e = sg + k * 16;
        seg_entry_t x = {lsm_rd32(e), lsm_rd32(e + 4), lsm_rd32(e + 8), (uint32_t)k};
        if (lsm_rd32(e + 12) != 0 || (uint64_t)x.first + x.count > noff ||
            (k > 0 && segs[k - 1].id >= x.id))
            bad = "function offsets entry";
        segs[k] = x;
    }
    if (bad) {
        lsm_free(h);
        return load_corrupt(err, bad);
    }
    for (uint64_t k = 0; k < noff; k++)
        offsets[k] = lsm_rd32(of + k * 4);
    if (pool_len)
        memcpy(copy, pool, (size_t)pool_len);
    h->fn_count = (uint32_t)nfn;
    h->seg_count = (uint32_t)nseg;
    h->off_count = (uint32_t)noff;
    h->fns = fns;
    h->segs = segs;
    h->offsets = offsets;
    h->pool = copy;
    view->hermes = h;
    return 0;
}

/* ------------------------------------------------------------- public */

int lsm_view_has_function_maps(const lsm_view_t *view) {
    return view && view->hermes && view->hermes->fn_count ? 1 : 0;
}

const char *lsm_view_function_name_at(const lsm_view_t *view, uint32_t src_id, uint32_t line,
                                      uint32_t col, size_t *len, lsm_error_t *err) {
    if (len)
        *len = 0;
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    if (src_id >= view->sources.count) {
        lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", src_id, view->sources.count);
        return NULL;
    }
    lsm_clear_error(err);
    const struct lsm_hermes *h = view->hermes;
    if (!h || !h->fn_count)
        return NULL;
    /* The last entry of the source at or before (line, col). */
    uint32_t lo = 0, hi = h->fn_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const fn_entry_t *e = &h->fns[mid];
        bool before = e->src < src_id ||
                      (e->src == src_id &&
                       (e->line < line || (e->line == line && e->col <= col)));
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || h->fns[lo - 1].src != src_id)
        return NULL;
    const fn_entry_t *e = &h->fns[lo - 1];
    if (e->name == UINT64_MAX)
        return NULL;
    if (len)
        *len = (size_t)e->name_len;
    return h->pool + e->name;
}

int lsm_view_hermes_position(const lsm_view_t *view, uint32_t segment, uint32_t function_id,
                             uint32_t offset, uint32_t *line, uint32_t *col, lsm_error_t *err) {
    if (!view || !line || !col)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view, line or col is NULL"), -1;
    *line = *col = LSM_NO_ID;
    lsm_clear_error(err);
    const struct lsm_hermes *h = view->hermes;
    if (!h)
        return 0;
    uint32_t lo = 0, hi = h->seg_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (h->segs[mid].id < segment)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == h->seg_count || h->segs[lo].id != segment || function_id >= h->segs[lo].count)
        return 0;
    uint64_t at = (uint64_t)h->offsets[h->segs[lo].first + function_id] + offset;
    if (at >= LSM_NO_ID)
        return 0;
    *line = segment;
    *col = (uint32_t)at;
    return 1;
}

uint32_t lsm_view_hermes_function_count(const lsm_view_t *view, uint32_t segment) {
    const struct lsm_hermes *h = view ? view->hermes : NULL;
    if (!h)
        return 0;
    for (uint32_t k = 0; k < h->seg_count; k++)
        if (h->segs[k].id == segment)
            return h->segs[k].count;
    return 0;
}
