/* Turning what the JSON reader collected into a view: validating what can
 * only be checked once the whole document is read, then decoding the
 * mappings into packed records and laying out the string tables. Index
 * maps are flattened here. */
#include <stdio.h>
#include <stdlib.h>

#include "contents.h"
#include "parse.h"
#include "hermes.h"
#include "range_mappings.h"
#include "scopes.h"

#define FIELD_MAX 4294967294u
/* Index maps may describe at most this many generated lines per input
 * byte, plus the slack; see build(). */
#define MAX_LINES_PER_BYTE 16
#define MAX_LINES_SLACK (1u << 20)

typedef struct part {
    const lsm_map_record_t *map;
    lsm_placement_t place;
} part_t;

/* The string tables a view keeps, while they are built. */
enum { T_SOURCES, T_URLS, T_CONTENTS, T_NAMES, T_META, T_IGNORE, T_JOINED, T_EXTRA, T_COUNT };

typedef struct builder {
    lsm_parse_t *p;
    lsm_error_t *err;
    lsm_view_t *view;
    uint32_t owned;
    lsm_buf_t tables[T_COUNT]; /* string tables being built, not yet owned */
    part_t *parts;
    uint32_t nparts;
    bool index;                /* parts come from an index map's sections */
    uint64_t sources, names;   /* totals over the parts */
} builder_t;

static void *own(builder_t *b, void *ptr) {
    if (ptr)
        b->view->owned[b->owned++] = ptr;
    return ptr;
}

static int section_error(lsm_error_t *err, int code, const lsm_section_t *sec, uint32_t index,
                         const char *what) {
    lsm_set_error(err, code, "section %u: %s", index, what);
    if (err)
        err->offset = sec->pos;
    return code;
}

static const lsm_u32vec_t *ignore_of(const lsm_map_record_t *m) {
    if (m->ignore.present)
        return &m->ignore;
    if (m->x_google_ignore.present)
        return &m->x_google_ignore;
    return NULL;
}

/* The checks of one regular map that need the whole object. */
static int validate_record(const lsm_map_record_t *m, lsm_error_t *err) {
    if (!m->has_version)
        return lsm_set_error(err, LSM_ERR_MISSING_VERSION, "\"version\" is missing");
    if (!m->has_mappings)
        return lsm_set_error(err, LSM_ERR_MISSING_MAPPINGS, "\"mappings\" is missing");
    if (!m->sources.present)
        return lsm_set_error(err, LSM_ERR_MISSING_SOURCES, "\"sources\" is missing");
    if (m->stats.max[F_SRC_ID] > m->sources.count || m->stats.max[F_NAME_ID] > m->names.count) {
        /* Scan again with the counts known, to say where. */
        lsm_mappings_stats_t st;
        int code = lsm_mappings_scan(m->mappings, m->mappings_len, m->sources.count,
                                     m->names.count, &st, err);
        if (err && m->mappings_pos >= 0)
            err->offset += m->mappings_pos;
        else if (err)
            err->offset = -1;
        return code ? code : lsm_set_error(err, LSM_ERR_SOURCE_OUT_OF_RANGE, "index out of range");
    }
    if (!m->ignore.present && m->x_google_error)
        return lsm_set_error(err, m->x_google_error,
                             "\"x_google_ignoreList\" must be an array of source indices");
    const lsm_u32vec_t *ignore = ignore_of(m);
    for (uint32_t i = 0; ignore && i < ignore->count; i++)
        if (ignore->items[i] >= m->sources.count)
            return lsm_set_error(err, LSM_ERR_IGNORE_LIST_OUT_OF_RANGE,
                                 "ignore list entry %u is %u, past the %u sources", i,
                                 ignore->items[i], m->sources.count);
    return 0;
}

/* The greatest generated position of a map's tokens, in its own
 * coordinates (nested sections placed by their offsets, unclipped).
 * Returns false when it has none. */
