/* Cache files: a view written out as it sits in memory, so that opening
 * one is a header check and lookups read the file in place. The layout is
 * documented in docs/cache-format.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contents.h"
#include "cache.h"
#include "frames.h"
#include "internal.h"
#include "hermes.h"
#include "scopes.h"

static const uint8_t MAGIC[8] = {0x89, 'L', 'S', 'M', 'C', '\r', '\n', 0x1a};
#define FORMAT_VERSION 3
#define HEADER_SIZE 64
#define SECTION_ENTRY 24
#define ALIGN 8

#define FLAG_INDEX 1u
#define FLAG_CONTENTS 2u
#define FLAG_NAMES 4u
#define FLAG_RANGES 8u  /* optional section S_RANGES present */
#define FLAG_HERMES 16u /* optional section S_HERMES present */
#define FLAG_SCOPES 32u /* optional section S_SCOPES34 present */
#define FLAG_SECTIONS 64u /* optional section S_SECTIONS present */
#define KNOWN_FLAGS                                                                        \
    (FLAG_INDEX | FLAG_CONTENTS | FLAG_NAMES | FLAG_RANGES | FLAG_HERMES | FLAG_SCOPES |    \
     FLAG_SECTIONS)

enum section_id {
    S_LINE_INDEX = 1,
    S_RECORDS,
    S_SOURCES,
    S_SOURCE_URLS,
    S_CONTENTS,
    S_NAMES,
    S_META,
    S_IGNORE,
    S_BLOB,
    S_COL_BLOCKS,
    S_SOURCES_JOINED, /* version 2 */
    S_TOKEN_FUNCS,    /* version 3: what a frame needs (src/frames.h) */
    S_SCOPES,
    S_FN_NAMES,
    S_FN_BYTES,
    S_LINE_DIR,
    S_LINE_STARTS,
    S_COUNT_V1 = S_COL_BLOCKS,
    S_COUNT_V2 = S_SOURCES_JOINED,
    S_COUNT = S_LINE_STARTS
};

/* Optional sections follow the fixed ones, each present when its header
 * flag is set, in increasing id order. */
#define S_RANGES 32u /* FLAG_RANGES: range mapping token indices (uint32) */
#define S_HERMES 33u /* FLAG_HERMES: function maps and Hermes offsets (src/hermes.c) */
#define S_SCOPES34 34u /* FLAG_SCOPES: decoded ECMA-426 scopes (src/scopes_cache.c) */
#define S_SECTIONS 35u /* FLAG_SECTIONS: index-map section offsets (uint32 pairs) */

/* Header field offsets. */
enum {
    H_MAGIC = 0,
    H_VERSION = 8,
    H_HEADER_SIZE = 12,
    H_FLAGS = 16,
    H_SECTIONS = 20,
    H_FILE_SIZE = 24,
    H_TOKENS = 32,
    H_LINES = 36,
    H_SOURCES = 40,
    H_NAMES = 44,
    H_IGNORE = 48,
    H_WIDTHS = 52, /* F_COUNT bytes, then zero padding to 64 */
};

int lsm_is_cache(const void *bytes, size_t len) {
    return bytes && len >= sizeof MAGIC && memcmp(bytes, MAGIC, sizeof MAGIC) == 0;
}

void lsm_buffer_free(void *buf) {
    lsm_free(buf);
}

/* ---------------------------------------------------------------- dump */

typedef struct writer {
    lsm_buf_t out;
    lsm_buf_t blob;
    uint32_t nsections;
    int failed;
} writer_t;

static void w_bytes(lsm_buf_t *b, const void *data, size_t len, int *failed) {
    if (*failed)
        return;
    if (lsm_buf_append(b, data, len))
        *failed = 1;
}

/* Copies one string table, its strings into the new blob. */
static void copy_table(writer_t *w, const lsm_view_t *view, const lsm_strtab_t *tab, bool keep,
                       lsm_buf_t *entries) {
    for (uint32_t i = 0; i < tab->count && !w->failed; i++) {
        size_t len = 0;
        const char *s = keep ? lsm_strtab_get(view, tab, i, &len) : NULL;
        uint8_t e[LSM_STRTAB_ENTRY];
        lsm_wr64(e, s ? (uint64_t)w->blob.len : LSM_NULL_STRING);
        lsm_wr64(e + 8, s ? (uint64_t)len : 0);
        if (s) {
            w_bytes(&w->blob, s, len, &w->failed);
            w_bytes(&w->blob, "", 1, &w->failed);
        }
        w_bytes(entries, e, sizeof e, &w->failed);
    }
}

