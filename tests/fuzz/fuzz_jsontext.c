/* Fuzz target: the JSON string scanner (src/jsontext.c) against a slow
 * reference written independently here, a byte at a time, from the rules:
 * both must agree on where the first bad string is and why, and on the
 * boundaries of every string before it. Each string the scanner accepts
 * must unescape into valid UTF-8 no longer than its raw form. Every path
 * of wide loads this machine runs (64-bit words, SSE2, AVX2) is held to
 * the same answers, string list included.
 *
 * The input is the JSON text itself; it is also tried with a quote in
 * front, so that every input is mostly string content. A violated
 * invariant traps. Built as a libFuzzer binary with -Dfuzzing=true (clang);
 * always built with replay.c as the fuzz-replay-jsontext test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

/* The reference: decodes one code point at s[i] into *cp, returning its
 * length, or 0 when the bytes are not strict UTF-8. */
static size_t ref_utf8(const uint8_t *s, size_t n, size_t i, uint32_t *cp) {
    uint8_t c = s[i];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (!len || c > 0xF7 || i + len > n)
        return 0;
    uint32_t v = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i + k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static int ref_hex4(const uint8_t *s, size_t n, size_t i) {
    if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
        return -1;
    int v = 0;
    for (size_t k = i + 2; k < i + 6; k++) {
        int h = (s[k] >= '0' && s[k] <= '9') ? s[k] - '0'
              : (s[k] >= 'a' && s[k] <= 'f') ? s[k] - 'a' + 10
              : (s[k] >= 'A' && s[k] <= 'F') ? s[k] - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Scans like lsm_json_scan() without listing strings. Returns the code of
 * the first bad string or of a \v or \f outside strings (0 for none) and
 * its offending offset. */
static int reference(const uint8_t *s, size_t n, size_t *at) {
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\v' || s[i] == '\f')
            return *at = i, LSM_ERR_JSON;
        if (s[i] != '"') {
            i++;
            continue;
        }
        i++;
        for (;;) {
            if (i >= n)
                return *at = n, LSM_ERR_JSON;
            uint8_t c = s[i];
            if (c == '"') {
                i++;
                break;
            }
            if (c < 0x20)
                return *at = i, LSM_ERR_JSON;
            if (c == '\\') {
                if (i + 1 >= n)
                    return *at = n, LSM_ERR_JSON;
                if (s[i + 1] && strchr("\"\\/bfnrt", s[i + 1])) {
                    i += 2;
                    continue;
                }
                int u = ref_hex4(s, n, i);
                if (u < 0)
                    return *at = i, LSM_ERR_JSON;
                if (u >= 0xDC00 && u <= 0xDFFF)
                    return *at = i, LSM_ERR_INVALID_UTF8;
                if (u >= 0xD800 && u <= 0xDBFF) {
                    int low = ref_hex4(s, n, i + 6);
                    if (low < 0xDC00 || low > 0xDFFF)
                        return *at = i, LSM_ERR_INVALID_UTF8;
                    i += 12;
                } else {
                    i += 6;
                }
                continue;
            }
            if (c < 0x80) {
                i++;
                continue;
            }
            uint32_t cp;
            size_t len = ref_utf8(s, n, i, &cp);
            if (!len)
                return *at = i, LSM_ERR_INVALID_UTF8;
            i += len;
        }
    }
    return 0;
}

/* Two paths' scans of one text agree on everything. */
static void require_same(const lsm_json_scan_t *x, const lsm_json_scan_t *y) {
    REQUIRE(x->code == y->code && x->error_offset == y->error_offset &&
            x->error_string == y->error_string && x->strings.len == y->strings.len);
    /* Compared field by field: the struct's padding is not written. */
    const lsm_json_long_t *a = (const lsm_json_long_t *)(const void *)x->strings.data;
    const lsm_json_long_t *b = (const lsm_json_long_t *)(const void *)y->strings.data;
    for (size_t k = 0; k < x->strings.len / sizeof *a; k++)
        REQUIRE(a[k].start == b[k].start && a[k].len == b[k].len && a[k].escaped == b[k].escaped);
}

/* One scan against the reference and the rules for listed strings. */
static void require_right(const uint8_t *s, size_t n, const lsm_json_scan_t *scan) {
    size_t at = 0;
    int code = reference(s, n, &at);
    REQUIRE(scan->code == code);
    if (code)
        REQUIRE(scan->error_offset == at);
    const lsm_json_long_t *items = (const lsm_json_long_t *)(const void *)scan->strings.data;
    size_t count = scan->strings.len / sizeof *items;
    uint8_t *out = malloc(n + 1);
    for (size_t k = 0; out && k < count; k++) {
        REQUIRE(items[k].start >= 1 && s[items[k].start - 1] == '"');
        REQUIRE(items[k].start + items[k].len < n && s[items[k].start + items[k].len] == '"');
        REQUIRE(!code || items[k].start + items[k].len < scan->error_string);
        size_t len = lsm_json_unescape(s + items[k].start, (size_t)items[k].len, out);
        REQUIRE(len <= items[k].len);
        REQUIRE(lsm_utf8_valid(out, len));
        REQUIRE(items[k].escaped || len == items[k].len);
    }
    free(out);
}

static void check_text(const uint8_t *s, size_t n) {
    static const int paths[] = {LSM_SCAN_BEST, LSM_SCAN_WORDS, LSM_SCAN_SSE2, LSM_SCAN_AVX2};
    lsm_json_scan_t first;
    memset(&first, 0, sizeof first);
    bool have_first = false;
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        if (!lsm_json_scan_path_available(paths[p]))
            continue;
        lsm_json_scan_t scan;
        memset(&scan, 0, sizeof scan);
        if (lsm_json_scan_with(s, n, 0, &scan, paths[p]) != 0) {
            lsm_free(scan.strings.data);
            continue; /* out of memory */
        }
        if (have_first) {
            require_same(&scan, &first);
            lsm_free(scan.strings.data);
        } else {
            require_right(s, n, &scan);
            first = scan;
            have_first = true;
        }
    }
    lsm_free(first.strings.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_text(data, size);
    uint8_t *quoted = malloc(size + 1);
    if (!quoted)
        return 0;
    quoted[0] = '"';
    if (size)
        memcpy(quoted + 1, data, size);
    check_text(quoted, size + 1);
    free(quoted);
    return 0;
}
