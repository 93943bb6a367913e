/* Reading a source map's JSON with yajl's event parser: no tree of the
 * document is built; each field goes straight where the view needs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_parse.h>

#include "parse.h"
#include "jsonstr.h"

#define MAX_DEPTH 1000
/* Index maps may nest: each level holds a map, its "sections" array and a
 * section object; a section's "offset" or an array adds one more. */
#define MAX_FRAMES (3 * (LSM_MAX_INDEX_DEPTH + 1) + 4)

enum frame_kind {
    FR_MAP,
    FR_SOURCES,
    FR_CONTENTS,
    FR_NAMES,
    FR_IGNORE,
    FR_X_IGNORE,
    FR_SECTIONS,
    FR_SECTION,
    FR_OFFSET,
};

enum key {
    K_UNKNOWN,
    K_VERSION,
    K_FILE,
    K_SOURCE_ROOT,
    K_SOURCES,
    K_SOURCES_CONTENT,
    K_NAMES,
    K_MAPPINGS,
    K_IGNORE_LIST,
    K_X_GOOGLE_IGNORE_LIST,
    K_DEBUG_ID,
    K_DEBUG_ID_LEGACY,
    K_SECTIONS,
    K_OFFSET,
    K_MAP,
    K_URL,
    K_LINE,
    K_COLUMN,
};

typedef struct frame {
    enum frame_kind kind;
    enum key key;            /* the key whose value comes next (objects) */
    lsm_map_record_t *map;   /* the map being read, or the one whose sections are */
    uint32_t section;        /* index into map->sections (FR_SECTION, FR_OFFSET) */
} frame_t;

typedef struct reader {
    lsm_parse_t *p;
    const char *input;       /* the caller's bytes, prefix included */
    size_t input_len;
    yajl_handle yajl;
    lsm_error_t *err;
    int code;
    frame_t frames[MAX_FRAMES];
    int top;                 /* index of the innermost frame, -1 before the first */
    uint32_t skip;           /* nesting depth inside an ignored value */
    uint32_t depth;
    /* yajl is fed the text in chunks, each ending just past the opening
     * quote of a long string value (which it then sees as ""); `pending`
     * is that string until its callback takes it, `escaped` tells the
     * value handlers that the string they get is raw JSON with escapes. */
    const unsigned char *json;  /* the text after any prefix */
    size_t skip_prefix;         /* bytes of BOM and ")]}'" line before it */
    size_t chunk_base;          /* offset in `json` of the chunk being parsed */
    const lsm_json_long_t *pending;
    bool escaped;
} reader_t;

enum value_kind { V_NULL, V_BOOL, V_NUMBER, V_STRING, V_OBJECT, V_ARRAY };

static const char *const KIND_NAMES[] = {"null", "a boolean", "a number",
                                         "a string", "an object", "an array"};

/* ------------------------------------------------------------ failures */

/* Where yajl is, as an offset in the caller's input. */
static uint64_t input_pos(const reader_t *r) {
    return (uint64_t)(r->skip_prefix + r->chunk_base +
                      (r->yajl ? yajl_get_bytes_consumed(r->yajl) : 0));
}

/* Records the first failure and stops the parse (returns 0 for yajl). */
static int fail(reader_t *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader_t *r, int code, const char *fmt, ...) {
    if (r->code)
        return 0;
    r->code = code;
    if (r->err) {
        va_list ap;
        va_start(ap, fmt);
        r->err->code = code;
        vsnprintf(r->err->message, sizeof r->err->message, fmt, ap);
        va_end(ap);
        r->err->offset = -1;
        r->err->line = -1;
        r->err->segment = -1;
    }
    return 0;
}

