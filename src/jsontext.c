/* JSON text read without yajl: a scan that finds every string of a
 * document and validates it (escapes, no raw control characters, strict
 * UTF-8), the unescaping of a string it validated, exact integers, and the
 * prefix ECMA-426 lets a map start with.
 *
 * yajl lexes a byte at a time, which is most of a parse when a map carries
 * megabytes of "sourcesContent". The scan finds string boundaries with
 * wide loads instead (16 bytes at a time with SSE2, 8 with plain 64-bit
 * words elsewhere), so that the reader can hand yajl the document with its
 * long string values elided and read those values in place. */
#include "jsontext.h"

#include <stdio.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the sequence length at s (1..4), or 0 when s[0..avail) does not
 * start with a valid sequence. s[0] must be >= 0x80. */
static size_t utf8_sequence(const uint8_t *s, size_t avail) {
    uint8_t c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* a surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

static int hex_value(uint8_t c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The code unit of "\uXXXX" at s (s[0] == '\\'), or -1. */
static int32_t u_escape(const uint8_t *s, size_t avail) {
    if (avail < 6 || s[1] != 'u')
        return -1;
    int32_t v = 0;
    for (int k = 2; k < 6; k++) {
        int h = hex_value(s[k]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* Offset of the first byte at or after s[i] that needs a closer look: a
 * quote, a backslash, a control character or a non-ASCII byte; `len` when
 * there is none. */
static size_t next_special(const uint8_t *s, size_t i, size_t len) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    /* Signed compare: bytes >= 0x80 are negative, so "less than 0x20"
     * catches them and the control characters at once. */
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#else
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        /* A zero byte in q or b, a byte below 0x20, or a high bit. */
        uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
        if (hit & highs)
            break; /* the exact byte is found below */
        i += 8;
    }
#endif
    while (i < len) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
        i++;
    }
    return len;
}

static int string_error(lsm_json_scan_t *scan, int code, size_t at, const char *what) {
    scan->code = code;
    scan->error_offset = at;
    snprintf(scan->message, sizeof scan->message, "%s", what);
    return code;
}

/* Scans the string whose content starts at s[i] (just past its opening
 * quote) up to its closing quote, validating it. Returns 0 with *end at the
 * closing quote and *escaped set, or an error code recorded in `scan`. */
/* The escapes of one character other than \u, by the byte after the
 * backslash. */
static const bool SIMPLE_ESCAPE[256] = {
    ['"'] = true, ['\\'] = true, ['/'] = true, ['b'] = true,
    ['f'] = true, ['n'] = true, ['r'] = true, ['t'] = true,
};

/* As next_special(), but steps over the escapes of one character (source
 * text has one on every line) without leaving the 16-byte block they are
 * in, setting *any_escape when it does. */
static size_t skip_plain(const uint8_t *s, size_t i, size_t len, bool *any_escape) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        size_t next = i + 16;
        while (mask) {
            unsigned j = (unsigned)__builtin_ctz(mask);
            size_t at = i + j;
            if (s[at] != '\\' || at + 1 >= len || !SIMPLE_ESCAPE[s[at + 1]])
                return at;
            *any_escape = true;
            if (j == 15) {
                next = at + 2; /* the escaped byte starts the next block */
                break;
            }
            mask &= ~(3u << j);
        }
        i = next;
    }
#endif
    return next_special(s, i, len);
}

static int scan_string(const uint8_t *s, size_t len, size_t i, size_t *end, bool *escaped,
                       lsm_json_scan_t *scan) {
    bool any_escape = false;
    for (;;) {
        i = skip_plain(s, i, len, &any_escape);
        if (i >= len)
            return string_error(scan, LSM_ERR_JSON, len, "premature end of JSON inside a string");
        uint8_t c = s[i];
        if (c == '"') {
            *end = i;
            *escaped = any_escape;
            return 0;
        }
        if (c == '\\') {
            any_escape = true;
            if (i + 1 >= len)
                return string_error(scan, LSM_ERR_JSON, len, "premature end of JSON inside a string");
            switch (s[i + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                i += 2;
                continue;
            case 'u':
                break;
            default:
                return string_error(scan, LSM_ERR_JSON, i, "invalid escape in a string");
            }
            int32_t unit = u_escape(s + i, len - i);
            if (unit < 0)
                return string_error(scan, LSM_ERR_JSON, i, "invalid \\u escape in a string");
            if (unit >= 0xDC00 && unit <= 0xDFFF)
                return string_error(scan, LSM_ERR_INVALID_UTF8, i,
                                    "a \\u escape is a lone low surrogate");
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                int32_t low = i + 6 < len && s[i + 6] == '\\' ? u_escape(s + i + 6, len - i - 6) : -1;
                if (low < 0xDC00 || low > 0xDFFF)
                    return string_error(scan, LSM_ERR_INVALID_UTF8, i,
                                        "a \\u escape is a lone high surrogate");
                i += 12;
            } else {
                i += 6;
            }
            continue;
        }
        if (c < 0x20)
            return string_error(scan, LSM_ERR_JSON, i, "a control character inside a string");
        size_t n = utf8_sequence(s + i, len - i);
        if (!n)
            return string_error(scan, LSM_ERR_INVALID_UTF8, i, "a string is not valid UTF-8");
        i += n;
    }
}