/* As copy_table(), for the contents (src/contents.c). */
static void copy_contents(writer_t *w, const lsm_view_t *view, bool keep, lsm_buf_t *entries) {
    for (uint32_t i = 0; i < view->sources.count && !w->failed; i++) {
        size_t len = 0;
        int code = 0;
        const char *s = keep ? lsm_contents_get(view, i, &len, &code) : NULL;
        if (code) {
            w->failed = 1;
            return;
        }
        uint8_t e[LSM_STRTAB_ENTRY];
        lsm_wr64(e, s ? (uint64_t)w->blob.len : LSM_NULL_STRING);
        lsm_wr64(e + 8, s ? (uint64_t)len : 0);
        if (s) {
            w_bytes(&w->blob, s, len, &w->failed);
            w_bytes(&w->blob, "", 1, &w->failed);
        }
        w_bytes(entries, e, sizeof e, &w->failed);
    }
}

/* As copy_table(), but an entry equal byte for byte to the same entry of
 * `ref` (whose copy is `ref_out`) is written as that copy: the joined
 * sources share the strings of the sources or their URLs where they are the
 * same. */
static void copy_table_sharing(writer_t *w, const lsm_view_t *view, const lsm_strtab_t *tab,
                               const lsm_strtab_t *const ref[2], const lsm_buf_t *const ref_out[2],
                               lsm_buf_t *entries) {
    for (uint32_t i = 0; i < tab->count && !w->failed; i++) {
        const uint8_t *mine = tab->entries + (size_t)i * LSM_STRTAB_ENTRY;
        int r = 0;
        while (r < 2 && memcmp(mine, ref[r]->entries + (size_t)i * LSM_STRTAB_ENTRY,
                               LSM_STRTAB_ENTRY) != 0)
            r++;
        if (r < 2) {
            w_bytes(entries, ref_out[r]->data + (size_t)i * LSM_STRTAB_ENTRY, LSM_STRTAB_ENTRY,
                    &w->failed);
            continue;
        }
        lsm_strtab_t one = {1, mine};
        copy_table(w, view, &one, true, entries);
    }
}

static void add_section(writer_t *w, enum section_id id, const void *data, size_t len) {
    static const uint8_t zeros[ALIGN] = {0};
    size_t pad = (ALIGN - w->out.len % ALIGN) % ALIGN;
    w_bytes(&w->out, zeros, pad, &w->failed);
    if (w->failed)
        return;
    uint8_t *entry = w->out.data + HEADER_SIZE + (size_t)w->nsections * SECTION_ENTRY;
    lsm_wr32(entry, (uint32_t)id);
    lsm_wr32(entry + 4, 0);
    lsm_wr64(entry + 8, w->out.len);
    lsm_wr64(entry + 16, len);
    w->nsections++;
    w_bytes(&w->out, data, len, &w->failed);
}

int lsm_view_dump_cache(const lsm_view_t *view, uint32_t flags, uint8_t **out, size_t *out_len,
                        lsm_error_t *err) {
    return lsm_cache_dump(view, flags, NULL, out, out_len, err);
}