static int nomem(reader_t *r) {
    return fail(r, LSM_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------- numbers */

/* Evaluates a JSON number exactly, without the C library's locale-bound
 * conversions. Returns 1 with *out set when it is an integer in
 * 0..limit, 0 when it is not an integer (or negative), 2 when it is an
 * integer above limit. */
static int json_uint(const char *s, size_t n, uint64_t limit, uint64_t *out) {
    size_t i = 0;
    bool negative = false;
    if (i < n && s[i] == '-') {
        negative = true;
        i++;
    }
    char digits[24];
    size_t nd = 0;           /* significant digits kept, leading zeros dropped */
    int64_t exp10 = 0;       /* value = digits * 10^exp10 */
    bool dropped_int = false, dropped_frac = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (nd == 0 && s[i] == '0')
            continue;
        if (nd < sizeof digits) {
            digits[nd++] = s[i];
        } else {
            dropped_int |= s[i] != '0';
            exp10++;
        }
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (nd == 0 && s[i] == '0') {
                exp10--;
            } else if (nd < sizeof digits) {
                digits[nd++] = s[i];
                exp10--;
            } else {
                dropped_frac |= s[i] != '0';
            }
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        int64_t e = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        exp10 += eneg ? -e : e;
    }
    while (nd > 0 && digits[nd - 1] == '0') {
        nd--;
        exp10++;
    }
    if (nd == 0 && !dropped_int && !dropped_frac) {
        *out = 0;
        return 1;
    }
    if (dropped_frac || exp10 < 0 || negative)
        return 0;
    if (dropped_int || (int64_t)nd + exp10 > 19)
        return 2;
    uint64_t v = 0;
    for (size_t k = 0; k < nd; k++)
        v = v * 10 + (uint64_t)(digits[k] - '0');
    for (int64_t k = 0; k < exp10; k++) {
        if (v > UINT64_MAX / 10)
            return 2;
        v *= 10;
    }
    if (v > limit)
        return 2;
    *out = v;
    return 1;
}

/* --------------------------------------------------------------- keys */

static enum key match_key(const unsigned char *s, size_t n) {
    static const struct {
        const char *name;
        enum key key;
    } keys[] = {
        {"version", K_VERSION},
        {"file", K_FILE},
        {"sourceRoot", K_SOURCE_ROOT},
        {"sources", K_SOURCES},
        {"sourcesContent", K_SOURCES_CONTENT},
        {"names", K_NAMES},
        {"mappings", K_MAPPINGS},
        {"ignoreList", K_IGNORE_LIST},
        {"x_google_ignoreList", K_X_GOOGLE_IGNORE_LIST},
        {"debugId", K_DEBUG_ID},
        {"debug_id", K_DEBUG_ID_LEGACY},
        {"sections", K_SECTIONS},
        {"offset", K_OFFSET},
        {"map", K_MAP},
        {"url", K_URL},
        {"line", K_LINE},
        {"column", K_COLUMN},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].name) == n && memcmp(keys[i].name, s, n) == 0)
            return keys[i].key;
    return K_UNKNOWN;
}

/* ------------------------------------------------------------- helpers */

static frame_t *top(reader_t *r) {
    return r->top >= 0 ? &r->frames[r->top] : NULL;
}

static int push(reader_t *r, enum frame_kind kind, lsm_map_record_t *map, uint32_t section) {
    if (r->top + 1 >= MAX_FRAMES)
        return fail(r, LSM_ERR_JSON_DEPTH, "source map nesting too deep");
    r->top++;
    r->frames[r->top] = (frame_t){kind, K_UNKNOWN, map, section};
    return 1;
}

/* Copies a string into the blob, NUL-terminated (unescaping a raw one). */
static int store_string(reader_t *r, const unsigned char *s, size_t n, lsm_span_t *out) {
    lsm_buf_t *blob = &r->p->blob;
    if (lsm_buf_reserve(blob, n + 1))
        return nomem(r);
    out->offset = blob->len;
    if (r->escaped) {
        n = lsm_json_unescape(s, n, blob->data + blob->len);
    } else {
        memcpy(blob->data + blob->len, s, n);
    }
    out->len = n;
    blob->data[blob->len + n] = 0;
    blob->len += n + 1;
    return 1;
}

