/* Fuzz target: arbitrary bytes as a source map.
 *
 * Loads the input with each load flag; a failure must carry a known code
 * and a well-formed message, a success must give a view whose every token,
 * source, name and property can be read and is consistent, and whose
 * lookups (at fixed positions and at positions taken from the input)
 * agree with one another. A violated invariant traps, so libFuzzer and
 * the replay test (tests/fuzz/replay.c) both report it.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-json test. */
#include <stdbool.h>
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

/* At most this many tokens are looked up one by one. */
#define MAX_TOKEN_LOOKUPS 2000
#define MAX_PROBES 24

static void check_error(const lsm_error_t *err, size_t size) {
    REQUIRE(err->code != LSM_OK);
    REQUIRE(strcmp(lsm_error_name(err->code), "LSM_ERR_UNKNOWN") != 0);
    const char *end = memchr(err->message, 0, sizeof err->message);
    REQUIRE(end != NULL && end != err->message);
    REQUIRE(memchr(err->message, '\n', (size_t)(end - err->message)) == NULL);
    REQUIRE(err->offset >= -1 && err->line >= -1 && err->segment >= -1);
    if (err->code >= LSM_ERR_VLQ_INVALID_DIGIT && err->code <= LSM_ERR_NAME_OUT_OF_RANGE) {
        /* A mappings error says where: line and segment always, the
         * offset within the input or -1 (an index checked after the parse
         * in a "mappings" string that had escapes). The upper bound is not
         * checked for JSON errors: see test_error_position_eof in
         * tests/c/test_api.c. */
        REQUIRE(err->offset == -1 || (err->offset >= 0 && (uint64_t)err->offset <= size));
        /* A bad value in "rangeMappings" has a line but is no segment's
         * (the header, at LSM_ERR_BAD_RANGE_MAPPINGS). */
        bool range = strncmp(err->message, "rangeMappings ", 14) == 0;
        REQUIRE(err->line >= 0 && (range ? err->segment == -1 : err->segment >= 0));
    }
}

static void check_cleared(const lsm_error_t *err) {
    REQUIRE(err->code == LSM_OK && err->message[0] == 0);
    REQUIRE(err->offset == -1 && err->line == -1 && err->segment == -1);
}

static int same_token(const lsm_token_t *a, const lsm_token_t *b) {
    return a->dst_line == b->dst_line && a->dst_col == b->dst_col &&
           a->src_line == b->src_line && a->src_col == b->src_col && a->src_id == b->src_id &&
           a->name_id == b->name_id && a->src == b->src && a->src_len == b->src_len &&
           a->name == b->name && a->name_len == b->name_len;
}

static int is_none(const lsm_token_t *t) {
    return t->dst_line == LSM_NO_ID && t->dst_col == LSM_NO_ID && t->src_id == LSM_NO_ID &&
           t->src_line == LSM_NO_ID && t->src_col == LSM_NO_ID && t->name_id == LSM_NO_ID &&
           !t->src && !t->name && !t->src_len && !t->name_len;
}

static void check_string(const char *s, size_t len) {
    if (s) {
        REQUIRE(s[len] == 0);
        /* Touch every byte, so a bad length shows under ASan. */
        volatile unsigned sum = 0;
        for (size_t i = 0; i < len; i++)
            sum += (unsigned char)s[i];
        (void)sum;
    } else {
        REQUIRE(len == 0);
    }
}

/* One lookup under `rule`, checked against what the rule promises. */
static void check_lookup(const lsm_view_t *view, uint32_t line, uint32_t col, int rule,
                         lsm_token_t *out) {
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    int rc = lsm_lookup_ex(view, line, col, rule, out, &err);
    REQUIRE(rc == 0 || rc == 1);
    check_cleared(&err);
    if (rc == 1)
        REQUIRE(out->src_id != LSM_NO_ID && out->src_id < lsm_view_source_count(view));
    /* The number-only path of lsm_lookup_columns (and cursors): the same
     * answer, all LSM_NO_ID when nothing maps. */
    uint32_t want[6] = {LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID, LSM_NO_ID};
    if (rc == 1) {
        want[0] = out->dst_line, want[1] = out->dst_col, want[2] = out->src_line;
        want[3] = out->src_col, want[4] = out->src_id, want[5] = out->name_id;
    }
    uint32_t got[6];
    REQUIRE(lsm_lookup_columns(view, &line, &col, 1, rule, &got[0], &got[1], &got[2], &got[3],
                               &got[4], &got[5], NULL) == rc);
    REQUIRE(memcmp(got, want, sizeof got) == 0);
    if (is_none(out))
        return;
    REQUIRE(out->dst_line < lsm_view_line_count(view));
    if (rule == LSM_RULE_GREATEST_LOWER_BOUND)
        REQUIRE(out->dst_line < line || (out->dst_line == line && out->dst_col <= col));
    else if (rule == LSM_RULE_SAME_LINE)
        REQUIRE(out->dst_line == line && out->dst_col <= col);
    else
        REQUIRE(out->dst_line == line && out->dst_col >= col);
    if (rc == 0)
        REQUIRE(out->src_id == LSM_NO_ID);
}