int lsm_cache_dump(const lsm_view_t *view, uint32_t flags, const lsm_cache_section_t *extra,
                   uint8_t **out, size_t *out_len, lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!view || !out || !out_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view, out or out_len is NULL"), -1;
    if (flags & ~(uint32_t)LSM_CACHE_DEFAULT)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown cache flags 0x%x", flags), -1;
    bool names = flags & LSM_CACHE_WITH_NAMES, contents = flags & LSM_CACHE_WITH_CONTENTS;

    writer_t w;
    memset(&w, 0, sizeof w);
    lsm_buf_t tabs[7];
    memset(tabs, 0, sizeof tabs);
    uint8_t *records = NULL;
    lsm_buf_t hermes = {NULL, 0, 0}; /* optional section S_HERMES */
    lsm_buf_t scopes = {NULL, 0, 0}; /* optional section S_SCOPES34 */
    int rc = -1;

    /* Without names the name field goes: repack every record. */
    lsm_packing_t packing = view->packing;
    const uint8_t *recs = view->records;
    uint64_t rec_bytes = lsm_packing_bytes(&packing, view->token_count);
    if (!names && packing.width[F_NAME_ID] > 0) {
        uint32_t max[F_COUNT];
        for (int f = 0; f < F_COUNT; f++)
            max[f] = packing.width[f] ? (uint32_t)(((uint64_t)1 << packing.width[f]) - 1) : 0;
        max[F_NAME_ID] = 0;
        lsm_packing_init(&packing, max);
        rec_bytes = lsm_packing_bytes(&packing, view->token_count);
        records = lsm_calloc(1, (size_t)rec_bytes);
        if (!records)
            goto nomem;
        for (uint32_t i = 0; i < view->token_count; i++)
            for (int f = 0; f < F_NAME_ID; f++)
                lsm_store_field(records, &packing, i, f,
                                lsm_field(view->records, &view->packing, i, f));
        recs = records;
    }

    if (lsm_hermes_dump(view, &hermes) || lsm_scopes_dump(view, names, &scopes))
        goto nomem;
    uint32_t nsections = (extra ? S_COUNT : S_COUNT_V2) + (view->range_count ? 1 : 0) +
                         (hermes.len ? 1 : 0) + (scopes.len ? 1 : 0) +
                         (view->section_count ? 1 : 0);
    if (lsm_buf_reserve(&w.out, HEADER_SIZE + (size_t)nsections * SECTION_ENTRY))
        goto nomem;
    memset(w.out.data, 0, HEADER_SIZE + (size_t)nsections * SECTION_ENTRY);
    w.out.len = HEADER_SIZE + (size_t)nsections * SECTION_ENTRY;

    /* Resolved sources that are the sources as written share their
     * strings; entries equal byte for byte (as in a view opened from a
     * cache) mean the same, so a cache of a cache is the same file. */
    size_t src_table = (size_t)view->sources.count * LSM_STRTAB_ENTRY;
    bool shared_urls = view->source_urls.entries == view->sources.entries || src_table == 0 ||
                       memcmp(view->source_urls.entries, view->sources.entries, src_table) == 0;
    copy_table(&w, view, &view->sources, true, &tabs[0]);
    if (shared_urls)
        w_bytes(&tabs[1], tabs[0].data, tabs[0].len, &w.failed);
    else
        copy_table(&w, view, &view->source_urls, true, &tabs[1]);
    const lsm_strtab_t *refs[2] = {&view->sources, &view->source_urls};
    const lsm_buf_t *ref_out[2] = {&tabs[0], &tabs[1]};
    copy_table_sharing(&w, view, &view->source_joined, refs, ref_out, &tabs[6]);
    copy_contents(&w, view, contents, &tabs[2]);
    lsm_strtab_t no_names = {0, NULL};
    copy_table(&w, view, names ? &view->names : &no_names, true, &tabs[3]);
    copy_table(&w, view, &view->meta, true, &tabs[4]);
    for (uint32_t i = 0; i < view->ignore_count && !w.failed; i++) {
        uint8_t v[4];
        lsm_wr32(v, view->ignore_ids[i]);
        w_bytes(&tabs[5], v, 4, &w.failed);
    }
    if (w.failed)
        goto nomem;

    add_section(&w, S_LINE_INDEX, view->line_index, ((size_t)view->line_count + 1) * 4);
    add_section(&w, S_RECORDS, recs, (size_t)rec_bytes);
    add_section(&w, S_SOURCES, tabs[0].data, tabs[0].len);
    add_section(&w, S_SOURCE_URLS, tabs[1].data, tabs[1].len);
    add_section(&w, S_CONTENTS, tabs[2].data, tabs[2].len);
    add_section(&w, S_NAMES, tabs[3].data, tabs[3].len);
    add_section(&w, S_META, tabs[4].data, tabs[4].len);
    add_section(&w, S_IGNORE, tabs[5].data, tabs[5].len);
    add_section(&w, S_BLOB, w.blob.data, w.blob.len);
    add_section(&w, S_COL_BLOCKS, view->col_blocks, (size_t)lsm_block_count(view->token_count) * 4);
    add_section(&w, S_SOURCES_JOINED, tabs[6].data, tabs[6].len);
    for (int i = 0; extra && i < LSM_CACHE_V3_EXTRA; i++)
        add_section(&w, (enum section_id)(S_TOKEN_FUNCS + i), extra[i].data, extra[i].len);
    if (view->range_count)
        add_section(&w, (enum section_id)S_RANGES, view->range_ids, (size_t)view->range_count * 4);
    if (hermes.len)
        add_section(&w, (enum section_id)S_HERMES, hermes.data, hermes.len);
    if (scopes.len)
        add_section(&w, (enum section_id)S_SCOPES34, scopes.data, scopes.len);
    if (view->section_count)
        add_section(&w, (enum section_id)S_SECTIONS, view->section_offsets,
                    (size_t)view->section_count * 8);
    if (w.failed)
        goto nomem;

    uint8_t *h = w.out.data;
    memcpy(h + H_MAGIC, MAGIC, sizeof MAGIC);
    lsm_wr32(h + H_VERSION, extra ? 3 : 2);
    lsm_wr32(h + H_HEADER_SIZE, HEADER_SIZE);
    lsm_wr32(h + H_FLAGS, (view->flags & LSM_VIEW_INDEX ? FLAG_INDEX : 0) |
                              (contents ? FLAG_CONTENTS : 0) | (names ? FLAG_NAMES : 0) |
                              (view->range_count ? FLAG_RANGES : 0) |
                              (view->hermes ? FLAG_HERMES : 0) |
                              (scopes.len ? FLAG_SCOPES : 0) |
                              (view->section_count ? FLAG_SECTIONS : 0));
    lsm_wr32(h + H_SECTIONS, w.nsections);
    lsm_wr64(h + H_FILE_SIZE, w.out.len);
    lsm_wr32(h + H_TOKENS, view->token_count);
    lsm_wr32(h + H_LINES, view->line_count);
    lsm_wr32(h + H_SOURCES, view->sources.count);
    lsm_wr32(h + H_NAMES, names ? view->names.count : 0);
    lsm_wr32(h + H_IGNORE, view->ignore_count);
    for (int f = 0; f < F_COUNT; f++)
        h[H_WIDTHS + f] = packing.width[f];

    *out = w.out.data;
    *out_len = w.out.len;
    w.out.data = NULL;
    lsm_clear_error(err);
    rc = 0;
    goto cleanup;
nomem:
    lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
cleanup:
    lsm_free(records);
    lsm_buf_release(&hermes);
    lsm_buf_release(&scopes);
    lsm_free(w.out.data);
    lsm_free(w.blob.data);
    for (int i = 0; i < 7; i++)
        lsm_free(tabs[i].data);
    return rc;
}