static bool extent_of(const lsm_map_record_t *m, uint64_t *line, uint64_t *col) {
    if (!m->has_sections) {
        const lsm_mappings_stats_t *st = &m->stats;
        if (!st->segments)
            return false;
        *line = st->last_line;
        *col = st->last_line_max_col;
        return true;
    }
    bool have = false;
    for (uint32_t i = 0; i < m->section_count; i++) {
        const lsm_section_t *sec = &m->sections[i];
        uint64_t l = 0, c = 0;
        if (!sec->map || !extent_of(sec->map, &l, &c))
            continue;
        c += l == 0 ? sec->col : 0;
        l += sec->line;
        if (!have || l > *line || (l == *line && c > *col)) {
            *line = l;
            *col = c;
            have = true;
        }
    }
    return have;
}

static int validate_map(const lsm_map_record_t *m, lsm_error_t *err);

/* Prefixes err's message with "section N: ". */
static void in_section(lsm_error_t *err, uint32_t index) {
    if (!err)
        return;
    char inner[sizeof err->message];
    memcpy(inner, err->message, sizeof inner);
    snprintf(err->message, sizeof err->message, "section %u: %.200s", index, inner);
}

/* ECMA-426's rules for an index map's sections, applied at every level of
 * nesting (bounded by LSM_MAX_INDEX_DEPTH, as is this recursion). */
static int validate_sections(const lsm_map_record_t *index, lsm_error_t *err) {
    /* The greatest generated position of the sections so far. */
    bool have_end = false;
    uint64_t end_line = 0, end_col = 0;
    for (uint32_t i = 0; i < index->section_count; i++) {
        const lsm_section_t *sec = &index->sections[i];
        if (!sec->map && sec->has_url)
            return section_error(err, LSM_ERR_SECTION_URL, sec, i,
                                 "maps referenced by \"url\" are not supported");
        if (!sec->map)
            return section_error(err, LSM_ERR_BAD_SECTIONS, sec, i, "\"map\" is missing");
        if (!sec->has_offset)
            return section_error(err, LSM_ERR_BAD_SECTIONS, sec, i, "\"offset\" is missing");
        if (!sec->has_line || !sec->has_col)
            return section_error(err, LSM_ERR_BAD_OFFSET, sec, i,
                                 sec->has_line ? "offset has no \"column\"" : "offset has no \"line\"");
        /* ECMA-426: offsets in order, and no section may start before the
         * last mapping of an earlier one (it may start exactly there). */
        if (i > 0) {
            const lsm_section_t *prev = &index->sections[i - 1];
            if (sec->line < prev->line || (sec->line == prev->line && sec->col < prev->col))
                return section_error(err, LSM_ERR_SECTION_ORDER, sec, i,
                                     "offset is before the previous section's");
            /* ECMA-426: sections must not overlap, and two starting at one
             * offset do, whatever their mappings. */
            if (sec->line == prev->line && sec->col == prev->col)
                return section_error(err, LSM_ERR_SECTION_ORDER, sec, i,
                                     "offset equals the previous section's");
            if (have_end && (sec->line < end_line || (sec->line == end_line && sec->col < end_col)))
                return section_error(err, LSM_ERR_SECTION_ORDER, sec, i,
                                     "offset overlaps the previous section's mappings");
        }
        int code = validate_map(sec->map, err);
        if (code) {
            in_section(err, i);
            return code;
        }
        uint64_t line = 0, col = 0;
        if (extent_of(sec->map, &line, &col)) {
            col += line == 0 ? sec->col : 0;
            line += sec->line;
            if (!have_end || line > end_line || (line == end_line && col > end_col)) {
                end_line = line;
                end_col = col;
                have_end = true;
            }
        }
    }
    return 0;
}

/* A regular map's checks, or an index map's at every level. */
static int validate_map(const lsm_map_record_t *m, lsm_error_t *err) {
    if (!m->has_sections)
        return validate_record(m, err);
    if (!m->has_version)
        return lsm_set_error(err, LSM_ERR_MISSING_VERSION, "\"version\" is missing");
    if (m->has_mappings)
        return lsm_set_error(err, LSM_ERR_INDEX_AND_MAPPINGS,
                             "an index map cannot also have \"mappings\"");
    return validate_sections(m, err);
}

