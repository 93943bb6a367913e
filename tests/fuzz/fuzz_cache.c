/* Fuzz target: arbitrary bytes as a cache file.
 *
 * Opening must either fail with one of the cache error codes or give a
 * view that can be read entirely without leaving its bytes: every token,
 * lookup, source, name, content and property. Whatever opens must also
 * dump again, and the dump must open and answer the same tokens. The input
 * The frame path too (version 3 sections, or the line tables built for
 * older files): each token's frame lookup and name, and context lines of
 * every source, stay inside the file and the contents, or fail with
 * LSM_ERR_CACHE_FRAMES. The input
 * is copied into a buffer of exactly its size so that a read past the end
 * is caught by AddressSanitizer. A violated invariant traps.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-cache test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

#define MAX_TOKENS 4096

static void read_string(const char *s, size_t len) {
    if (s)
        REQUIRE(s[len] == 0);
    else
        REQUIRE(len == 0);
}

/* Frames: lookups with names, and context lines inside the contents. */
static uint64_t walk_frames(const lsm_view_t *view) {
    uint64_t sum = 0;
    uint32_t tokens = lsm_view_token_count(view);
    char name[64];
    for (uint32_t i = 0; i < tokens && i < MAX_TOKENS; i++) {
        lsm_token_t t, f;
        REQUIRE(lsm_view_get_token(view, i, &t, NULL) == 0);
        for (uint32_t d = 0; d < 2; d++) {
            size_t n = 0;
            int how = -1, named = -1;
            lsm_error_t err;
            int rc = lsm_js_frame_resolve(view, NULL, t.dst_line, t.dst_col + d, &f, name,
                                          sizeof name, &n, &how, &named, &err);
            REQUIRE(rc >= -1 && rc <= 2);
            REQUIRE(rc != -1 || err.code == LSM_ERR_CACHE_FRAMES);
            REQUIRE(how >= LSM_NAME_NONE && how <= LSM_NAME_ANONYMOUS);
            REQUIRE(named == 0 || named == 1);
            REQUIRE(strlen(name) < sizeof name);
            sum += (uint64_t)rc + n + (uint64_t)how;
        }
    }
    uint32_t sources = lsm_view_source_count(view);
    lsm_text_span_t spans[5];
    for (uint32_t i = 0; i < sources && i < 64; i++) {
        size_t clen = 0;
        const char *contents = lsm_view_source_contents(view, i, &clen, NULL);
        for (uint32_t line = 0; line < 8; line++) {
            uint32_t first = 0, count = 0;
            lsm_error_t err;
            int rc = lsm_view_source_context(view, i, line, line * 70, 2,
                                             line & 1 ? LSM_CONTEXT_TRIM : 0, spans, 5, &first,
                                             &count, &err);
            REQUIRE(rc >= -1 && rc <= 1);
            REQUIRE(rc != -1 || err.code == LSM_ERR_CACHE_FRAMES);
            REQUIRE(rc == 1 || count == 0);
            REQUIRE(count <= 5);
            for (uint32_t k = 0; k < count; k++) {
                REQUIRE(contents && spans[k].text >= contents &&
                        spans[k].len <= clen - (size_t)(spans[k].text - contents));
                sum += spans[k].len;
            }
        }
    }
    return sum;
}

/* ECMA-426 scopes (cache section 34): every record, binding and frame
 * stays inside the view's tables, and every walk ends. */