int lsm_view_write_cache(const lsm_view_t *view, uint32_t flags, const char *path,
                         lsm_error_t *err) {
    if (!path)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "path is NULL"), -1;
    uint8_t *data = NULL;
    size_t len = 0;
    if (lsm_view_dump_cache(view, flags, &data, &len, err))
        return -1;
    int rc = lsm_cache_write_file(path, data, len, err);
    lsm_free(data);
    return rc;
}

int lsm_cache_write_file(const char *path, const uint8_t *data, size_t len, lsm_error_t *err) {
    if (!path)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "path is NULL"), -1;
    int rc = -1;
    size_t plen = strlen(path);
    char *tmp = lsm_malloc(plen + 32);
    if (!tmp) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        lsm_set_error(err, LSM_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        goto done;
    }
    size_t done_bytes = 0;
    while (done_bytes < len) {
        ssize_t n = write(fd, data + done_bytes, len - done_bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            lsm_set_error(err, LSM_ERR_IO, "cannot write %s: %s", tmp,
                          n < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(tmp);
            goto done;
        }
        done_bytes += (size_t)n;
    }
    if (close(fd) != 0) {
        lsm_set_error(err, LSM_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, path) != 0) {
        lsm_set_error(err, LSM_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto done;
    }
    lsm_clear_error(err);
    rc = 0;
done:
    lsm_free(tmp);
    return rc;
}

/* ---------------------------------------------------------------- open */

static int corrupt(lsm_error_t *err, const char *what) {
    return lsm_set_error(err, LSM_ERR_CACHE_CORRUPT, "cache file corrupt: %s", what);
}

/* Checks everything lookups trust without reading per-token data: the
 * header, the section table, and each section's size against the counts.
 * String entries and token ids are checked when read (view.c, lookup.c),
 * so opening costs the same for any file size. */
static int open_cache(lsm_view_t *view, const uint8_t *p, size_t len, lsm_error_t *err) {
    if (len < sizeof MAGIC || memcmp(p, MAGIC, sizeof MAGIC) != 0)
        return lsm_set_error(err, LSM_ERR_CACHE_MAGIC, "not a libsourcemap cache file");
    if (len < H_VERSION + 4)
        return lsm_set_error(err, LSM_ERR_CACHE_TRUNCATED, "cache file truncated in its header");
    uint32_t version = lsm_rd32(p + H_VERSION);
    if (version < 1 || version > FORMAT_VERSION)
        return lsm_set_error(err, LSM_ERR_CACHE_VERSION,
                             "cache format version %u, this library reads 1 to %u", version,
                             FORMAT_VERSION);
    if (len < HEADER_SIZE)
        return lsm_set_error(err, LSM_ERR_CACHE_TRUNCATED, "cache file truncated in its header");
    uint64_t file_size = lsm_rd64(p + H_FILE_SIZE);
    if (file_size > len)
        return lsm_set_error(err, LSM_ERR_CACHE_TRUNCATED,
                             "cache file truncated: %zu of %llu bytes", len,
                             (unsigned long long)file_size);
    if (file_size < len)
        return corrupt(err, "trailing bytes after the recorded size");
    if (lsm_rd32(p + H_HEADER_SIZE) != HEADER_SIZE)
        return corrupt(err, "unexpected header size");
    uint32_t flags = lsm_rd32(p + H_FLAGS);
    if (flags & ~KNOWN_FLAGS)
        return corrupt(err, "unknown flags");
    for (int i = H_WIDTHS + F_COUNT; i < HEADER_SIZE; i++)
        if (p[i] != 0)
            return corrupt(err, "nonzero reserved header bytes");
    uint32_t nsections = lsm_rd32(p + H_SECTIONS);
    /* The optional sections' ids, in the order they must come. */
    uint32_t opt_ids[4], optional = 0;
    if (flags & FLAG_RANGES)
        opt_ids[optional++] = S_RANGES;
    if (flags & FLAG_HERMES)
        opt_ids[optional++] = S_HERMES;
    if (flags & FLAG_SCOPES)
        opt_ids[optional++] = S_SCOPES34;
    if (flags & FLAG_SECTIONS)
        opt_ids[optional++] = S_SECTIONS;
    if ((flags & FLAG_SECTIONS) && !(flags & FLAG_INDEX))
        return corrupt(err, "section offsets in a regular map's file");
    if (optional && version == 1)
        return corrupt(err, "optional sections in a version 1 file");
    if (nsections != (version == 1 ? S_COUNT_V1 : version == 2 ? S_COUNT_V2 : S_COUNT) + optional)
        return corrupt(err, "unexpected section count");
    if (len < HEADER_SIZE + (uint64_t)nsections * SECTION_ENTRY)
        return lsm_set_error(err, LSM_ERR_CACHE_TRUNCATED, "cache file truncated in its section table");

    uint32_t tokens = lsm_rd32(p + H_TOKENS), lines = lsm_rd32(p + H_LINES);
    uint32_t sources = lsm_rd32(p + H_SOURCES), names = lsm_rd32(p + H_NAMES);
    uint32_t ignore = lsm_rd32(p + H_IGNORE);
    if (lines == UINT32_MAX || (lines == 0) != (tokens == 0))
        return corrupt(err, "line and token counts disagree");
    uint32_t max[F_COUNT];
    for (int f = 0; f < F_COUNT; f++) {
        uint8_t width = p[H_WIDTHS + f];
        if (width > 32)
            return corrupt(err, "field wider than 32 bits");
        max[f] = width ? (uint32_t)(((uint64_t)1 << width) - 1) : 0;
    }
    lsm_packing_init(&view->packing, max);

    uint64_t expect[S_COUNT + 1] = {0};
    expect[S_LINE_INDEX] = ((uint64_t)lines + 1) * 4;
    expect[S_RECORDS] = lsm_packing_bytes(&view->packing, tokens);
    expect[S_SOURCES] = expect[S_SOURCE_URLS] = expect[S_CONTENTS] = expect[S_SOURCES_JOINED] =
        (uint64_t)sources * LSM_STRTAB_ENTRY;
    expect[S_NAMES] = (uint64_t)names * LSM_STRTAB_ENTRY;
    expect[S_META] = (uint64_t)META_COUNT * LSM_STRTAB_ENTRY;
    expect[S_IGNORE] = (uint64_t)ignore * 4;
    expect[S_COL_BLOCKS] = (uint64_t)lsm_block_count(tokens) * 4;
    expect[S_TOKEN_FUNCS] = (uint64_t)tokens * 4;
    expect[S_LINE_DIR] = ((uint64_t)sources + 1) * LSM_LINEDIR_ENTRY;
    const uint8_t *at[S_COUNT + 1] = {NULL};
    uint64_t blob_len = 0;
    for (uint32_t i = 0; i < nsections - optional; i++) {
        const uint8_t *e = p + HEADER_SIZE + (size_t)i * SECTION_ENTRY;
        uint32_t id = lsm_rd32(e);
        uint64_t off = lsm_rd64(e + 8), size = lsm_rd64(e + 16);
        if (id != i + 1 || lsm_rd32(e + 4) != 0)
            return corrupt(err, "section table out of order");
        if (off < HEADER_SIZE + (uint64_t)nsections * SECTION_ENTRY || off > len ||
            size > len - off)
            return corrupt(err, "section outside the file");
        /* Sections whose count the header does not hold: whole records. */
        uint64_t unit = id == S_SCOPES ? LSM_SCOPE_RECORD
                        : id == S_FN_NAMES ? LSM_STRTAB_ENTRY
                        : id == S_LINE_STARTS ? 4
                                              : 0;
        if (unit ? size % unit != 0 || size / unit > UINT32_MAX
                 : id != S_BLOB && id != S_FN_BYTES && size != expect[id])
            return corrupt(err, "section size disagrees with the header's counts");
        at[id] = p + off;
        if (id == S_BLOB)
            blob_len = size;
    }

    const uint8_t *hermes_at = NULL, *scopes_at = NULL;
    uint64_t hermes_size = 0, scopes_size = 0;
    for (uint32_t i = nsections - optional; i < nsections; i++) {
        const uint8_t *e = p + HEADER_SIZE + (size_t)i * SECTION_ENTRY;
        uint64_t off = lsm_rd64(e + 8), size = lsm_rd64(e + 16);
        uint32_t want = opt_ids[i - (nsections - optional)];
        if (lsm_rd32(e) != want || lsm_rd32(e + 4) != 0)
            return corrupt(err, "unknown optional section");
        if (off < HEADER_SIZE + (uint64_t)nsections * SECTION_ENTRY || off > len ||
            size > len - off)
            return corrupt(err, "section outside the file");
        if (want == S_HERMES) {
            hermes_at = p + off;
            hermes_size = size;
            continue;
        }
        if (want == S_SCOPES34) {
            scopes_at = p + off;
            scopes_size = size;
            continue;
        }
        if (want == S_SECTIONS) {
            /* Any values are positions; only the size is checked. */
            if (size == 0 || size % 8 != 0 || size / 8 > UINT32_MAX)
                return corrupt(err, "section offsets size");
            view->section_offsets = p + off;
            view->section_count = (uint32_t)(size / 8);
            continue;
        }
        /* The range mappings' token indices: sorted, unique, below the
         * token count, so that lookups can trust them. */
        if (size == 0 || size % 4 != 0 || size / 4 > tokens)
            return corrupt(err, "range mapping section size");
        for (uint64_t k = 0; k < size / 4; k++) {
            uint32_t v = lsm_rd32(p + off + k * 4);
            if (v >= tokens || (k > 0 && v <= lsm_rd32(p + off + (k - 1) * 4)))
                return corrupt(err, "range mapping indices not sorted or past the tokens");
        }
        view->range_ids = p + off;
        view->range_count = (uint32_t)(size / 4);
    }

    view->flags = flags & FLAG_INDEX ? LSM_VIEW_INDEX : 0;
    view->sources.count = sources; /* lsm_hermes_load() checks ids against it */
    if (hermes_at) {
        int code = lsm_hermes_load(view, hermes_at, hermes_size, err);
        if (code)
            return code;
    }
    if (scopes_at) {
        view->names.count = names; /* lsm_scopes_load() checks ids against both counts */
        int code = lsm_scopes_load(view, scopes_at, scopes_size, err);
        if (code)
            return code;
    }
    view->token_count = tokens;
    view->line_count = tokens ? lines : 0;
    view->line_index = at[S_LINE_INDEX];
    view->records = at[S_RECORDS];
    view->sources = (lsm_strtab_t){sources, at[S_SOURCES]};
    view->source_urls = (lsm_strtab_t){sources, at[S_SOURCE_URLS]};
    /* Version 1 had no joined sources: tokens then carry the URLs. */
    view->source_joined =
        (lsm_strtab_t){sources, at[version == 1 ? S_SOURCE_URLS : S_SOURCES_JOINED]};
    view->contents = (lsm_strtab_t){sources, at[S_CONTENTS]};
    view->names = (lsm_strtab_t){names, at[S_NAMES]};
    view->meta = (lsm_strtab_t){META_COUNT, at[S_META]};
    view->blob = (const char *)at[S_BLOB];
    view->col_blocks = at[S_COL_BLOCKS];
    view->blob_len = blob_len;
    if (version >= 3) {
        lsm_frames_t *F = lsm_calloc(1, sizeof *F + ((size_t)sources + 1) * sizeof F->built[0]);
        if (!F)
            return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        F->nsources = sources;
        F->stored = true;
        F->tok_func = at[S_TOKEN_FUNCS];
        F->scopes = at[S_SCOPES];
        F->fn_entries = at[S_FN_NAMES];
        F->fn_bytes = at[S_FN_BYTES];
        F->line_dir = at[S_LINE_DIR];
        F->line_starts = at[S_LINE_STARTS];
        const uint8_t *p0 = p;
        for (uint32_t i = S_SCOPES - 1; i < S_LINE_STARTS; i++) {
            const uint8_t *e = p0 + HEADER_SIZE + (size_t)i * SECTION_ENTRY;
            uint64_t size = lsm_rd64(e + 16);
            if (i + 1 == S_SCOPES)
                F->scope_count = (uint32_t)(size / LSM_SCOPE_RECORD);
            else if (i + 1 == S_FN_NAMES)
                F->fn_count = (uint32_t)(size / LSM_STRTAB_ENTRY);
            else if (i + 1 == S_FN_BYTES)
                F->fn_bytes_len = size;
            else if (i + 1 == S_LINE_STARTS)
                F->line_starts_count = size / 4;
        }
        view->frames = F;
    }
    if (ignore) {
        uint32_t *ids = lsm_malloc((size_t)ignore * 4);
        if (!ids)
            return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < ignore; i++)
            ids[i] = lsm_rd32(at[S_IGNORE] + (size_t)i * 4);
        view->owned[0] = ids;
        view->ignore_ids = ids;
        view->ignore_count = ignore;
    }
    return 0;
}