/* ------------------------------------------------------------- parts */

/* The regular maps an index map flattens into, in generated order, each
 * with where its tokens go. */
static uint32_t count_parts(const lsm_map_record_t *m) {
    if (!m->has_sections)
        return 1;
    uint64_t n = 0;
    for (uint32_t i = 0; i < m->section_count; i++)
        n += count_parts(m->sections[i].map);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Earlier of two stop positions (either may be absent). */
static void clip_at(lsm_placement_t *pl, uint64_t line, uint64_t col) {
    if (!pl->clip || line < pl->stop_line || (line == pl->stop_line && col < pl->stop_col)) {
        pl->clip = true;
        pl->stop_line = line > FIELD_MAX ? FIELD_MAX : (uint32_t)line;
        pl->stop_col = col > FIELD_MAX ? FIELD_MAX : (uint32_t)col;
    }
}

/* Places the sections of `m`, which itself sits at `at` (its line 0
 * shifted by at->col_offset, clipped where `at` says), into parts[*n..].
 * A section's offset is in its index map's coordinates: its column
 * counts only on that map's line 0 for the map's own column offset. */
static int place_parts(const lsm_map_record_t *m, const lsm_placement_t *at, part_t *parts,
                       uint32_t *n, lsm_error_t *err) {
    if (!m->has_sections) {
        parts[*n].map = m;
        parts[*n].place = *at;
        (*n)++;
        return 0;
    }
    for (uint32_t i = 0; i < m->section_count; i++) {
        const lsm_section_t *sec = &m->sections[i];
        lsm_placement_t pl = *at;
        uint64_t line = (uint64_t)at->line_offset + sec->line;
        uint64_t col = (uint64_t)sec->col + (sec->line == 0 ? at->col_offset : 0);
        if (line > FIELD_MAX || col > FIELD_MAX)
            return section_error(err, LSM_ERR_TOO_LARGE, sec, i, "offset beyond 32 bits");
        pl.line_offset = (uint32_t)line;
        pl.col_offset = (uint32_t)col;
        if (i + 1 < m->section_count) {
            const lsm_section_t *next = &m->sections[i + 1];
            clip_at(&pl, (uint64_t)at->line_offset + next->line,
                    (uint64_t)next->col + (next->line == 0 ? at->col_offset : 0));
        }
        int code = place_parts(sec->map, &pl, parts, n, err);
        if (code)
            return code;
    }
    return 0;
}

/* --------------------------------------------------------- sourceRoot */

/* ECMA-426: a non-empty sourceRoot gets a trailing "/" if it lacks one and
 * is prefixed to every non-null source. */
static int resolve_sources(builder_t *b, const lsm_map_record_t *m, const uint8_t *src_entries,
                           uint32_t count, lsm_buf_t *out) {
    lsm_buf_t *blob = &b->p->blob;
    uint64_t root_len = m->source_root.offset == LSM_NULL_STRING ? 0 : m->source_root.len;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = src_entries + (size_t)i * LSM_STRTAB_ENTRY;
        uint64_t off = lsm_rd64(e), len = lsm_rd64(e + 8);
        uint8_t entry[LSM_STRTAB_ENTRY];
        memcpy(entry, e, LSM_STRTAB_ENTRY);
        if (off != LSM_NULL_STRING && root_len > 0) {
            bool slash = blob->data[m->source_root.offset + root_len - 1] == '/';
            size_t total = root_len + (slash ? 0 : 1) + len;
            if (lsm_buf_reserve(blob, total + 1))
                return LSM_ERR_NOMEM;
            uint8_t *dst = blob->data + blob->len;
            memcpy(dst, blob->data + m->source_root.offset, root_len);
            if (!slash)
                dst[root_len] = '/';
            memcpy(dst + total - len, blob->data + off, len);
            dst[total] = 0;
            lsm_wr64(entry, blob->len);
            lsm_wr64(entry + 8, total);
            blob->len += total + 1;
        }
        if (lsm_buf_append(out, entry, LSM_STRTAB_ENTRY))
            return LSM_ERR_NOMEM;
    }
    return 0;
}

