/* Fuzz target: arbitrary bytes as JavaScript.
 *
 * Scans the input for function scopes (with and without JSX), as generated
 * code and as an original source of a small fixed map (through a namer),
 * extracts its sourceMappingURL and debugId comments and decodes it as a
 * data: URL. Nothing may fail but for memory; every result must be well
 * formed: scopes sorted by start and inside their parents' starts, names
 * NUL-terminated, lookups answering a scope that contains the position,
 * comment values inside the input. A violated invariant traps, so libFuzzer
 * and the replay test (tests/fuzz/replay.c) both report it.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-jsscan test. */
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

#define MAX_PROBES 32

static void check_cleared(const lsm_error_t *err) {
    REQUIRE(err->code == LSM_OK && err->message[0] == 0);
    REQUIRE(err->offset == -1 && err->line == -1 && err->segment == -1);
}

static void check_string(const char *s, size_t len) {
    if (!s) {
        REQUIRE(len == 0);
        return;
    }
    REQUIRE(s[len] == 0);
    volatile unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)s[i];
    (void)sum;
}

static int pos_le(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 <= c2);
}

/* Positions to probe: fixed ones and some made of the input's bytes. */
static size_t probes(const uint8_t *data, size_t size, uint32_t *lines, uint32_t *cols) {
    size_t n = 0;
    const uint32_t fixed[][2] = {{0, 0}, {0, 1}, {1, 0}, {0, UINT32_MAX}, {UINT32_MAX, 0}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++, n++)
        lines[n] = fixed[i][0], cols[n] = fixed[i][1];
    for (size_t i = 0; n < MAX_PROBES && i + 2 <= size; i += 2, n++) {
        lines[n] = data[i] % 8;
        cols[n] = data[i + 1];
    }
    return n;
}

static void check_scopes(const uint8_t *data, size_t size, uint32_t flags) {
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    lsm_js_scopes_t *s = lsm_js_scopes_build_ex((const char *)data, size, flags, &err);
    REQUIRE(s != NULL); /* only allocation failures fail, and there are none here */
    check_cleared(&err);
    uint32_t n = lsm_js_scopes_count(s);
    lsm_js_scope_t prev = {0}, sc, parent;
    for (uint32_t i = 0; i < n; i++) {
        memset(&err, 0xff, sizeof err);
        REQUIRE(lsm_js_scopes_get(s, i, &sc, &err) == 0);
        check_cleared(&err);
        REQUIRE(sc.index == i);
        REQUIRE(pos_le(sc.start_line, sc.start_col, sc.end_line, sc.end_col));
        if (i > 0)
            REQUIRE(pos_le(prev.start_line, prev.start_col, sc.start_line, sc.start_col));
        check_string(sc.name, sc.name_len);
        if (sc.name)
            REQUIRE(sc.name_len <= 4096);
        else
            REQUIRE(sc.name_line == LSM_NO_ID && sc.name_col == LSM_NO_ID);
        if (sc.parent != LSM_NO_ID) {
            REQUIRE(sc.parent < i);
            REQUIRE(lsm_js_scopes_get(s, sc.parent, &parent, NULL) == 0);
            REQUIRE(pos_le(parent.start_line, parent.start_col, sc.start_line, sc.start_col));
        }
        prev = sc;
    }
    REQUIRE(lsm_js_scopes_get(s, n, &sc, &err) == -1 && err.code == LSM_ERR_OUT_OF_RANGE);

    uint32_t lines[MAX_PROBES], cols[MAX_PROBES];
    size_t np = probes(data, size, lines, cols);
    for (size_t i = 0; i < np; i++) {
        memset(&err, 0xff, sizeof err);
        int rc = lsm_js_scope_at(s, lines[i], cols[i], &sc, &err);
        check_cleared(&err);
        REQUIRE(rc == 0 || rc == 1);
        if (rc == 1) {
            REQUIRE(sc.index < n);
            REQUIRE(pos_le(sc.start_line, sc.start_col, lines[i], cols[i]));
            REQUIRE(!pos_le(sc.end_line, sc.end_col, lines[i], cols[i]));
        } else {
            REQUIRE(sc.name == NULL && sc.index == LSM_NO_ID);
        }
        const char *name;
        size_t len;
        int rn = lsm_js_scope_name_at(s, lines[i], cols[i], &name, &len, NULL);
        REQUIRE(rn == (rc == 1 && sc.name != NULL));
        if (rn == 1)
            REQUIRE(name == sc.name && len == sc.name_len);
    }
    lsm_js_scopes_free(s);
}

/* A map over a generated line "ab(cd)" into one source, with names. */
static const char MAP[] =
    "{\"version\":3,\"sources\":[\"input.js\"],\"names\":[\"n\",\"m\"],"
    "\"mappings\":\"AAAAA,CAACC,EAAE,CAAC;AACA,EAAE;AACAD\"}";

