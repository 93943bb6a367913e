/* JSON text read without yajl: a scan that finds every string of a
 * document and validates it (escapes, no raw control characters, strict
 * UTF-8), the unescaping of a string it validated, exact integers, and the
 * prefix ECMA-426 lets a map start with.
 *
 * yajl lexes a byte at a time, which is most of a parse when a map carries
 * megabytes of "sourcesContent". The scan finds string boundaries with
 * wide loads instead (16 bytes at a time with SSE2, 8 with plain 64-bit
 * words elsewhere), so that the reader can hand yajl the document with its
 * long string values elided and read those values in place. Where the
 * processor has AVX2 (asked at run time), 64 bytes at a time, escapes
 * included (see "64-byte blocks" below). */
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
 * there is none. Eight bytes at a time in plain 64-bit words: the path of
 * machines without SSE2, kept on every machine so that it is tested. */
static size_t next_special_words(const uint8_t *s, size_t i, size_t len) {
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
    while (i < len) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
        i++;
    }
    return len;
}

/* The escapes of one character other than \u, by the byte after the
 * backslash. */
static const bool SIMPLE_ESCAPE[256] = {
    ['"'] = true, ['\\'] = true, ['/'] = true, ['b'] = true,
    ['f'] = true, ['n'] = true, ['r'] = true, ['t'] = true,
};

#if defined(__SSE2__)
/* Bit k set when byte k of the 16 at p is a quote, a backslash, a control
 * character or non-ASCII. */
static inline unsigned special_mask_sse2(const uint8_t *p) {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    /* Signed compare: bytes >= 0x80 are negative, so "less than 0x20"
     * catches them and the control characters at once. */
    const __m128i space = _mm_set1_epi8(0x20);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                               _mm_cmplt_epi8(v, space));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* As next_special_words(), 16 bytes at a time. */
static size_t next_special_sse2(const uint8_t *s, size_t i, size_t len) {
    while (i + 16 <= len) {
        unsigned mask = special_mask_sse2(s + i);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    return next_special_words(s, i, len);
}

/* As next_special_sse2(), but steps over the escapes of one character
 * (source text has one on every line) without leaving the 16-byte block
 * they are in, setting *any_escape when it does. */
static size_t skip_plain_sse2(const uint8_t *s, size_t i, size_t len, bool *any_escape) {
    while (i + 16 <= len) {
        unsigned mask = special_mask_sse2(s + i);
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
    return next_special_sse2(s, i, len);
}
#endif

/* The portable path of skip_plain: escapes are looked at one by one. */
static size_t skip_plain_words(const uint8_t *s, size_t i, size_t len, bool *any_escape) {
    (void)any_escape;
    return next_special_words(s, i, len);
}

/* ------------------------------------------------- 64-byte blocks (AVX2)
 *
 * A block's bytes become bit masks (bit k for byte k), and which bytes are
 * escaped is worked out with integer arithmetic instead of a branch per
 * backslash: source text carries an escape every few dozen bytes, and a
 * branch on each one mispredicts often enough to dominate a byte loop.
 *
 * A byte is escaped when the run of backslashes just before it is odd.
 * Adding a run's first bit to the run carries through it and sets the
 * bit just past it; that bit's parity against the first bit's gives the
 * run's length parity. Runs starting on even and on odd bits are added
 * separately so that the parity test is one mask for each. A run that
 * reaches the block's last bit carries into the next block. */
#if defined(__x86_64__) && defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define LSM_HAVE_AVX2_PATH 1
#include <immintrin.h>

#define EVEN_BITS 0x5555555555555555ull

/* Bytes of an escape of one character, as a nibble table pair: a byte is
 * one when LOW[its low nibble] & HIGH[its high nibble] is not zero. Each
 * high nibble of the set (2, 5, 6, 7) owns a bit; LOW lists, for each low
 * nibble, the high nibbles it combines with: " / (2), \ (5), b f n (6),
 * r t (7). */
#define ESC_LOW 0, 0, 13, 0, 8, 0, 4, 0, 0, 0, 0, 0, 2, 0, 4, 1
#define ESC_HIGH 0, 0, 1, 0, 0, 2, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0

typedef struct {
    uint64_t ends, backslash, not_simple; /* ends: quotes, control and non-ASCII bytes */
} block_masks_t;

__attribute__((target("avx2"))) static inline void half_masks(const uint8_t *p, uint32_t out[3]) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i space = _mm256_set1_epi8(0x20);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i low_table = _mm256_setr_epi8(ESC_LOW, ESC_LOW);
    const __m256i high_table = _mm256_setr_epi8(ESC_HIGH, ESC_HIGH);
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    /* Signed compare: bytes >= 0x80 are negative, below 0x20 like the
     * control characters. */
    __m256i ends = _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpgt_epi8(space, v));
    __m256i lo = _mm256_shuffle_epi8(low_table, _mm256_and_si256(v, nibble));
    __m256i hi = _mm256_shuffle_epi8(high_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    __m256i not_simple = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
    out[0] = (uint32_t)_mm256_movemask_epi8(ends);
    out[1] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash));
    out[2] = (uint32_t)_mm256_movemask_epi8(not_simple);
}

