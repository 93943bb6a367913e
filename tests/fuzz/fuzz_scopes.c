/* Fuzz target: the ECMA-426 scopes decoder. The input is wrapped in a
 * valid map whose "scopes" (and "ranges") it becomes: the first byte picks
 * the source count (low two bits, 0-3) and the layout (bit 2: an array of
 * per-source strings, the input's lines, the last of which is "ranges";
 * else one "scopes" string). Invariants: the lenient load always succeeds
 * (the rest of the map is valid); the strict load fails exactly when the
 * lenient one warns, with the same code, one of the scopes codes; records
 * link into a consistent pre-order tree; every lookup and frame walk over
 * the decoded ranges stays in bounds; the map placed twice in an index map
 * gives the same scopes twice, the second copy renumbered and moved by its
 * section's offset, the first one's ranges stopping where the second
 * section starts. A violated invariant traps. Built as
 * a libFuzzer binary with -Dfuzzing=true (clang); always built with
 * replay.c as the fuzz-replay-scopes test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

/* Appends bytes as a JSON string's contents: every byte outside the
 * printable ASCII range escaped (as a code point below 256). */
static size_t put_escaped(char *out, const uint8_t *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)sprintf(out + o, "\\u%04x", c);
    }
    return o;
}

static void check_scopes(const lsm_view_t *v) {
    uint32_t ns = lsm_view_original_scope_count(v);
    uint32_t nr = lsm_view_generated_range_count(v);
    lsm_original_scope_t s;
    for (uint32_t i = 0; i < ns; i++) {
        REQUIRE(lsm_view_original_scope(v, i, &s, NULL) == 0);
        REQUIRE(s.parent == LSM_NO_ID || s.parent < i);
        REQUIRE(s.first_child == LSM_NO_ID || s.first_child == i + 1);
        REQUIRE(s.next_sibling == LSM_NO_ID || (s.next_sibling > i && s.next_sibling < ns));
        REQUIRE(s.start_line < s.end_line || (s.start_line == s.end_line && s.start_col <= s.end_col));
        for (uint32_t k = 0; k < s.variable_count; k++)
            REQUIRE(lsm_view_original_scope_variable(v, i, k) != LSM_NO_ID);
    }
    REQUIRE(lsm_view_original_scope(v, ns, &s, NULL) == -1);
    lsm_generated_range_t r;
    lsm_range_binding_t b;
    for (uint32_t i = 0; i < nr; i++) {
        REQUIRE(lsm_view_generated_range(v, i, &r, NULL) == 0);
        REQUIRE(r.parent == LSM_NO_ID || r.parent < i);
        REQUIRE(r.definition == LSM_NO_ID || r.definition < ns);
        REQUIRE(r.start_line < r.end_line || (r.start_line == r.end_line && r.start_col <= r.end_col));
        for (uint32_t k = 0; k < r.binding_count; k++) {
            uint32_t subs = lsm_view_range_binding_count(v, i, k);
            REQUIRE(subs >= 1);
            for (uint32_t j = 0; j < subs; j++)
                REQUIRE(lsm_view_range_binding(v, i, k, j, &b, NULL) == 0);
            REQUIRE(lsm_view_range_binding(v, i, k, subs, &b, NULL) == -1);
        }
        /* The range found at a range's start lies inside it, or is it. */
        uint32_t at = lsm_view_range_at(v, r.start_line, r.start_col);
        if (r.start_line != r.end_line || r.start_col != r.end_col)
            REQUIRE(at != LSM_NO_ID && at >= i && at < nr);
        lsm_scope_frame_t frames[8];
        int64_t n = lsm_view_scope_frames(v, r.start_line, r.start_col, frames, 8, NULL);
        REQUIRE(n >= 0 && n <= (int64_t)nr);
    }
}

/* The same map twice in an index map, the second section at line 5,
 * column 3: its scopes renumbered after the first's and its ranges moved
 * (the column on the section's first line only). `regular` is the strict
 * load of the map alone (NULL when it failed). */