static int list_add(reader_t *r, lsm_list_t *list, const unsigned char *s, size_t n, bool null) {
    lsm_span_t span = {LSM_NULL_STRING, 0};
    if (list->count == UINT32_MAX - 1)
        return fail(r, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 array entries");
    if (!null && !store_string(r, s, n, &span))
        return 0;
    if (lsm_buf_reserve(&list->entries, LSM_STRTAB_ENTRY))
        return nomem(r);
    uint8_t *e = list->entries.data + list->entries.len;
    lsm_wr64(e, span.offset);
    lsm_wr64(e + 8, span.len);
    list->entries.len += LSM_STRTAB_ENTRY;
    list->count++;
    return 1;
}

static void list_reset(lsm_list_t *list) {
    list->entries.len = 0;
    list->count = 0;
    list->present = true;
}

static int vec_add(reader_t *r, lsm_u32vec_t *vec, uint32_t v) {
    int code = lsm_array_reserve((void **)&vec->items, &vec->cap, vec->count, 1,
                                 sizeof *vec->items);
    if (code == LSM_ERR_TOO_LARGE)
        return fail(r, LSM_ERR_TOO_LARGE, "too many ignoreList entries");
    if (code)
        return nomem(r);
    vec->items[vec->count++] = v;
    return 1;
}

static lsm_map_record_t *new_record(reader_t *r, uint32_t level) {
    lsm_map_record_t *m = lsm_calloc(1, sizeof *m);
    if (!m) {
        nomem(r);
        return NULL;
    }
    m->level = level;
    m->file.offset = m->source_root.offset = LSM_NULL_STRING;
    m->debug_id.offset = m->debug_id_legacy.offset = LSM_NULL_STRING;
    m->mappings_pos = -1;
    return m;
}

static void release_record(lsm_map_record_t *m);

/* Nesting is bounded by LSM_MAX_INDEX_DEPTH, and so is this recursion. */
static void release_sections(lsm_map_record_t *m) {
    for (uint32_t i = 0; i < m->section_count; i++) {
        if (m->sections[i].map) {
            release_record(m->sections[i].map);
            lsm_free(m->sections[i].map);
        }
    }
    lsm_free(m->sections);
    m->sections = NULL;
    m->section_count = m->section_cap = 0;
}

static void release_record(lsm_map_record_t *m) {
    release_sections(m);
    lsm_free(m->mappings_copy);
    lsm_free(m->sources.entries.data);
    lsm_free(m->contents.entries.data);
    lsm_free(m->names.entries.data);
    lsm_free(m->ignore.items);
    lsm_free(m->x_google_ignore.items);
}

void lsm_parse_release(lsm_parse_t *p) {
    release_record(&p->root);
    lsm_free(p->blob.data);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------- field values */

static int set_mappings(reader_t *r, lsm_map_record_t *m, const unsigned char *s, size_t n) {
    lsm_free(m->mappings_copy);
    m->mappings_copy = NULL;
    m->has_mappings = true;
    const char *cs = (const char *)s;
    if (!r->escaped && cs >= r->input && cs + n <= r->input + r->input_len) {
        m->mappings = cs;
        m->mappings_pos = cs - r->input;
    } else {
        /* Escaped: unescaped here, or by yajl into a scratch buffer that
         * dies with this callback. */
        m->mappings_copy = lsm_malloc(n + 1);
        if (!m->mappings_copy)
            return nomem(r);
        if (r->escaped)
            n = lsm_json_unescape(s, n, (uint8_t *)m->mappings_copy);
        else
            memcpy(m->mappings_copy, s, n);
        m->mappings_copy[n] = 0; /* the decoder relies on a non-digit after the end */
        m->mappings = m->mappings_copy;
        m->mappings_pos = -1;
    }
    m->mappings_len = n;
    int code = lsm_mappings_scan(m->mappings, n, UINT32_MAX, UINT32_MAX, &m->stats, r->err);
    if (code) {
        r->code = code;
        if (r->err) {
            int64_t at = r->err->offset;
            r->err->offset = m->mappings_pos >= 0 ? m->mappings_pos + at : (int64_t)input_pos(r);
        }
        return 0;
    }
    return 1;
}

static int optional_string(reader_t *r, enum value_kind kind, const unsigned char *s, size_t n,
                           lsm_span_t *span, int code, const char *field) {
    if (kind == V_NULL) {
        span->offset = LSM_NULL_STRING;
        span->len = 0;
        return 1;
    }
    if (kind != V_STRING)
        return fail(r, code, "\"%s\" must be a string, not %s", field, KIND_NAMES[kind]);
    return store_string(r, s, n, span);
}

static int map_value(reader_t *r, frame_t *f, enum value_kind kind, const unsigned char *s,
                     size_t n) {
    lsm_map_record_t *m = f->map;
    switch (f->key) {
    case K_VERSION: {
        uint64_t v = 0;
        m->has_version = true;
        if (kind != V_NUMBER)
            return fail(r, LSM_ERR_UNSUPPORTED_VERSION, "\"version\" must be the number 3, not %s",
                        KIND_NAMES[kind]);
        if (json_uint((const char *)s, n, 1000, &v) != 1 || v != 3)
            return fail(r, LSM_ERR_UNSUPPORTED_VERSION, "unsupported source map version %.*s",
                        (int)(n > 32 ? 32 : n), (const char *)s);
        return 1;
    }
    case K_FILE:
        return optional_string(r, kind, s, n, &m->file, LSM_ERR_BAD_FILE, "file");
    case K_SOURCE_ROOT:
        return optional_string(r, kind, s, n, &m->source_root, LSM_ERR_BAD_SOURCE_ROOT,
                               "sourceRoot");
    case K_DEBUG_ID:
        return optional_string(r, kind, s, n, &m->debug_id, LSM_ERR_BAD_DEBUG_ID, "debugId");
    case K_DEBUG_ID_LEGACY:
        return optional_string(r, kind, s, n, &m->debug_id_legacy, LSM_ERR_BAD_DEBUG_ID,
                               "debug_id");
    case K_MAPPINGS:
        if (kind != V_STRING)
            return fail(r, LSM_ERR_BAD_MAPPINGS, "\"mappings\" must be a string, not %s",
                        KIND_NAMES[kind]);
        return set_mappings(r, m, s, n);
    case K_SOURCES:
        if (kind != V_ARRAY)
            return fail(r, LSM_ERR_BAD_SOURCES, "\"sources\" must be an array, not %s",
                        KIND_NAMES[kind]);
        list_reset(&m->sources);
        return push(r, FR_SOURCES, m, 0);
    case K_SOURCES_CONTENT:
        if (kind == V_NULL) {
            list_reset(&m->contents);
            m->contents.present = false;
            return 1;
        }
        if (kind != V_ARRAY)
            return fail(r, LSM_ERR_BAD_SOURCES_CONTENT,
                        "\"sourcesContent\" must be an array, not %s", KIND_NAMES[kind]);
        list_reset(&m->contents);
        return push(r, FR_CONTENTS, m, 0);
    case K_NAMES:
        if (kind != V_ARRAY)
            return fail(r, LSM_ERR_BAD_NAMES, "\"names\" must be an array, not %s",
                        KIND_NAMES[kind]);
        list_reset(&m->names);
        return push(r, FR_NAMES, m, 0);
    case K_IGNORE_LIST:
    case K_X_GOOGLE_IGNORE_LIST: {
        bool google = f->key == K_X_GOOGLE_IGNORE_LIST;
        lsm_u32vec_t *vec = google ? &m->x_google_ignore : &m->ignore;
        vec->count = 0;
        vec->present = true;
        if (google)
            m->x_google_error = 0;
        if (kind != V_ARRAY) {
            if (!google)
                return fail(r, LSM_ERR_BAD_IGNORE_LIST, "\"ignoreList\" must be an array, not %s",
                            KIND_NAMES[kind]);
            m->x_google_error = LSM_ERR_BAD_IGNORE_LIST;
            if (kind == V_OBJECT)
                r->skip = 1;
            return 1;
        }
        return push(r, google ? FR_X_IGNORE : FR_IGNORE, m, 0);
    }
    case K_SECTIONS:
        if (kind != V_ARRAY)
            return fail(r, LSM_ERR_BAD_SECTIONS, "\"sections\" must be an array, not %s",
                        KIND_NAMES[kind]);
        if (m->level >= LSM_MAX_INDEX_DEPTH)
            return fail(r, LSM_ERR_NESTED_INDEX, "index maps nested more than %d levels deep",
                        LSM_MAX_INDEX_DEPTH);
        m->has_sections = true;
        release_sections(m);
        return push(r, FR_SECTIONS, m, 0);
    default:
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip = 1;
        return 1;
    }
}

static int section_value(reader_t *r, frame_t *f, enum value_kind kind) {
    lsm_section_t *sec = &f->map->sections[f->section];
    switch (f->key) {
    case K_OFFSET:
        if (kind != V_OBJECT)
            return fail(r, LSM_ERR_BAD_OFFSET, "section %u: \"offset\" must be an object, not %s",
                        f->section, KIND_NAMES[kind]);
        sec->has_offset = true;
        sec->has_line = sec->has_col = false;
        return push(r, FR_OFFSET, f->map, f->section);
    case K_MAP: {
        if (kind != V_OBJECT)
            return fail(r, LSM_ERR_BAD_SECTIONS, "section %u: \"map\" must be an object, not %s",
                        f->section, KIND_NAMES[kind]);
        if (sec->map) {
            release_record(sec->map);
            lsm_free(sec->map);
        }
        sec->map = new_record(r, f->map->level + 1);
        if (!sec->map)
            return 0;
        return push(r, FR_MAP, sec->map, 0);
    }
    case K_URL:
        sec->has_url = true;
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip = 1;
        return 1;
    default:
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip = 1;
        return 1;
    }
}

static int offset_value(reader_t *r, frame_t *f, enum value_kind kind, const unsigned char *s,
                        size_t n) {
    lsm_section_t *sec = &f->map->sections[f->section];
    if (f->key != K_LINE && f->key != K_COLUMN) {
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip = 1;
        return 1;
    }
    const char *field = f->key == K_LINE ? "line" : "column";
    uint64_t v = 0;
    int rc = kind == V_NUMBER ? json_uint((const char *)s, n, 4294967294u, &v) : 0;
    if (rc == 2)
        return fail(r, LSM_ERR_TOO_LARGE, "section %u: offset %s exceeds 32 bits", f->section,
                    field);
    if (rc != 1)
        return fail(r, LSM_ERR_BAD_OFFSET,
                    "section %u: offset %s must be a non-negative integer", f->section, field);
    if (f->key == K_LINE) {
        sec->line = (uint32_t)v;
        sec->has_line = true;
    } else {
        sec->col = (uint32_t)v;
        sec->has_col = true;
    }
    return 1;
}

static int array_value(reader_t *r, frame_t *f, enum value_kind kind, const unsigned char *s,
                       size_t n) {
    lsm_map_record_t *m = f->map;
    switch (f->kind) {
    case FR_SOURCES:
        if (kind != V_STRING && kind != V_NULL)
            return fail(r, LSM_ERR_BAD_SOURCES, "\"sources\" entry %u is %s, not a string",
                        m->sources.count, KIND_NAMES[kind]);
        return list_add(r, &m->sources, s, n, kind == V_NULL);
    case FR_CONTENTS:
        if (kind != V_STRING && kind != V_NULL)
            return fail(r, LSM_ERR_BAD_SOURCES_CONTENT,
                        "\"sourcesContent\" entry %u is %s, not a string", m->contents.count,
                        KIND_NAMES[kind]);
        return list_add(r, &m->contents, s, n, kind == V_NULL);
    case FR_NAMES:
        if (kind != V_STRING)
            return fail(r, LSM_ERR_BAD_NAMES, "\"names\" entry %u is %s, not a string",
                        m->names.count, KIND_NAMES[kind]);
        return list_add(r, &m->names, s, n, false);
    case FR_IGNORE:
    case FR_X_IGNORE: {
        bool google = f->kind == FR_X_IGNORE;
        lsm_u32vec_t *vec = google ? &m->x_google_ignore : &m->ignore;
        uint64_t v = 0;
        int rc = kind == V_NUMBER ? json_uint((const char *)s, n, 4294967294u, &v) : 0;
        int code = rc == 2 ? LSM_ERR_IGNORE_LIST_OUT_OF_RANGE
                   : rc != 1 ? LSM_ERR_BAD_IGNORE_LIST : 0;
        if (code && google) {
            if (!m->x_google_error)
                m->x_google_error = code;
            if (kind == V_OBJECT || kind == V_ARRAY)
                r->skip = 1;
            return 1;
        }
        if (code == LSM_ERR_IGNORE_LIST_OUT_OF_RANGE)
            return fail(r, code, "ignore list entry %u is out of range", vec->count);
        if (code)
            return fail(r, code, "ignore list entry %u is not a non-negative integer",
                        vec->count);
        return vec_add(r, vec, (uint32_t)v);
    }
    case FR_SECTIONS: {
        if (kind != V_OBJECT)
            return fail(r, LSM_ERR_BAD_SECTIONS, "section %u is %s, not an object",
                        m->section_count, KIND_NAMES[kind]);
        int code = lsm_array_reserve((void **)&m->sections, &m->section_cap, m->section_count, 1,
                                     sizeof *m->sections);
        if (code == LSM_ERR_TOO_LARGE)
            return fail(r, LSM_ERR_TOO_LARGE, "too many sections");
        if (code)
            return nomem(r);
        lsm_section_t *sec = &m->sections[m->section_count];
        memset(sec, 0, sizeof *sec);
        sec->pos = (int64_t)input_pos(r) - 1;
        return push(r, FR_SECTION, m, m->section_count++);
    }
    default:
        return fail(r, LSM_ERR_JSON, "unexpected value");
    }
}

/* Every value, scalar or the start of a container, comes through here. */
static int on_value(reader_t *r, enum value_kind kind, const unsigned char *s, size_t n) {
    if (r->skip) {
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip++;
        return 1;
    }
    frame_t *f = top(r);
    if (!f) {
        if (kind != V_OBJECT)
            return fail(r, LSM_ERR_NOT_AN_OBJECT, "a source map must be a JSON object, not %s",
                        KIND_NAMES[kind]);
        return push(r, FR_MAP, &r->p->root, 0);
    }
    switch (f->kind) {
    case FR_MAP:
        return map_value(r, f, kind, s, n);
    case FR_SECTION:
        return section_value(r, f, kind);
    case FR_OFFSET:
        return offset_value(r, f, kind, s, n);
    default:
        return array_value(r, f, kind, s, n);
    }
}

/* -------------------------------------------------------- yajl glue */

static int enter(reader_t *r) {
    if (++r->depth > MAX_DEPTH)
        return fail(r, LSM_ERR_JSON_DEPTH, "JSON nesting deeper than %d levels", MAX_DEPTH);
    return 1;
}

static int leave(reader_t *r) {
    r->depth--;
    if (r->skip) {
        r->skip--;
        return 1;
    }
    if (r->top >= 0)
        r->top--;
    return 1;
}

static int cb_null(void *ctx) {
    return on_value(ctx, V_NULL, NULL, 0);
}
static int cb_boolean(void *ctx, int b) {
    (void)b;
    return on_value(ctx, V_BOOL, NULL, 0);
}
static int cb_number(void *ctx, const char *s, size_t n) {
    return on_value(ctx, V_NUMBER, (const unsigned char *)s, n);
}
/* Every string was validated by lsm_json_scan() before yajl saw it. */
static int cb_string(void *ctx, const unsigned char *s, size_t n) {
    reader_t *r = ctx;
    if (!r->pending)
        return on_value(r, V_STRING, s, n);
    const lsm_json_long_t *raw = r->pending;
    r->pending = NULL;
    r->escaped = raw->escaped;
    int ok = on_value(r, V_STRING, r->json + raw->start, (size_t)raw->len);
    r->escaped = false;
    return ok;
}
static int cb_start_map(void *ctx) {
    return enter(ctx) && on_value(ctx, V_OBJECT, NULL, 0);
}
static int cb_start_array(void *ctx) {
    return enter(ctx) && on_value(ctx, V_ARRAY, NULL, 0);
}
static int cb_end(void *ctx) {
    return leave(ctx);
}
static int cb_map_key(void *ctx, const unsigned char *s, size_t n) {
    reader_t *r = ctx;
    /* Long strings are elided only as values; a key here would be in a
     * text yajl is about to reject. */
    enum key key = r->pending ? K_UNKNOWN : match_key(s, n);
    r->pending = NULL;
    if (!r->skip)
        r->frames[r->top].key = key;
    return 1;
}

static const yajl_callbacks CALLBACKS = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* yajl 2 does not check its own allocations for NULL, so a failed one must
 * not return to it. Its blocks are kept on a list; a failure jumps back to
 * lsm_read_json(), which frees the list instead of calling yajl_free(). */
typedef struct yajl_link {
    struct yajl_link *prev, *next;
} yajl_link_t;

typedef struct yajl_block {
    yajl_link_t link;
    max_align_t align[];
} yajl_block_t;

typedef struct yajl_heap {
    yajl_link_t head; /* sentinel of a circular list of blocks */
    jmp_buf on_failure;
} yajl_heap_t;

static yajl_block_t *block_of(void *p) {
    return (yajl_block_t *)(void *)((char *)p - offsetof(yajl_block_t, align));
}

static void *yajl_malloc_cb(void *ctx, size_t n) {
    yajl_heap_t *heap = ctx;
    yajl_block_t *b = n > SIZE_MAX - sizeof *b ? NULL : lsm_malloc(sizeof *b + n);
    if (!b)
        longjmp(heap->on_failure, 1);
    b->link.next = heap->head.next;
    b->link.prev = &heap->head;
    b->link.next->prev = &b->link;
    heap->head.next = &b->link;
    return b->align;
}

static void *yajl_realloc_cb(void *ctx, void *p, size_t n) {
    yajl_heap_t *heap = ctx;
    if (!p)
        return yajl_malloc_cb(ctx, n);
    yajl_block_t *b = n > SIZE_MAX - sizeof *b ? NULL : lsm_realloc(block_of(p), sizeof *b + n);
    if (!b)
        longjmp(heap->on_failure, 1); /* the old block is still on the list */
    b->link.prev->next = &b->link;
    b->link.next->prev = &b->link;
    return b->align;
}

static void yajl_free_cb(void *ctx, void *p) {
    (void)ctx;
    if (!p)
        return;
    yajl_block_t *b = block_of(p);
    b->link.prev->next = b->link.next;
    b->link.next->prev = b->link.prev;
    lsm_free(b);
}

static void yajl_heap_release(yajl_heap_t *heap) {
    yajl_link_t *l = heap->head.next;
    while (l != &heap->head) {
        yajl_link_t *next = l->next;
        lsm_free(l); /* the link is the block's first member */
        l = next;
    }
    heap->head.next = heap->head.prev = &heap->head;
}

/* yajl_get_error() allocates too, through the jumping allocator. */
static unsigned char *get_yajl_error(reader_t *r, yajl_heap_t *heap, const unsigned char *json,
                                     size_t len) {
    if (setjmp(heap->on_failure))
        return NULL;
    return yajl_get_error(r->yajl, 0, json, len);
}

/* yajl reports errors as text; keep its first line as our message. */
static int yajl_failure(reader_t *r, yajl_heap_t *heap, const unsigned char *json, size_t len) {
    unsigned char *text = get_yajl_error(r, heap, json, len);
    const char *msg = text ? (const char *)text : "malformed JSON";
    int code = strstr(msg, "UTF8") ? LSM_ERR_INVALID_UTF8 : LSM_ERR_JSON;
    size_t n = strcspn(msg, "\n");
    while (n > 0 && (msg[n - 1] == '.' || msg[n - 1] == ' '))
        n--;
    fail(r, code, "%.*s", (int)n, msg);
    if (r->err)
        r->err->offset = (int64_t)input_pos(r);
    if (text)
        yajl_free_error(r->yajl, text);
    return code;
}

/* ECMA-426 lets a map start with a byte order mark and with a ")]}'" line
 * that protects it from being run as script. */
static size_t prefix_length(const char *s, size_t len) {
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i >= 4 && memcmp(s + i, ")]}'", 4) == 0) {
        const char *nl = memchr(s + i, '\n', len - i);
        i = nl ? (size_t)(nl - s) + 1 : len;
    }
    return i;
}

/* Strings with at least this many content bytes are read in place rather
 * than lexed by yajl. */
#define LONG_STRING 64

/* Runs yajl over the text in chunks, eliding the long string values the
 * scan found, and up to the first bad string if there is one. Returns
 * false when one of yajl's allocations failed; the caller then owns
 * whatever is left on `heap`. The setjmp sits in this function so that
 * nothing it changes is one of its own locals. */
static bool run_yajl(reader_t *r, yajl_heap_t *heap, size_t len, const lsm_json_scan_t *scan,
                     yajl_status *st, bool *at_end) {
    if (setjmp(heap->on_failure))
        return false;
    yajl_alloc_funcs alloc = {yajl_malloc_cb, yajl_realloc_cb, yajl_free_cb, heap};
    r->yajl = yajl_alloc(&CALLBACKS, &alloc, r);
    /* Strings are validated by lsm_json_scan(), more strictly than yajl. */
    yajl_config(r->yajl, yajl_dont_validate_strings, 1);
    const lsm_json_long_t *items = (const lsm_json_long_t *)(const void *)scan->strings.data;
    size_t count = scan->strings.len / sizeof *items;
    size_t end = scan->code ? scan->error_string : len;
    size_t pos = 0;
    for (size_t k = 0;; k++) {
        /* Up to and including the opening quote of the next long string. */
        size_t stop = k < count ? (size_t)items[k].start : end;
        r->chunk_base = pos;
        *st = yajl_parse(r->yajl, r->json + pos, stop - pos);
        if (*st != yajl_status_ok || r->code || k == count)
            break;
        r->pending = &items[k];
        pos = (size_t)(items[k].start + items[k].len); /* its closing quote */
    }
    if (*st == yajl_status_ok && !r->code && !scan->code) {
        *at_end = true;
        *st = yajl_complete_parse(r->yajl);
    }
    return true;
}

int lsm_read_json(const char *bytes, size_t len, lsm_parse_t *out, lsm_error_t *err) {
    reader_t r;
    memset(&r, 0, sizeof r);
    r.p = out;
    r.input = bytes;
    r.input_len = len;
    r.err = err;
    r.top = -1;
    out->input_len = len;
    out->root.file.offset = out->root.source_root.offset = LSM_NULL_STRING;
    out->root.debug_id.offset = out->root.debug_id_legacy.offset = LSM_NULL_STRING;
    out->root.mappings_pos = -1;

    size_t skip = prefix_length(bytes, len);
    const unsigned char *json = (const unsigned char *)bytes + skip;
    size_t json_len = len - skip;
    r.json = json;
    r.skip_prefix = skip;

    lsm_json_scan_t scan;
    memset(&scan, 0, sizeof scan);
    if (lsm_json_scan(json, json_len, LONG_STRING, &scan)) {
        lsm_free(scan.strings.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    }

    yajl_heap_t heap;
    heap.head.next = heap.head.prev = &heap.head;
    bool at_end = false;
    yajl_status st = yajl_status_ok;
    if (!run_yajl(&r, &heap, json_len, &scan, &st, &at_end)) {
        yajl_heap_release(&heap);
        lsm_free(scan.strings.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
    }
    int code = 0;
    if (st == yajl_status_client_canceled || r.code) {
        code = r.code ? r.code : LSM_ERR_NOMEM;
        if (err && err->offset < 0 && code != LSM_ERR_NOMEM)
            err->offset = (int64_t)input_pos(&r);
    } else if (st == yajl_status_error) {
        code = yajl_failure(&r, &heap, json + r.chunk_base, json_len - r.chunk_base);
        /* After the whole input, yajl counts bytes of its own flush
         * buffer: the error is at the end of the input. */
        if (at_end && err)
            err->offset = (int64_t)len;
    } else if (scan.code) {
        /* The text is fine up to the first bad string. */
        fail(&r, scan.code, "%s", scan.message);
        code = scan.code;
        if (err)
            err->offset = (int64_t)(skip + scan.error_offset);
    } else if (r.top != -1 || r.depth != 0) {
        fail(&r, LSM_ERR_JSON, "premature end of JSON");
        if (err)
            err->offset = (int64_t)len;
        code = LSM_ERR_JSON;
    }
    yajl_free(r.yajl);
    /* Whatever an allocation failure in yajl_get_error() left behind. */
    yajl_heap_release(&heap);
    lsm_free(scan.strings.data);
    return code;
}