/* True when the next byte after s[i] that is not JSON white space is ':'
 * (the string that ended at i - 1 is an object key). */
static bool key_follows(const uint8_t *s, size_t len, size_t i) {
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i < len && s[i] == ':';
}

/* yajl also takes \v and \f as white space, which JSON (and every peer's
 * parser) does not: the first one in s[i, stop), or `stop`. Only the text
 * between strings is looked at, which is little of a map. */
static size_t loose_space(const uint8_t *s, size_t i, size_t stop) {
    for (; i < stop; i++)
        if (s[i] == '\v' || s[i] == '\f')
            return i;
    return stop;
}

int lsm_json_scan(const uint8_t *s, size_t len, size_t min_len, lsm_json_scan_t *scan) {
    scan->code = 0;
    scan->error_offset = 0;
    scan->error_string = len;
    scan->message[0] = 0;
    scan->strings.len = 0;
    size_t i = 0;
    for (;;) {
        const uint8_t *q = i < len ? memchr(s + i, '"', len - i) : NULL;
        size_t stop = q ? (size_t)(q - s) : len;
        size_t bad = loose_space(s, i, stop);
        if (bad < stop) {
            /* The text is good up to here, as after a bad string. */
            string_error(scan, LSM_ERR_JSON, bad, "a vertical tab or form feed outside a string");
            scan->error_string = bad;
            return 0;
        }
        if (!q)
            return 0;
        size_t open = stop, end = 0;
        bool escaped = false;
        if (scan_string(s, len, open + 1, &end, &escaped, scan)) {
            scan->error_string = open;
            return 0;
        }
        size_t n = end - (open + 1);
        if (n >= min_len && !key_follows(s, len, end + 1)) {
            lsm_json_long_t item = {open + 1, n, escaped};
            if (lsm_buf_append(&scan->strings, &item, sizeof item))
                return LSM_ERR_NOMEM;
        }
        i = end + 1;
    }
}

size_t lsm_json_unescape(const uint8_t *s, size_t len, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const uint8_t *bs = memchr(s + i, '\\', len - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : len - i;
        memmove(out + o, s + i, run);
        o += run;
        i += run;
        if (i >= len)
            break;
        uint8_t e = s[i + 1];
        if (e != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            out[o++] = (uint8_t)to[strchr(from, e) - from];
            i += 2;
            continue;
        }
        uint32_t cp = (uint32_t)u_escape(s + i, len - i);
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = (uint32_t)u_escape(s + i, len - i);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
        }
        if (cp < 0x80) {
            out[o++] = (uint8_t)cp;
        } else if (cp < 0x800) {
            out[o++] = (uint8_t)(0xC0 | cp >> 6);
            out[o++] = (uint8_t)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (uint8_t)(0xE0 | cp >> 12);
            out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (uint8_t)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (uint8_t)(0xF0 | cp >> 18);
            out[o++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (uint8_t)(0x80 | (cp & 0x3F));
        }
    }
    return o;
}

/* ------------------------------------------------------------- numbers */

/* Evaluates a JSON number exactly, without the C library's locale-bound
 * conversions. Returns 1 with *out set when it is an integer in
 * 0..limit, 0 when it is not an integer (or negative), 2 when it is an
 * integer above limit. */
int lsm_json_uint(const char *s, size_t n, uint64_t limit, uint64_t *out) {
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

/* -------------------------------------------------------------- prefix */

/* ECMA-426 lets a map start with a byte order mark and with a ")]}'" line
 * that protects it from being run as script. */
size_t lsm_json_prefix_length(const char *s, size_t len) {
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i >= 4 && memcmp(s + i, ")]}'", 4) == 0) {
        const char *nl = memchr(s + i, '\n', len - i);
        i = nl ? (size_t)(nl - s) + 1 : len;
    }
    return i;
}