/* Sentry's libsourcemap 0.8 (the `sourcemap` crate's decoder): a non-empty
 * sourceRoot loses every trailing "/" and is joined with one "/" to each
 * source, a null source counting as ""; sources starting with "/", "http:"
 * or "https:" (case-sensitive) are kept as written. Without a root a null
 * source is "". `urls` are the same sources after resolve_sources(): where
 * both rules give the same string its entry is reused. */
static int join_sources_08(builder_t *b, const lsm_map_record_t *m, const uint8_t *src_entries,
                           const uint8_t *url_entries, uint32_t count, lsm_buf_t *out) {
    lsm_buf_t *blob = &b->p->blob;
    bool has_root = m->source_root.offset != LSM_NULL_STRING && m->source_root.len > 0;
    uint64_t root_len = has_root ? m->source_root.len : 0, trimmed = root_len;
    while (trimmed > 0 && blob->data[m->source_root.offset + trimmed - 1] == '/')
        trimmed--;
    /* With at most one trailing "/" the ECMA-426 concatenation is the same
     * string for every non-null source not kept as written. */
    bool urls_agree = has_root && root_len - trimmed <= 1 && url_entries;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = src_entries + (size_t)i * LSM_STRTAB_ENTRY;
        uint64_t off = lsm_rd64(e), len = off == LSM_NULL_STRING ? 0 : lsm_rd64(e + 8);
        const char *s = off == LSM_NULL_STRING ? "" : (const char *)blob->data + off;
        uint8_t entry[LSM_STRTAB_ENTRY];
        memcpy(entry, e, LSM_STRTAB_ENTRY);
        bool kept = !has_root || (len >= 1 && s[0] == '/') ||
                    (len >= 5 && memcmp(s, "http:", 5) == 0) ||
                    (len >= 6 && memcmp(s, "https:", 6) == 0);
        if (has_root && !kept && off != LSM_NULL_STRING && urls_agree) {
            memcpy(entry, url_entries + (size_t)i * LSM_STRTAB_ENTRY, LSM_STRTAB_ENTRY);
        } else if (!kept || off == LSM_NULL_STRING) {
            uint64_t total = kept ? 0 : trimmed + 1 + len;
            if (lsm_buf_reserve(blob, total + 1))
                return LSM_ERR_NOMEM;
            uint8_t *dst = blob->data + blob->len;
            if (!kept) {
                memcpy(dst, blob->data + m->source_root.offset, trimmed);
                dst[trimmed] = '/';
                if (len)
                    memcpy(dst + trimmed + 1, blob->data + off, len);
            }
            dst[total] = 0;
            lsm_wr64(entry, blob->len);
            lsm_wr64(entry + 8, total);
            blob->len += total + 1;
        }
        if (lsm_buf_append(out, entry, LSM_STRTAB_ENTRY))
            return LSM_ERR_NOMEM;
    }
    return 0;
}

/* Appends `count` contents entries for a map's sources: its own where it
 * has them, null past the end of a short "sourcesContent". */
static int append_contents(const lsm_map_record_t *m, uint32_t count, lsm_buf_t *out) {
    static const uint8_t NULL_ENTRY[LSM_STRTAB_ENTRY] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                        0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t have = m->contents.present ? m->contents.count : 0;
    if (have > count)
        have = count;
    if (lsm_buf_append(out, m->contents.entries.data, (size_t)have * LSM_STRTAB_ENTRY))
        return LSM_ERR_NOMEM;
    for (uint32_t i = have; i < count; i++)
        if (lsm_buf_append(out, NULL_ENTRY, LSM_STRTAB_ENTRY))
            return LSM_ERR_NOMEM;
    return 0;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ builder */

#define NOMEM(b) lsm_set_error((b)->err, LSM_ERR_NOMEM, "out of memory")

/* Step 1: validates the document and lists the regular maps it flattens
 * into, each with its placement. */
static int plan_parts(builder_t *b, uint32_t flags) {
    lsm_parse_t *p = b->p;
    lsm_error_t *err = b->err;
    const lsm_map_record_t *root = &p->root;
    int code;
    if (!root->has_version)
        return lsm_set_error(err, LSM_ERR_MISSING_VERSION, "\"version\" is missing");
    if (root->has_sections && !root->has_mappings && (flags & LSM_LOAD_REJECT_INDEX))
        return lsm_set_error(err, LSM_ERR_INDEX_MAP, "expected a regular source map, not an index map");
    if ((code = validate_map(root, err)))
        return code;
    b->index = root->has_sections;
    b->nparts = count_parts(root);
    if (b->nparts == UINT32_MAX)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE, "too many sections");
    b->parts = lsm_calloc(b->nparts ? b->nparts : 1, sizeof *b->parts);
    if (!b->parts)
        return NOMEM(b);
    lsm_placement_t top = {0, 0, 0, 0, false, 0, 0};
    uint32_t n = 0;
    if ((code = place_parts(root, &top, b->parts, &n, err)))
        return code;
    b->nparts = n;
    return 0;
}