static uint64_t walk_scopes(const lsm_view_t *view) {
    uint64_t sum = 0;
    uint32_t sources = lsm_view_source_count(view), names = lsm_view_name_count(view);
    uint32_t nscopes = lsm_view_original_scope_count(view);
    uint32_t nranges = lsm_view_generated_range_count(view);
    for (uint32_t i = 0; i < nscopes && i < MAX_TOKENS; i++) {
        lsm_original_scope_t s;
        REQUIRE(lsm_view_original_scope(view, i, &s, NULL) == 0);
        REQUIRE(s.source < sources);
        REQUIRE(s.name_id == LSM_NO_ID || s.name_id < names);
        REQUIRE(s.parent == LSM_NO_ID || s.parent < i);
        for (uint32_t v = 0; v < s.variable_count && v < 64; v++) {
            uint32_t id = lsm_view_original_scope_variable(view, i, v);
            REQUIRE(id == LSM_NO_ID || id < names);
        }
        sum += s.start_line + s.end_col + s.variable_count;
    }
    for (uint32_t i = 0; i < sources && i < 512; i++) {
        uint32_t first = lsm_view_source_scope(view, i);
        REQUIRE(first == LSM_NO_ID || first < nscopes);
    }
    lsm_scope_frame_t frames[8];
    for (uint32_t i = 0; i < nranges && i < MAX_TOKENS; i++) {
        lsm_generated_range_t r;
        REQUIRE(lsm_view_generated_range(view, i, &r, NULL) == 0);
        REQUIRE(r.definition == LSM_NO_ID || r.definition < nscopes);
        REQUIRE(r.call_source == LSM_NO_ID || r.call_source < sources);
        for (uint32_t v = 0; v < r.binding_count && v < 64; v++) {
            uint32_t n = lsm_view_range_binding_count(view, i, v);
            for (uint32_t k = 0; k < n && k < 64; k++) {
                lsm_range_binding_t b;
                REQUIRE(lsm_view_range_binding(view, i, v, k, &b, NULL) == 0);
                REQUIRE(b.name_id == LSM_NO_ID || b.name_id < names);
                sum += b.from_col;
            }
        }
        int64_t n = lsm_view_scope_frames(view, r.start_line, r.start_col, frames, 8, NULL);
        REQUIRE(n >= 0);
        for (int64_t k = 0; k < n && k < 8; k++) {
            REQUIRE(frames[k].range < nranges);
            REQUIRE(frames[k].scope == LSM_NO_ID || frames[k].scope < nscopes);
            read_string(frames[k].name, frames[k].name ? strlen(frames[k].name) : 0);
        }
        sum += (uint64_t)n + lsm_view_range_at(view, r.end_line, r.end_col);
    }
    /* Index-map section offsets (cache section 35). */
    uint32_t nsec = lsm_view_section_count(view);
    for (uint32_t i = 0; i <= nsec && i < MAX_TOKENS; i++) {
        uint32_t line = 1, col = 1;
        int rc = lsm_view_section_offset(view, i, &line, &col, NULL);
        REQUIRE(rc == (i < nsec ? 0 : -1));
        sum += (uint64_t)line + col;
    }
    return sum;
}