lsm_view_t *lsm_view_from_cache(const void *bytes, size_t len, lsm_error_t *err) {
    lsm_clear_error(err);
    if (!bytes) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "bytes is NULL");
        return NULL;
    }
    lsm_view_t *view = lsm_calloc(1, sizeof *view);
    if (!view) {
        lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    uint64_t started = lsm_now_ns();
    if (open_cache(view, bytes, len, err)) {
        lsm_view_free(view);
        return NULL;
    }
    view->flags |= LSM_VIEW_FROM_CACHE;
    view->bytes_read = len;
    view->parse_ns = lsm_now_ns() - started;
    return view;
}

lsm_view_t *lsm_view_from_cache_path(const char *path, lsm_error_t *err) {
    lsm_clear_error(err);
    void *addr;
    size_t len;
    if (lsm_map_file(path, &addr, &len, err))
        return NULL;
    lsm_view_t *view = lsm_view_from_cache(addr ? addr : "", len, err);
    if (!view) {
        lsm_unmap_file(addr, len);
        if (err && err->code != LSM_ERR_NOMEM) {
            char inner[sizeof err->message];
            memcpy(inner, err->message, sizeof inner);
            snprintf(err->message, sizeof err->message, "%.100s: %.140s", path, inner);
        }
        return NULL;
    }
    view->mapping = addr;
    view->mapping_len = len;
    return view;
}