/* Step 2: numbers the parts' sources and names, and sizes the token
 * records and the line index. */
static int size_tokens(builder_t *b, uint32_t max[F_COUNT], uint64_t *tokens, uint64_t *lines) {
    lsm_error_t *err = b->err;
    *tokens = *lines = 0;
    for (uint32_t i = 0; i < b->nparts; i++) {
        part_t *part = &b->parts[i];
        const lsm_map_record_t *m = part->map;
        part->place.src_base = (uint32_t)b->sources;
        part->place.name_base = (uint32_t)b->names;
        b->sources += m->sources.count;
        b->names += m->names.count;
        *tokens += m->stats.segments;
        if (b->sources > FIELD_MAX || b->names > FIELD_MAX || *tokens > FIELD_MAX)
            return lsm_set_error(err, LSM_ERR_TOO_LARGE, "more than 2^32 - 2 tokens, sources or names");
        if (m->stats.segments == 0)
            continue;
        uint64_t last = (uint64_t)part->place.line_offset + m->stats.last_line;
        uint64_t col = (uint64_t)m->stats.max[F_DST_COL] + part->place.col_offset;
        if (last > FIELD_MAX || col > FIELD_MAX)
            return lsm_set_error(err, LSM_ERR_TOO_LARGE, "section %u: offset puts tokens beyond 32 bits", i);
        if (last + 1 > *lines)
            *lines = last + 1;
        if (col > max[F_DST_COL])
            max[F_DST_COL] = (uint32_t)col;
        for (int f = F_SRC_LINE; f <= F_SRC_COL; f++)
            if (m->stats.max[f] > max[f])
                max[f] = m->stats.max[f];
        if (m->stats.max[F_SRC_ID] && part->place.src_base + m->stats.max[F_SRC_ID] > max[F_SRC_ID])
            max[F_SRC_ID] = part->place.src_base + m->stats.max[F_SRC_ID];
        if (m->stats.max[F_NAME_ID] && part->place.name_base + m->stats.max[F_NAME_ID] > max[F_NAME_ID])
            max[F_NAME_ID] = part->place.name_base + m->stats.max[F_NAME_ID];
    }
    /* The line index costs 4 bytes a generated line. A regular map spends
     * at least a byte on each, but an index map's offsets can claim
     * billions of lines in a few bytes: refuse what no real bundle needs. */
    if (*lines > (uint64_t)b->p->input_len * MAX_LINES_PER_BYTE + MAX_LINES_SLACK)
        return lsm_set_error(err, LSM_ERR_TOO_LARGE,
                             "section offsets imply %llu generated lines, too many for a "
                             "%zu-byte map",
                             (unsigned long long)*lines, b->p->input_len);
    return 0;
}

/* Step 3: decodes every part's mappings into packed records, the line
 * index and the column blocks. */