static void walk(const lsm_view_t *view, const uint8_t *data, size_t size) {
    lsm_error_t err;
    uint32_t ntok = lsm_view_token_count(view);
    uint32_t nsrc = lsm_view_source_count(view);
    uint32_t nnames = lsm_view_name_count(view);
    uint32_t nlines = lsm_view_line_count(view);
    REQUIRE((ntok == 0) == (nlines == 0));

    lsm_token_t prev = {0}, t, found;
    for (uint32_t i = 0; i < ntok; i++) {
        memset(&err, 0xff, sizeof err);
        REQUIRE(lsm_view_get_token(view, i, &t, &err) == 0);
        check_cleared(&err);
        REQUIRE(t.dst_line < nlines);
        if (i > 0)
            REQUIRE(t.dst_line > prev.dst_line ||
                    (t.dst_line == prev.dst_line && t.dst_col >= prev.dst_col));
        if (i == ntok - 1)
            REQUIRE(t.dst_line == nlines - 1);
        if (t.src_id == LSM_NO_ID) {
            REQUIRE(t.src_line == LSM_NO_ID && t.src_col == LSM_NO_ID &&
                    t.name_id == LSM_NO_ID && !t.src && !t.name);
        } else {
            REQUIRE(t.src_id < nsrc);
            REQUIRE(t.name_id == LSM_NO_ID || t.name_id < nnames);
            check_string(t.src, t.src_len);
            check_string(t.name, t.name_len);
        }
        if (i < MAX_TOKEN_LOOKUPS) {
            /* At a token's own position every rule finds a token there. */
            for (int rule = 0; rule < 3; rule++) {
                check_lookup(view, t.dst_line, t.dst_col, rule, &found);
                REQUIRE(found.dst_line == t.dst_line && found.dst_col == t.dst_col);
            }
        }
        prev = t;
    }
    memset(&err, 0xff, sizeof err);
    REQUIRE(lsm_view_get_token(view, ntok, &t, &err) == -1 && err.code == LSM_ERR_OUT_OF_RANGE);

    for (uint32_t i = 0; i < nsrc; i++) {
        size_t len;
        memset(&err, 0xff, sizeof err);
        const char *s = lsm_view_source_name(view, i, &len, &err);
        check_cleared(&err);
        check_string(s, len);
        const char *u = lsm_view_source_url(view, i, &len, &err);
        check_cleared(&err);
        check_string(u, len);
        REQUIRE((s == NULL) == (u == NULL));
        const char *j = lsm_view_source_joined(view, i, &len, &err);
        check_cleared(&err);
        REQUIRE(j != NULL);
        check_string(j, len);
        /* Resolved against the map's own sources as URLs: hostile bases. */
        char *r = NULL;
        size_t rlen = 0;
        int rc = lsm_view_resolve_source(view, i, j, len, &r, &rlen, &err);
        REQUIRE(rc == (u != NULL) || (rc == -1 && err.code == LSM_ERR_NOMEM));
        if (r)
            check_string(r, rlen);
        lsm_buffer_free(r);
        s = lsm_view_source_contents(view, i, &len, &err);
        check_cleared(&err);
        check_string(s, len);
        REQUIRE(lsm_view_has_source_contents(view, i, &err) == (s != NULL));
        (void)lsm_view_is_ignored(view, i);
    }
    REQUIRE(lsm_view_source_name(view, nsrc, NULL, &err) == NULL &&
            err.code == LSM_ERR_OUT_OF_RANGE);
    for (uint32_t i = 0; i < nnames; i++) {
        size_t len;
        const char *s = lsm_view_name(view, i, &len, &err);
        REQUIRE(s != NULL);
        check_string(s, len);
    }
    size_t len;
    const char *s = lsm_view_file(view, &len);
    check_string(s, len);
    s = lsm_view_source_root(view, &len);
    check_string(s, len);
    s = lsm_view_debug_id(view, &len);
    check_string(s, len);
    uint32_t nignore;
    const uint32_t *ignore = lsm_view_ignore_list(view, &nignore);
    REQUIRE((nignore == 0) == (ignore == NULL));
    for (uint32_t i = 0; i < nignore; i++) {
        REQUIRE(ignore[i] < nsrc);
        REQUIRE(i == 0 || ignore[i] > ignore[i - 1]);
        REQUIRE(lsm_view_is_ignored(view, ignore[i]) == 1);
    }

    /* Probes: fixed ones, and some made of the input's last bytes. */
    uint32_t lines[MAX_PROBES], cols[MAX_PROBES];
    size_t n = 0;
    const uint32_t fixed[][2] = {{0, 0}, {0, UINT32_MAX}, {UINT32_MAX, UINT32_MAX},
                                 {nlines, 0}, {nlines ? nlines - 1 : 0, 1}, {1, 3}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++, n++)
        lines[n] = fixed[i][0], cols[n] = fixed[i][1];
    for (size_t i = 0; n < MAX_PROBES && i + 2 <= size && i < 36; i += 2, n++) {
        const uint8_t *p = data + size - 2 - i;
        lines[n] = nlines ? p[0] % (nlines + 1) : p[0] % 3;
        cols[n] = p[1];
    }
    for (int rule = 0; rule < 3; rule++) {
        lsm_token_t one[MAX_PROBES], many[MAX_PROBES];
        int64_t want = 0;
        for (size_t i = 0; i < n; i++) {
            check_lookup(view, lines[i], cols[i], rule, &one[i]);
            want += one[i].src_id != LSM_NO_ID;
        }
        memset(&err, 0xff, sizeof err);
        int64_t got = lsm_lookup_many(view, lines, cols, n, rule, many, &err);
        check_cleared(&err);
        REQUIRE(got == want);
        for (size_t i = 0; i < n; i++)
            REQUIRE(one[i].src_id != LSM_NO_ID ? same_token(&one[i], &many[i]) : is_none(&many[i]));
    }
    lsm_token_t a, b;
    for (size_t i = 0; i < n; i++) {
        int ra = lsm_lookup(view, lines[i], cols[i], &a, NULL);
        int rb = lsm_lookup_ex(view, lines[i], cols[i], LSM_RULE_GREATEST_LOWER_BOUND, &b, NULL);
        REQUIRE(ra == rb && same_token(&a, &b));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    lsm_view_t *view = lsm_view_from_json_ex((const char *)data, size, LSM_LOAD_DEFAULT, &err);
    if (!view) {
        check_error(&err, size);
    } else {
        check_cleared(&err);
        walk(view, data, size);
    }

    /* LSM_LOAD_REJECT_INDEX accepts exactly the regular maps. */
    lsm_error_t err2;
    memset(&err2, 0xff, sizeof err2);
    lsm_view_t *strict =
        lsm_view_from_json_ex((const char *)data, size, LSM_LOAD_REJECT_INDEX, &err2);
    if (strict) {
        check_cleared(&err2);
        REQUIRE(view != NULL && !lsm_view_is_index(strict));
        REQUIRE(lsm_view_token_count(strict) == lsm_view_token_count(view));
        walk(strict, data, size);
    } else {
        check_error(&err2, size);
        if (view)
            REQUIRE(lsm_view_is_index(view) && err2.code == LSM_ERR_INDEX_MAP);
    }
    lsm_view_free(strict);

    /* LSM_LOAD_BORROW reads contents in place: the same outcome, the same
     * error offset, the same contents byte for byte. */
    lsm_error_t err3;
    memset(&err3, 0xff, sizeof err3);
    lsm_view_t *borrowed = lsm_view_from_json_ex((const char *)data, size, LSM_LOAD_BORROW, &err3);
    REQUIRE((borrowed != NULL) == (view != NULL));
    if (!borrowed) {
        REQUIRE(err3.code == err.code && err3.offset == err.offset);
    } else {
        uint32_t n = lsm_view_source_count(view);
        REQUIRE(lsm_view_source_count(borrowed) == n);
        for (uint32_t i = 0; i < n; i++) {
            size_t a_len = 0, b_len = 0;
            const char *a = lsm_view_source_contents(view, i, &a_len, NULL);
            const char *b = lsm_view_source_contents(borrowed, i, &b_len, NULL);
            REQUIRE((a == NULL) == (b == NULL) && a_len == b_len);
            REQUIRE(!a || memcmp(a, b, a_len) == 0);
        }
    }
    lsm_view_free(borrowed);
    lsm_view_free(view);
    return 0;
}