static void check_names(const uint8_t *data, size_t size) {
    lsm_view_t *view = lsm_view_from_json(MAP, sizeof MAP - 1, NULL);
    REQUIRE(view != NULL);
    uint32_t lines[MAX_PROBES], cols[MAX_PROBES];
    size_t np = probes(data, size, lines, cols);
    for (int pass = 0; pass < 2; pass++) {
        lsm_error_t err;
        memset(&err, 0xff, sizeof err);
        /* pass 0: the input as generated code; pass 1: as the original */
        lsm_js_namer_t *N = pass == 0 ? lsm_js_namer_new(view, (const char *)data, size,
                                                         LSM_NAMES_DEFAULT, &err)
                                      : lsm_js_namer_new(view, "ab(cd)\nx", 8, 0, &err);
        REQUIRE(N != NULL);
        check_cleared(&err);
        if (pass == 1) {
            REQUIRE(lsm_js_namer_set_source(N, 0, (const char *)data, size, &err) == 0);
            check_cleared(&err);
        }
        for (size_t i = 0; i < np; i++) {
            char buf[48];
            size_t len = 12345;
            int how = -1;
            memset(&err, 0xff, sizeof err);
            int rc = lsm_js_namer_name_at(N, lines[i], cols[i], buf, sizeof buf, &len, &how,
                                          &err);
            check_cleared(&err);
            REQUIRE(rc == 0 || rc == 1);
            REQUIRE(how == LSM_NAME_NONE || how == LSM_NAME_FROM_ORIGINAL ||
                    how == LSM_NAME_FROM_GENERATED || how == LSM_NAME_ANONYMOUS);
            if (rc == 1) {
                REQUIRE(how != LSM_NAME_NONE && how != LSM_NAME_ANONYMOUS);
                /* (a name may hold NUL bytes: a string key; use the length) */
                size_t shown = len < sizeof buf ? len : sizeof buf - 1;
                REQUIRE(buf[shown] == 0);
            } else {
                REQUIRE(len == 0 && buf[0] == 0);
            }
            lsm_token_t tok;
            int lr = lsm_js_namer_lookup(N, lines[i], cols[i], &tok, NULL);
            REQUIRE(lr >= 0 && lr <= 2);
            if (lr >= 1)
                REQUIRE(tok.src_id == 0 && pos_le(tok.dst_line, tok.dst_col, lines[i], cols[i]));
        }
        lsm_js_namer_free(N);
    }
    /* libsourcemap 0.8's call, with the input's first bytes as the name */
    char buf[32];
    size_t len;
    size_t nlen = size < 8 ? size : 8;
    int rc = lsm_view_get_original_function_name(view, 0, 3, (const char *)data, nlen,
                                                 (const char *)data, size, buf, sizeof buf,
                                                 &len, NULL);
    REQUIRE(rc == 0 || rc == 1);
    /* and at every probe, where 0.8's walk reads the input's lines */
    for (size_t i = 0; i < np; i++) {
        len = 12345;
        rc = lsm_view_get_original_function_name(view, lines[i], cols[i], "cd", 2,
                                                 (const char *)data, size, buf, sizeof buf,
                                                 &len, NULL);
        REQUIRE(rc == 0 || rc == 1);
        REQUIRE(rc == 1 ? buf[len < sizeof buf ? len : sizeof buf - 1] == 0 : len == 0);
    }
    lsm_view_free(view);
}

static void check_comments(const uint8_t *data, size_t size) {
    const char *src = (const char *)data;
    const char *v;
    size_t len;
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    int rc = lsm_js_source_mapping_url(src, size, &v, &len, &err);
    check_cleared(&err);
    REQUIRE(rc == 0 || rc == 1);
    if (rc == 1) {
        REQUIRE(v >= src && v + len <= src + size);
        REQUIRE(memchr(v, '\n', len) == NULL && memchr(v, ' ', len) == NULL);
    } else {
        REQUIRE(v == NULL && len == 0);
    }
    rc = lsm_js_debug_id(src, size, &v, &len, NULL);
    REQUIRE(rc == 0 || rc == 1);
    if (rc == 1)
        REQUIRE(v >= src && v + len <= src + size);

    uint8_t *out = NULL;
    memset(&err, 0xff, sizeof err);
    rc = lsm_data_url_decode(src, size, &out, &len, &err);
    if (rc == 0) {
        check_cleared(&err);
        REQUIRE(out != NULL && len <= size && out[len] == 0);
    } else {
        REQUIRE(rc == -1 && err.code == LSM_ERR_BAD_DATA_URL && out == NULL && len == 0);
    }
    lsm_buffer_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_scopes(data, size, LSM_JS_DEFAULT);
    check_scopes(data, size, LSM_JS_NO_JSX);
    check_names(data, size);
    check_comments(data, size);
    return 0;
}