static int decode_tokens(builder_t *b) {
    lsm_view_t *view = b->view;
    uint32_t max[F_COUNT] = {0, 0, 0, 0, 0};
    uint64_t tokens, lines;
    int code = size_tokens(b, max, &tokens, &lines);
    if (code)
        return code;
    lsm_packing_init(&view->packing, max);
    uint8_t *records = own(b, lsm_calloc_filled(1, (size_t)lsm_packing_bytes(&view->packing, tokens)));
    uint8_t *line_index = own(b, lsm_malloc((size_t)(lines + 1) * 4));
    if (!records || !line_index)
        return NOMEM(b);
    lsm_token_sink_t sink;
    memset(&sink, 0, sizeof sink);
    sink.records = records;
    sink.packing = &view->packing;
    sink.line_index = line_index;
    for (uint32_t i = 0; i < b->nparts; i++) {
        const lsm_map_record_t *m = b->parts[i].map;
        if (lsm_mappings_decode(m->mappings, m->mappings_len, &m->stats, &b->parts[i].place,
                                &sink))
            return NOMEM(b);
    }
    uint32_t line_count = sink.lines_started;
    if (lsm_sink_finish(&sink, line_count))
        return NOMEM(b);
    view->records = records;
    view->line_index = line_index;
    view->line_count = line_count;
    view->token_count = (uint32_t)sink.count;
    view->col_blocks = own(b, lsm_build_col_blocks(view));
    if (!view->col_blocks)
        return NOMEM(b);
    return 0;
}

/* Step 4: sources (as written and resolved), contents and names. The
 * tables of a regular map are the reader's own arrays; an index map's are
 * concatenated. */
static int build_source_tables(builder_t *b) {
    lsm_parse_t *p = b->p;
    part_t *parts = b->parts;
    lsm_buf_t *tab = b->tables;
    bool any_root = false;
    for (uint32_t i = 0; i < b->nparts; i++) {
        const lsm_map_record_t *m = parts[i].map;
        if (m->source_root.offset != LSM_NULL_STRING && m->source_root.len > 0)
            any_root = true;
    }
    if (!b->index) {
        tab[T_SOURCES] = p->root.sources.entries;
        tab[T_NAMES] = p->root.names.entries;
        memset(&p->root.sources.entries, 0, sizeof p->root.sources.entries);
        memset(&p->root.names.entries, 0, sizeof p->root.names.entries);
    } else {
        for (uint32_t i = 0; i < b->nparts; i++) {
            const lsm_map_record_t *m = parts[i].map;
            if (lsm_buf_append(&tab[T_SOURCES], m->sources.entries.data, m->sources.entries.len) ||
                lsm_buf_append(&tab[T_NAMES], m->names.entries.data, m->names.entries.len))
                return NOMEM(b);
        }
    }
    for (uint32_t i = 0; i < b->nparts; i++) {
        const lsm_map_record_t *m = parts[i].map;
        const uint8_t *first = tab[T_SOURCES].data ? tab[T_SOURCES].data + (size_t)parts[i].place.src_base * LSM_STRTAB_ENTRY : NULL;
        if (append_contents(m, m->sources.count, &tab[T_CONTENTS]) ||
            (any_root && resolve_sources(b, m, first, m->sources.count, &tab[T_URLS])))
            return NOMEM(b);
        if (m->sources.count) {
            const uint8_t *urls =
                any_root ? tab[T_URLS].data + (size_t)parts[i].place.src_base * LSM_STRTAB_ENTRY
                         : NULL;
            if (join_sources_08(b, m, first, urls, m->sources.count, &tab[T_JOINED]))
                return NOMEM(b);
        }
    }
    /* Tokens read the joined table; share the sources' when it is theirs. */
    bool own_joined = tab[T_JOINED].len &&
                      memcmp(tab[T_JOINED].data, tab[T_SOURCES].data, tab[T_JOINED].len) != 0;
    if (!own_joined) {
        lsm_free(tab[T_JOINED].data);
        memset(&tab[T_JOINED], 0, sizeof tab[T_JOINED]);
    }
    lsm_view_t *view = b->view;
    view->sources = (lsm_strtab_t){(uint32_t)b->sources, tab[T_SOURCES].data};
    view->source_urls = (lsm_strtab_t){(uint32_t)b->sources, any_root ? tab[T_URLS].data : tab[T_SOURCES].data};
    view->source_joined =
        (lsm_strtab_t){(uint32_t)b->sources, own_joined ? tab[T_JOINED].data : tab[T_SOURCES].data};
    view->contents = (lsm_strtab_t){(uint32_t)b->sources, tab[T_CONTENTS].data};
    view->names = (lsm_strtab_t){(uint32_t)b->names, tab[T_NAMES].data};
    return 0;
}