__attribute__((target("avx2"))) static inline block_masks_t block_masks(const uint8_t *p) {
    uint32_t a[3], b[3];
    half_masks(p, a);
    half_masks(p + 32, b);
    block_masks_t m;
    m.ends = a[0] | (uint64_t)b[0] << 32;
    m.backslash = a[1] | (uint64_t)b[1] << 32;
    m.not_simple = a[2] | (uint64_t)b[2] << 32;
    return m;
}

/* As skip_plain_sse2(), 64 bytes at a time; the last 63 or fewer bytes
 * go to skip_plain_sse2(). */
__attribute__((target("avx2"))) static size_t skip_plain_avx2(const uint8_t *s, size_t i, size_t len,
                                                              bool *any_escape) {
    uint64_t carry = 0; /* 1 when the block's first byte is escaped */
    uint64_t seen = 0;  /* backslashes stepped over */
    while (i + 64 <= len) {
        block_masks_t m = block_masks(s + i);
        uint64_t runs = m.backslash & ~carry; /* an escaped backslash escapes nothing */
        uint64_t starts = runs & ~(runs << 1);
        uint64_t after_even = (runs + (starts & EVEN_BITS)) & ~runs;
        uint64_t after_odd;
        uint64_t next_carry = __builtin_add_overflow(runs, starts & ~EVEN_BITS, &after_odd);
        after_odd &= ~runs;
        uint64_t escaped = (after_even & ~EVEN_BITS) | (after_odd & EVEN_BITS) | carry;
        uint64_t stop = (m.ends & ~escaped) | (escaped & m.not_simple);
        if (stop) {
            unsigned j = (unsigned)__builtin_ctzll(stop);
            if (seen | (m.backslash & (((uint64_t)1 << j) - 1)))
                *any_escape = true;
            /* A bad or \u escape is looked at from its backslash, which
             * may be the previous block's last byte. */
            return i + j - (size_t)((escaped >> j) & 1);
        }
        seen |= m.backslash;
        carry = next_carry;
        i += 64;
    }
    if (seen)
        *any_escape = true;
    /* The rest starts at the backslash when the last block ended in one. */
    return skip_plain_sse2(s, i - (size_t)carry, len, any_escape);
}
#endif

/* Where the byte loop of a string goes next: past plain bytes and escapes
 * of one character to the first byte that needs a closer look. */
typedef size_t (*skip_plain_fn)(const uint8_t *s, size_t i, size_t len, bool *any_escape);

static skip_plain_fn skip_plain_for(int path) {
#if defined(LSM_HAVE_AVX2_PATH)
    if (path == LSM_SCAN_AVX2 || path == LSM_SCAN_BEST) {
        /* The compiler's runtime reads the processor's features in a
         * constructor, before any caller can reach this. */
        if (__builtin_cpu_supports("avx2"))
            return skip_plain_avx2;
    }
#endif
#if defined(__SSE2__)
    if (path != LSM_SCAN_WORDS)
        return skip_plain_sse2;
#endif
    (void)path;
    return skip_plain_words;
}

bool lsm_json_scan_path_available(int path) {
    switch (path) {
    case LSM_SCAN_BEST:
    case LSM_SCAN_WORDS:
        return true;
    case LSM_SCAN_SSE2:
#if defined(__SSE2__)
        return true;
#else
        return false;
#endif
#if defined(LSM_HAVE_AVX2_PATH)
    case LSM_SCAN_AVX2:
        return skip_plain_for(path) == skip_plain_avx2;
#endif
    default:
        return false;
    }
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
static int scan_string(const uint8_t *s, size_t len, size_t i, size_t *end, bool *escaped,
                       lsm_json_scan_t *scan, skip_plain_fn skip_plain) {
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
    return lsm_json_scan_with(s, len, min_len, scan, LSM_SCAN_BEST);
}

int lsm_json_scan_with(const uint8_t *s, size_t len, size_t min_len, lsm_json_scan_t *scan,
                       int path) {
    skip_plain_fn skip_plain = skip_plain_for(path);
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
        if (scan_string(s, len, open + 1, &end, &escaped, scan, skip_plain)) {
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