static void check_index(const char *json, size_t len, const lsm_view_t *regular) {
    char *index = malloc(len * 2 + 160);
    if (!index)
        return;
    size_t o = (size_t)sprintf(index, "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,"
                                      "\"column\":0},\"map\":");
    memcpy(index + o, json, len);
    o += len;
    o += (size_t)sprintf(index + o, "},{\"offset\":{\"line\":5,\"column\":3},\"map\":");
    memcpy(index + o, json, len);
    o += len;
    o += (size_t)sprintf(index + o, "}]}");
    lsm_error_t err;
    lsm_view_t *lenient = lsm_view_from_json_ex(index, o, LSM_LOAD_DEFAULT, &err);
    REQUIRE(lenient != NULL && err.code == LSM_OK);
    check_scopes(lenient);
    lsm_view_t *strict = lsm_view_from_json_ex(index, o, LSM_LOAD_STRICT_SCOPES, &err);
    if (!regular) {
        REQUIRE(strict == NULL);
        REQUIRE(err.code >= LSM_ERR_BAD_SCOPES && err.code <= LSM_ERR_SCOPES_DEFINITION);
    } else if (!strict) {
        /* Only moving a position past 32 bits can fail. */
        REQUIRE(err.code == LSM_ERR_SCOPES_VLQ);
    } else {
        check_scopes(strict);
        uint32_t ns = lsm_view_original_scope_count(regular);
        uint32_t nr = lsm_view_generated_range_count(regular);
        REQUIRE(lsm_view_original_scope_count(strict) == 2 * ns);
        /* The first copy stops where the second starts (5:3), as its
         * mappings do: the ranges starting there or later go, the others
         * end there at the latest. */
        lsm_generated_range_t a, b, c;
        uint32_t kept = 0;
        while (kept < nr && lsm_view_generated_range(regular, kept, &a, NULL) == 0 &&
               (a.start_line < 5 || (a.start_line == 5 && a.start_col < 3)))
            kept++;
        REQUIRE(lsm_view_generated_range_count(strict) == kept + nr);
        for (uint32_t i = 0; i < nr; i++) {
            REQUIRE(lsm_view_generated_range(regular, i, &a, NULL) == 0);
            if (i < kept) {
                REQUIRE(lsm_view_generated_range(strict, i, &b, NULL) == 0);
                REQUIRE(b.start_line == a.start_line && b.start_col == a.start_col);
                int past = a.end_line > 5 || (a.end_line == 5 && a.end_col >= 3);
                REQUIRE(b.end_line == (past ? 5 : a.end_line) && b.end_col == (past ? 3 : a.end_col));
                REQUIRE(b.definition == a.definition);
            }
            REQUIRE(lsm_view_generated_range(strict, kept + i, &c, NULL) == 0);
            REQUIRE(c.start_line == a.start_line + 5 && c.end_line == a.end_line + 5);
            REQUIRE(c.start_col == a.start_col + (a.start_line == 0 ? 3 : 0));
            REQUIRE(c.end_col == a.end_col + (a.end_line == 0 ? 3 : 0));
            REQUIRE(c.definition == (a.definition == LSM_NO_ID ? LSM_NO_ID : a.definition + ns));
        }
    }
    lsm_view_free(strict);
    lsm_view_free(lenient);
    free(index);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536)
        return 0;
    uint32_t sources = data[0] & 3;
    int array = (data[0] & 4) != 0;
    data++;
    size--;
    char *json = malloc(size * 6 + 256);
    if (!json)
        return 0;
    size_t o = (size_t)sprintf(json, "{\"version\":3,\"names\":[\"a\",\"b\",\"c\"],"
                                     "\"mappings\":\"%s\",\"sources\":[",
                               sources ? "AAAA" : "A");
    for (uint32_t i = 0; i < sources; i++)
        o += (size_t)sprintf(json + o, "%s\"s%u\"", i ? "," : "", i);
    o += (size_t)sprintf(json + o, "],\"scopes\":");
    if (array) {
        /* Lines: all but the last are the per-source strings. */
        const uint8_t *end = data + size;
        const uint8_t *nl = memchr(data, '\n', size);
        const uint8_t *last = data;
        for (const uint8_t *p = data; p < end; p++)
            if (*p == '\n')
                last = p + 1;
        json[o++] = '[';
        const uint8_t *line = data;
        int first = 1;
        while (nl && line < last) {
            const uint8_t *stop = memchr(line, '\n', (size_t)(end - line));
            if (!first)
                json[o++] = ',';
            first = 0;
            if (stop - line == 1 && *line == '-') {
                memcpy(json + o, "null", 4);
                o += 4;
            } else {
                json[o++] = '"';
                o += put_escaped(json + o, line, (size_t)(stop - line));
                json[o++] = '"';
            }
            line = stop + 1;
        }
        o += (size_t)sprintf(json + o, "],\"ranges\":\"");
        o += put_escaped(json + o, last, (size_t)(end - last));
        json[o++] = '"';
    } else {
        json[o++] = '"';
        o += put_escaped(json + o, data, size);
        json[o++] = '"';
    }
    json[o++] = '}';

    lsm_error_t lenient_err, strict_err, warning;
    memset(&lenient_err, 0xff, sizeof lenient_err);
    memset(&strict_err, 0xff, sizeof strict_err);
    lsm_view_t *lenient = lsm_view_from_json_ex(json, o, LSM_LOAD_DEFAULT, &lenient_err);
    lsm_view_t *strict = lsm_view_from_json_ex(json, o, LSM_LOAD_STRICT_SCOPES, &strict_err);
    REQUIRE(lenient != NULL && lenient_err.code == LSM_OK);
    int warned = lsm_view_scopes_warning(lenient, &warning);
    if (strict) {
        REQUIRE(!warned && strict_err.code == LSM_OK);
        REQUIRE(lsm_view_original_scope_count(strict) == lsm_view_original_scope_count(lenient));
        REQUIRE(lsm_view_generated_range_count(strict) ==
                lsm_view_generated_range_count(lenient));
        check_scopes(strict);
    } else {
        REQUIRE(warned && warning.code == strict_err.code);
        REQUIRE(strict_err.code >= LSM_ERR_BAD_SCOPES &&
                strict_err.code <= LSM_ERR_SCOPES_DEFINITION);
        /* Dropping ranges never keeps a range. */
        REQUIRE(lsm_view_generated_range_count(lenient) == 0);
    }
    check_scopes(lenient);
    check_index(json, o, strict);
    lsm_view_free(strict);
    lsm_view_free(lenient);
    free(json);
    return 0;
}