/* Step 5: the properties, which come from the outermost object, and the
 * ignore list, in source ids of the flattened view, sorted. */
static int build_properties(builder_t *b) {
    const lsm_map_record_t *root = &b->p->root;
    lsm_buf_t *tab = b->tables;
    lsm_span_t props[META_COUNT] = {root->file, root->source_root,
                                    root->debug_id.offset != LSM_NULL_STRING ? root->debug_id
                                                                             : root->debug_id_legacy};
    for (int i = 0; i < META_COUNT; i++) {
        uint8_t entry[LSM_STRTAB_ENTRY];
        lsm_wr64(entry, props[i].offset);
        lsm_wr64(entry + 8, props[i].len);
        if (lsm_buf_append(&tab[T_META], entry, sizeof entry))
            return NOMEM(b);
    }
    uint32_t nignore = 0;
    for (uint32_t i = 0; i < b->nparts; i++) {
        const lsm_u32vec_t *list = ignore_of(b->parts[i].map);
        for (uint32_t k = 0; list && k < list->count; k++) {
            uint32_t id = list->items[k] + b->parts[i].place.src_base;
            if (lsm_buf_append(&tab[T_IGNORE], &id, 4))
                return NOMEM(b);
            nignore++;
        }
    }
    if (nignore) {
        uint32_t *ids = (uint32_t *)tab[T_IGNORE].data;
        qsort(ids, nignore, 4, cmp_u32);
        uint32_t unique = 0;
        for (uint32_t i = 0; i < nignore; i++)
            if (unique == 0 || ids[unique - 1] != ids[i])
                ids[unique++] = ids[i];
        nignore = unique;
    }
    /* Top-level fields kept as JSON text: pairs of (key, value) entries. */
    uint32_t nextra = 0;
    if (lsm_extra_finish(b->p, &tab[T_EXTRA], &nextra))
        return NOMEM(b);
    b->view->extras = (lsm_strtab_t){2 * nextra, nextra ? tab[T_EXTRA].data : NULL};
    b->view->meta = (lsm_strtab_t){META_COUNT, tab[T_META].data};
    b->view->ignore_count = nignore;
    b->view->ignore_ids = nignore ? (const uint32_t *)(const void *)tab[T_IGNORE].data : NULL;
    return 0;
}

/* Step 6: the view takes the tables and, last because resolving sources
 * may have grown it, the blob. */
static void hand_over(builder_t *b) {
    lsm_parse_t *p = b->p;
    for (int i = 0; i < T_COUNT; i++) {
        own(b, b->tables[i].data);
        b->tables[i].data = NULL;
    }
    if (p->blob.len < p->blob.cap && p->blob.len > 0) {
        uint8_t *shrunk = lsm_realloc(p->blob.data, p->blob.len);
        if (shrunk)
            p->blob.data = shrunk;
    }
    b->view->blob = (const char *)own(b, p->blob.data);
    b->view->blob_len = p->blob.len;
    memset(&p->blob, 0, sizeof p->blob);
}

/* Step 5b: contents become slices of the input (or of one copy of it),
 * unescaped on first access (src/contents.c). */
static int reference_contents(builder_t *b, uint32_t flags) {
    lsm_buf_t *tab = &b->tables[T_CONTENTS];
    bool uses_input = false;
    if (lsm_contents_make(b->view, tab->data, (uint32_t)b->sources, b->p->input, b->p->blob.data,
                          (flags & LSM_LOAD_BORROW) != 0, &uses_input))
        return NOMEM(b);
    lsm_free(tab->data);
    memset(tab, 0, sizeof *tab);
    b->view->contents = (lsm_strtab_t){0, NULL};
    return 0;
}