static uint64_t walk(const lsm_view_t *view) {
    uint64_t sum = 0;
    uint32_t tokens = lsm_view_token_count(view);
    uint32_t sources = lsm_view_source_count(view), names = lsm_view_name_count(view);
    for (uint32_t i = 0; i < tokens && i < MAX_TOKENS; i++) {
        lsm_token_t t;
        REQUIRE(lsm_view_get_token(view, i, &t, NULL) == 0);
        REQUIRE(t.src_id == LSM_NO_ID || t.src_id < sources);
        REQUIRE(t.name_id == LSM_NO_ID || t.name_id < names);
        read_string(t.src, t.src_len);
        read_string(t.name, t.name_len);
        for (int rule = 0; rule <= 2; rule++) {
            lsm_token_t l;
            int rc = lsm_lookup_ex(view, t.dst_line, t.dst_col, rule, &l, NULL);
            REQUIRE(rc == 0 || rc == 1);
            sum += (uint64_t)rc + l.dst_col;
            /* The number-only paths (a cursor, the columns batch) read
             * the damaged records their own way: same answer. */
            uint32_t want[6] = {LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID};
            if (rc == 1) {
                want[0] = l.dst_line, want[1] = l.dst_col, want[2] = l.src_line;
                want[3] = l.src_col, want[4] = l.src_id, want[5] = l.name_id;
            }
            uint32_t got[6];
            REQUIRE(lsm_lookup_columns(view, &t.dst_line, &t.dst_col, 1, rule, &got[0], &got[1],
                                       &got[2], &got[3], &got[4], &got[5], NULL) == rc);
            REQUIRE(memcmp(got, want, sizeof got) == 0);
            uint32_t out[6] = {0, 0, 0, 0, 0, 0};
            lsm_cursor_t *cur = lsm_cursor_new(view, rule, out, NULL);
            if (cur) { /* NULL only when out of memory */
                REQUIRE(lsm_cursor_find(cur, t.dst_line, t.dst_col) == rc);
                if (rc == 1)
                    REQUIRE(memcmp(out, want, sizeof out) == 0);
                lsm_cursor_free(cur);
            }
        }
        sum = sum * 31 + t.dst_line + t.dst_col + t.src_line + t.src_col;
    }
    lsm_token_t chunk[4];
    REQUIRE(lsm_view_get_tokens(view, 0, 4, chunk, NULL) >= 0);
    /* Each string is fetched before its length is read: the order in
     * which a call's arguments are evaluated is unspecified. */
    const char *s;
    size_t len;
    for (uint32_t i = 0; i < sources && i < 512; i++) {
        s = lsm_view_source_name(view, i, &len, NULL);
        read_string(s, len);
        s = lsm_view_source_url(view, i, &len, NULL);
        read_string(s, len);
        s = lsm_view_source_joined(view, i, &len, NULL);
        read_string(s, len);
        char *resolved = NULL;
        if (lsm_view_resolve_source(view, i, "https://h/a/b.map", 17, &resolved, &len, NULL) == 1)
            read_string(resolved, len);
        lsm_buffer_free(resolved);
        s = lsm_view_source_contents(view, i, &len, NULL);
        read_string(s, len);
        sum += len + (uint64_t)lsm_view_is_ignored(view, i);
    }
    for (uint32_t i = 0; i < names && i < 512; i++) {
        s = lsm_view_name(view, i, &len, NULL);
        read_string(s, len);
        sum += len;
    }
    s = lsm_view_file(view, &len);
    read_string(s, len);
    s = lsm_view_source_root(view, &len);
    read_string(s, len);
    s = lsm_view_debug_id(view, &len);
    read_string(s, len);
    uint32_t count = 0;
    const uint32_t *ids = lsm_view_ignore_list(view, &count);
    for (uint32_t i = 0; ids && i < count; i++)
        sum += ids[i];
    lsm_token_t far;
    sum += (uint64_t)lsm_lookup(view, UINT32_MAX, UINT32_MAX, &far, NULL);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_cache(copy, size, &err);
    if (!view) {
        REQUIRE(err.code == LSM_ERR_NOMEM ||
                (err.code >= LSM_ERR_CACHE_MAGIC && err.code <= LSM_ERR_CACHE_CORRUPT));
        free(copy);
        return 0;
    }
    uint64_t first = walk(view);
    REQUIRE(walk(view) == first);
    uint64_t frames = walk_frames(view);
    REQUIRE(walk_frames(view) == frames);
    uint64_t scopes = walk_scopes(view);
    REQUIRE(walk_scopes(view) == scopes);

    uint8_t *again = NULL;
    size_t again_len = 0;
    if (lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &again, &again_len, NULL) == 0) {
        lsm_view_t *reopened = lsm_view_from_cache(again, again_len, &err);
        REQUIRE(reopened != NULL);
        REQUIRE(lsm_view_token_count(reopened) == lsm_view_token_count(view));
        for (uint32_t i = 0; i < lsm_view_token_count(view) && i < MAX_TOKENS; i++) {
            lsm_token_t a, b;
            lsm_view_get_token(view, i, &a, NULL);
            lsm_view_get_token(reopened, i, &b, NULL);
            REQUIRE(a.dst_line == b.dst_line && a.dst_col == b.dst_col &&
                    a.src_id == b.src_id && a.name_id == b.name_id);
        }
        lsm_view_free(reopened);
        lsm_buffer_free(again);
    }
    lsm_view_free(view);
    free(copy);
    return 0;
}
