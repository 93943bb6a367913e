/* What each JSON value means for the source map being read: the reader's
 * field handlers, called by yajl's callbacks in src/json.c, and the
 * records they fill (src/parse.h). */
#include <stdarg.h>
#include <stdio.h>

#include "contents.h"
#include "json_reader.h"

static const char *const KIND_NAMES[] = {"null", "a boolean", "a number",
                                         "a string", "an object", "an array"};

/* ------------------------------------------------------------ failures */

/* Where yajl is, as an offset in the caller's input. */
uint64_t lsm_json_input_pos(const reader_t *r) {
    uint64_t pos = (uint64_t)(r->skip_prefix + r->chunk_base +
                              (r->yajl ? yajl_get_bytes_consumed(r->yajl) : 0));
    /* During yajl's final flush the count is of its own one-byte buffer. */
    return pos < r->input_len ? pos : r->input_len;
}

int lsm_json_fail(reader_t *r, int code, const char *fmt, ...) {
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
    return lsm_json_fail(r, LSM_ERR_NOMEM, "out of memory");
}

/* --------------------------------------------------------------- keys */

enum key lsm_json_match_key(const unsigned char *s, size_t n) {
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
        {"scopes", K_SCOPES},
        {"ranges", K_RANGES},
        {"rangeMappings", K_RANGE_MAPPINGS},
        {"x_facebook_sources", K_X_FACEBOOK_SOURCES},
        {"x_hermes_function_offsets", K_X_HERMES_FUNCTION_OFFSETS},
        {"x_facebook_segments", K_X_FACEBOOK_SEGMENTS},
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
        return lsm_json_fail(r, LSM_ERR_JSON_DEPTH, "source map nesting too deep");
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
        return lsm_json_fail(r, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 array entries");
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

/* A "sourcesContent" entry: left in the input when it lies there (a long
 * string taken in place, escapes and all, or a short one yajl passed
 * through), copied to the blob otherwise (src/contents.h). */
static int contents_add(reader_t *r, lsm_list_t *list, const unsigned char *s, size_t n,
                        bool null) {
    const char *cs = (const char *)s;
    if (null || !(cs >= r->input && n <= r->input_len && cs - r->input <= (ptrdiff_t)(r->input_len - n)))
        return list_add(r, list, s, n, null);
    if (list->count == UINT32_MAX - 1)
        return lsm_json_fail(r, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 array entries");
    if (lsm_buf_reserve(&list->entries, LSM_STRTAB_ENTRY))
        return nomem(r);
    uint8_t *e = list->entries.data + list->entries.len;
    lsm_wr64(e, LSM_ENTRY_IN_INPUT | (uint64_t)(cs - r->input));
    lsm_wr64(e + 8, (uint64_t)n | (r->escaped ? LSM_ENTRY_ESCAPED : 0));
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
        return lsm_json_fail(r, LSM_ERR_TOO_LARGE, "too many ignoreList entries");
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
    lsm_free(m->range_mappings);
    lsm_free(m->sources.entries.data);
    lsm_free(m->contents.entries.data);
    lsm_free(m->names.entries.data);
    lsm_free(m->ignore.items);
    lsm_free(m->x_google_ignore.items);
    lsm_free(m->scopes_list.entries.data);
}

void lsm_parse_release(lsm_parse_t *p) {
    release_record(&p->root);
    lsm_free(p->extras.data);
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
            r->err->offset = m->mappings_pos >= 0 ? m->mappings_pos + at : (int64_t)lsm_json_input_pos(r);
        }
        return 0;
    }
    return 1;
}

/* "rangeMappings": kept as a copy until the view is built. */
static int set_range_mappings(reader_t *r, lsm_map_record_t *m, enum value_kind kind,
                              const unsigned char *s, size_t n) {
    lsm_free(m->range_mappings);
    m->range_mappings = NULL;
    m->range_mappings_len = 0;
    if (kind == V_NULL)
        return 1;
    if (kind != V_STRING)
        return lsm_json_fail(r, LSM_ERR_BAD_RANGE_MAPPINGS,
                             "\"rangeMappings\" must be a string, not %s", KIND_NAMES[kind]);
    m->range_mappings = lsm_malloc(n + 1);
    if (!m->range_mappings)
        return nomem(r);
    if (r->escaped)
        n = lsm_json_unescape(s, n, (uint8_t *)m->range_mappings);
    else
        memcpy(m->range_mappings, s, n);
    m->range_mappings[n] = 0;
    m->range_mappings_len = n;
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
        return lsm_json_fail(r, code, "\"%s\" must be a string, not %s", field, KIND_NAMES[kind]);
    return store_string(r, s, n, span);
}

/* A field the view does not interpret: skipped, and at the top level
 * kept as JSON text (src/json_extra.c) up to where its value ends. */
static int other_value(reader_t *r, const lsm_map_record_t *m, enum value_kind kind) {
    if (m == &r->p->root) {
        int code = lsm_extra_open(r->p);
        if (code == LSM_ERR_TOO_LARGE)
            return lsm_json_fail(r, code, "more than 2^32 - 2 top-level fields");
        if (code)
            return nomem(r);
    }
    if (kind == V_OBJECT || kind == V_ARRAY) {
        r->skip = 1;
        return 1;
    }
    if (r->p->extra_open &&
        lsm_extra_close(r->p, r->input, r->input_len, lsm_json_input_pos(r)))
        return nomem(r);
    return 1;
}

/* "scopes" and "ranges" are kept as written, both for the decoder
 * (src/scopes_decode.c) and, at the top level, as JSON text for
 * lsm_view_to_json() to write back unchanged (src/json_extra.c); a wrong
 * type only marks the record (the load decides, by LSM_LOAD_STRICT_SCOPES,
 * what it means). */
static int scopes_value(reader_t *r, frame_t *f, enum value_kind kind, const unsigned char *s,
                        size_t n) {
    lsm_map_record_t *m = f->map;
    bool ranges = f->key == K_RANGES;
    if (ranges)
        m->has_ranges = false;
    else {
        m->has_scopes_string = false;
        list_reset(&m->scopes_list);
        m->scopes_list.present = false;
    }
    if (kind == V_STRING) {
        if (ranges)
            m->has_ranges = true;
        else
            m->has_scopes_string = true;
        if (!store_string(r, s, n, ranges ? &m->ranges : &m->scopes_string))
            return 0;
        return other_value(r, m, kind);
    }
    if (kind == V_ARRAY && !ranges) {
        m->scopes_list.present = true;
        if (m == &r->p->root) {
            /* Closed by the reader when the array ends (src/json.c). */
            int code = lsm_extra_open(r->p);
            if (code == LSM_ERR_TOO_LARGE)
                return lsm_json_fail(r, code, "more than 2^32 - 2 top-level fields");
            if (code)
                return nomem(r);
        }
        return push(r, FR_SCOPES, m, 0);
    }
    if (kind != V_NULL)
        m->scopes_type_error = LSM_ERR_BAD_SCOPES;
    return other_value(r, m, kind);
}

static int map_value(reader_t *r, frame_t *f, enum value_kind kind, const unsigned char *s,
                     size_t n) {
    lsm_map_record_t *m = f->map;
    switch (f->key) {
    case K_VERSION: {
        uint64_t v = 0;
        m->has_version = true;
        if (kind != V_NUMBER)
            return lsm_json_fail(r, LSM_ERR_UNSUPPORTED_VERSION, "\"version\" must be the number 3, not %s",
                        KIND_NAMES[kind]);
        if (lsm_json_uint((const char *)s, n, 1000, &v) != 1 || v != 3)
            return lsm_json_fail(r, LSM_ERR_UNSUPPORTED_VERSION, "unsupported source map version %.*s",
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
            return lsm_json_fail(r, LSM_ERR_BAD_MAPPINGS, "\"mappings\" must be a string, not %s",
                        KIND_NAMES[kind]);
        return set_mappings(r, m, s, n);
    case K_SOURCES:
        if (kind != V_ARRAY)
            return lsm_json_fail(r, LSM_ERR_BAD_SOURCES, "\"sources\" must be an array, not %s",
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
            return lsm_json_fail(r, LSM_ERR_BAD_SOURCES_CONTENT,
                        "\"sourcesContent\" must be an array, not %s", KIND_NAMES[kind]);
        list_reset(&m->contents);
        return push(r, FR_CONTENTS, m, 0);
    case K_NAMES:
        if (kind != V_ARRAY)
            return lsm_json_fail(r, LSM_ERR_BAD_NAMES, "\"names\" must be an array, not %s",
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
                return lsm_json_fail(r, LSM_ERR_BAD_IGNORE_LIST, "\"ignoreList\" must be an array, not %s",
                            KIND_NAMES[kind]);
            m->x_google_error = LSM_ERR_BAD_IGNORE_LIST;
            if (kind == V_OBJECT)
                r->skip = 1;
            return 1;
        }
        return push(r, google ? FR_X_IGNORE : FR_IGNORE, m, 0);
    }
    case K_SCOPES:
    case K_RANGES:
        return scopes_value(r, f, kind, s, n);
    case K_RANGE_MAPPINGS:
        return set_range_mappings(r, m, kind, s, n);
    case K_X_FACEBOOK_SOURCES:
    case K_X_HERMES_FUNCTION_OFFSETS:
    case K_X_FACEBOOK_SEGMENTS: {
        /* Read later from the input (src/hermes.c); only noted here. */
        uint64_t *at = f->key == K_X_FACEBOOK_SOURCES          ? &m->fb_sources_at
                       : f->key == K_X_HERMES_FUNCTION_OFFSETS ? &m->hermes_offsets_at
                                                               : &m->fb_segments_at;
        *at = 0;
        if (kind == V_OBJECT || kind == V_ARRAY) {
            uint64_t pos = lsm_json_input_pos(r);
            if (pos > 0 && pos <= r->input_len &&
                r->input[pos - 1] == (kind == V_ARRAY ? '[' : '{'))
                *at = pos;
        }
        /* Also kept as written, so that lsm_view_to_json() carries the
         * React Native fields through unchanged (src/json_extra.c). */
        return other_value(r, m, kind);
    }
    case K_SECTIONS:
        if (kind != V_ARRAY)
            return lsm_json_fail(r, LSM_ERR_BAD_SECTIONS, "\"sections\" must be an array, not %s",
                        KIND_NAMES[kind]);
        if (m->level >= LSM_MAX_INDEX_DEPTH)
            return lsm_json_fail(r, LSM_ERR_NESTED_INDEX, "index maps nested more than %d levels deep",
                        LSM_MAX_INDEX_DEPTH);
        m->has_sections = true;
        release_sections(m);
        return push(r, FR_SECTIONS, m, 0);
    default:
        return other_value(r, m, kind);
    }
}

static int section_value(reader_t *r, frame_t *f, enum value_kind kind) {
    lsm_section_t *sec = &f->map->sections[f->section];
    switch (f->key) {
    case K_OFFSET:
        if (kind != V_OBJECT)
            return lsm_json_fail(r, LSM_ERR_BAD_OFFSET, "section %u: \"offset\" must be an object, not %s",
                        f->section, KIND_NAMES[kind]);
        sec->has_offset = true;
        sec->has_line = sec->has_col = false;
        return push(r, FR_OFFSET, f->map, f->section);
    case K_MAP: {
        if (kind != V_OBJECT)
            return lsm_json_fail(r, LSM_ERR_BAD_SECTIONS, "section %u: \"map\" must be an object, not %s",
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
    int rc = kind == V_NUMBER ? lsm_json_uint((const char *)s, n, 4294967294u, &v) : 0;
    if (rc == 2)
        return lsm_json_fail(r, LSM_ERR_TOO_LARGE, "section %u: offset %s exceeds 32 bits", f->section,
                    field);
    if (rc != 1)
        return lsm_json_fail(r, LSM_ERR_BAD_OFFSET,
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
            return lsm_json_fail(r, LSM_ERR_BAD_SOURCES, "\"sources\" entry %u is %s, not a string",
                        m->sources.count, KIND_NAMES[kind]);
        return list_add(r, &m->sources, s, n, kind == V_NULL);
    case FR_CONTENTS:
        if (kind != V_STRING && kind != V_NULL)
            return lsm_json_fail(r, LSM_ERR_BAD_SOURCES_CONTENT,
                        "\"sourcesContent\" entry %u is %s, not a string", m->contents.count,
                        KIND_NAMES[kind]);
        return contents_add(r, &m->contents, s, n, kind == V_NULL);
    case FR_NAMES:
        if (kind != V_STRING)
            return lsm_json_fail(r, LSM_ERR_BAD_NAMES, "\"names\" entry %u is %s, not a string",
                        m->names.count, KIND_NAMES[kind]);
        return list_add(r, &m->names, s, n, false);
    case FR_IGNORE:
    case FR_X_IGNORE: {
        bool google = f->kind == FR_X_IGNORE;
        lsm_u32vec_t *vec = google ? &m->x_google_ignore : &m->ignore;
        uint64_t v = 0;
        int rc = kind == V_NUMBER ? lsm_json_uint((const char *)s, n, 4294967294u, &v) : 0;
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
            return lsm_json_fail(r, code, "ignore list entry %u is out of range", vec->count);
        if (code)
            return lsm_json_fail(r, code, "ignore list entry %u is not a non-negative integer",
                        vec->count);
        return vec_add(r, vec, (uint32_t)v);
    }
    case FR_SCOPES:
        if (kind != V_STRING && kind != V_NULL) {
            m->scopes_type_error = LSM_ERR_BAD_SCOPES;
            if (kind == V_OBJECT || kind == V_ARRAY)
                r->skip = 1;
            return 1;
        }
        return list_add(r, &m->scopes_list, s, n, kind == V_NULL);
    case FR_SECTIONS: {
        if (kind != V_OBJECT)
            return lsm_json_fail(r, LSM_ERR_BAD_SECTIONS, "section %u is %s, not an object",
                        m->section_count, KIND_NAMES[kind]);
        int code = lsm_array_reserve((void **)&m->sections, &m->section_cap, m->section_count, 1,
                                     sizeof *m->sections);
        if (code == LSM_ERR_TOO_LARGE)
            return lsm_json_fail(r, LSM_ERR_TOO_LARGE, "too many sections");
        if (code)
            return nomem(r);
        lsm_section_t *sec = &m->sections[m->section_count];
        memset(sec, 0, sizeof *sec);
        sec->pos = (int64_t)lsm_json_input_pos(r) - 1;
        return push(r, FR_SECTION, m, m->section_count++);
    }
    default:
        return lsm_json_fail(r, LSM_ERR_JSON, "unexpected value");
    }
}

int lsm_json_on_value(reader_t *r, enum value_kind kind, const unsigned char *s, size_t n) {
    if (r->skip) {
        if (kind == V_OBJECT || kind == V_ARRAY)
            r->skip++;
        return 1;
    }
    frame_t *f = top(r);
    if (!f) {
        if (kind != V_OBJECT)
            return lsm_json_fail(r, LSM_ERR_NOT_AN_OBJECT, "a source map must be a JSON object, not %s",
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