/* Step 3b: range mappings (src/range_mappings.c) mark tokens. */
static int build_ranges(builder_t *b, uint32_t flags) {
    lsm_range_acc_t acc;
    memset(&acc, 0, sizeof acc);
    acc.flags = flags;
    int code = 0;
    for (uint32_t i = 0; i < b->nparts && !code; i++)
        code = lsm_range_collect(&acc, b->parts[i].map, &b->parts[i].place, b->err);
    if (!code)
        code = lsm_range_finish(&acc, b->view, b->err);
    lsm_range_acc_release(&acc);
    return code;
}

/* Step 3c: React Native's extensions (src/hermes.c). */
static int build_hermes(builder_t *b) {
    lsm_hermes_acc_t acc;
    memset(&acc, 0, sizeof acc);
    int code = 0;
    for (uint32_t i = 0; i < b->nparts && !code; i++)
        code = lsm_hermes_collect(&acc, b->parts[i].map, b->parts[i].place.src_base, b->p->input,
                                  b->p->input_len, b->err);
    /* An index map's own offsets (Metro puts them at the top). */
    if (!code && b->index)
        code = lsm_hermes_collect(&acc, &b->p->root, 0, b->p->input, b->p->input_len, b->err);
    if (!code)
        code = lsm_hermes_finish(&acc, b->view, b->err);
    lsm_hermes_acc_release(&acc);
    return code;
}

/* Step 5: an index map's scopes (src/scopes_decode.c), part by part,
 * once the view's tables are complete; a regular map's are decoded by
 * src/load.c. */
static int build_scopes(builder_t *b, uint32_t flags) {
    lsm_scopes_part_t *sp = lsm_calloc(b->nparts ? b->nparts : 1, sizeof *sp);
    if (!sp)
        return NOMEM(b);
    for (uint32_t i = 0; i < b->nparts; i++) {
        sp[i].map = b->parts[i].map;
        sp[i].place = &b->parts[i].place;
    }
    int code = lsm_scopes_decode_parts(b->view, sp, b->nparts,
                                       (flags & LSM_LOAD_STRICT_SCOPES) != 0, b->err);
    lsm_free(sp);
    return code;
}

/* Step 6: an index map keeps where each regular map went, for
 * lsm_view_section_offset() (src/sections.c). */
static int keep_sections(builder_t *b) {
    uint8_t *at = lsm_malloc(b->nparts ? (size_t)b->nparts * 8 : 1);
    if (!at)
        return NOMEM(b);
    for (uint32_t i = 0; i < b->nparts; i++) {
        lsm_wr32(at + (size_t)i * 8, b->parts[i].place.line_offset);
        lsm_wr32(at + (size_t)i * 8 + 4, b->parts[i].place.col_offset);
    }
    b->view->section_owned = at;
    b->view->section_offsets = at;
    b->view->section_count = b->nparts;
    return 0;
}

static int build(builder_t *b, uint32_t flags) {
    int code;
    if ((code = plan_parts(b, flags)) || (code = decode_tokens(b)) ||
        (code = build_ranges(b, flags)) || (code = build_hermes(b)) ||
        (code = build_source_tables(b)) || (code = build_properties(b)) ||
        (code = reference_contents(b, flags)))
        return code;
    if (b->index)
        b->view->flags |= LSM_VIEW_INDEX;
    hand_over(b);
    if (b->index && (code = keep_sections(b)))
        return code;
    if (b->index)
        return build_scopes(b, flags);
    return 0;
}

lsm_view_t *lsm_build_view(lsm_parse_t *p, uint32_t flags, lsm_error_t *err) {
    builder_t b;
    memset(&b, 0, sizeof b);
    b.p = p;
    b.err = err;
    b.view = lsm_calloc(1, sizeof *b.view);
    if (!b.view) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    b.view->flags = LSM_VIEW_TRUSTED;
    int code = build(&b, flags);
    lsm_free(b.parts);
    for (size_t i = 0; i < sizeof b.tables / sizeof b.tables[0]; i++)
        lsm_free(b.tables[i].data);
    if (code) {
        lsm_view_free(b.view);
        return NULL;
    }
    return b.view;
}
