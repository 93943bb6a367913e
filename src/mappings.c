/* The "mappings" string: base64 VLQ segments, ',' between segments and ';'
 * between generated lines (ECMA-426, "Mappings structure"). */
#include "mappings.h"

#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Base64 digit value plus one; 0 marks a character that is not a digit. */
static const uint8_t BASE64[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 63,  0,  0,  0, 64,
    53, 54, 55, 56, 57, 58, 59, 60, 61, 62,  0,  0,  0,  0,  0,  0,
     0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,  0,  0,  0,  0,  0,
     0, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
    42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
};

#define VLQ_CONTINUE 32
#define VLQ_MASK 31
/* The largest absolute value a field may reach: LSM_NO_ID stays free. */
#define FIELD_MAX 4294967294u

int lsm_base64_digit(unsigned char c) {
    return (int)BASE64[c] - 1;
}

/* Reads one VLQ value at s[*pos]. ECMA-426 allows any number of digits
 * but fails a value whose unsigned form reaches 2^32; "-0" stands for
 * -2^31. */
static int read_vlq_slow(const uint8_t *s, size_t len, size_t *pos, int64_t *out) {
    uint64_t value = 0;
    unsigned shift = 0;
    size_t i = *pos;
    for (;;) {
        if (i >= len) {
            *pos = i;
            return LSM_ERR_VLQ_UNTERMINATED;
        }
        unsigned digit = BASE64[s[i]];
        if (digit == 0) {
            *pos = i;
            return (s[i] == ',' || s[i] == ';') ? LSM_ERR_VLQ_UNTERMINATED
                                                : LSM_ERR_VLQ_INVALID_DIGIT;
        }
        digit -= 1;
        i++;
        if (digit & VLQ_MASK) {
            if (shift >= 32) {
                *pos = i - 1;
                return LSM_ERR_VLQ_OVERFLOW;
            }
            value |= (uint64_t)(digit & VLQ_MASK) << shift;
        }
        if (!(digit & VLQ_CONTINUE))
            break;
        if (shift < 32)
            shift += 5;
    }
    if (value >= ((uint64_t)1 << 32)) {
        *pos = i - 1;
        return LSM_ERR_VLQ_OVERFLOW;
    }
    int64_t magnitude = (int64_t)(value >> 1);
    *pos = i;
    if (value & 1)
        *out = magnitude == 0 ? -((int64_t)1 << 31) : -magnitude;
    else
        *out = magnitude;
    return 0;
}

/* The common case without error checks: values of up to seven digits.
 * The byte after the string is never a base64 digit (the JSON text's
 * closing quote, or the NUL after a copy), so no bounds check is needed
 * before the first non-digit; anything unusual goes to read_vlq_slow. */
static inline __attribute__((always_inline)) int read_vlq(const uint8_t *s, size_t len,
                                                         size_t *pos, int64_t *out) {
    size_t i = *pos;
    uint64_t value = 0;
    for (unsigned shift = 0; shift <= 30; shift += 5) {
        unsigned digit = BASE64[s[i]] - 1u; /* wraps for non-digits */
        if (digit >= 64)
            break;
        i++;
        value |= (uint64_t)(digit & VLQ_MASK) << shift;
        if (!(digit & VLQ_CONTINUE)) {
            if (value >= ((uint64_t)1 << 32))
                break;
            int64_t magnitude = (int64_t)(value >> 1);
            *pos = i;
            *out = (value & 1) ? (magnitude == 0 ? -((int64_t)1 << 31) : -magnitude) : magnitude;
            return 0;
        }
    }
    return read_vlq_slow(s, len, pos, out);
}

static int field_error(lsm_error_t *err, int code, size_t pos, uint32_t line, uint32_t seg,
                       const char *what) {
    lsm_set_error(err, code, "%s at generated line %u, segment %u", what, line, seg);
    if (err) {
        err->offset = (int64_t)pos;
        err->line = line;
        err->segment = seg;
    }
    return code;
}

static const char *vlq_message(int code) {
    switch (code) {
    case LSM_ERR_VLQ_INVALID_DIGIT: return "invalid base64 VLQ digit in mappings";
    case LSM_ERR_VLQ_UNTERMINATED: return "VLQ value ends without its continuation";
    default: return "VLQ value exceeds 32 bits";
    }
}

/* Adds a delta to an absolute field, which must stay in 0..FIELD_MAX. */
static int accumulate(int64_t *field, int64_t delta) {
    int64_t v = *field + delta;
    if (v < 0)
        return LSM_ERR_NEGATIVE_VALUE;
    if (v > (int64_t)FIELD_MAX)
        return LSM_ERR_VLQ_OVERFLOW;
    *field = v;
    return 0;
}

static const char *const FIELD_NAMES[F_COUNT] = {"generated column", "original line",
                                                 "original column", "source index",
                                                 "name index"};

/* The scan that says exactly what is wrong and where; fast_scan() hands
 * it every string that is not plainly valid. */
int lsm_mappings_scan_exact(const char *text, size_t len, uint32_t source_count,
                            uint32_t name_count, lsm_mappings_stats_t *st, lsm_error_t *err) {
    const uint8_t *s = (const uint8_t *)text;
    memset(st, 0, sizeof *st);
    /* Absolute values in record order; src_id and name_id carry over lines. */
    int64_t abs[F_COUNT] = {0, 0, 0, 0, 0};
    uint32_t line = 0, seg = 0;
    size_t pos = 0;
    bool after_comma = false;
    while (pos < len) {
        if (s[pos] == ';' || s[pos] == ',') {
            /* The grammar has no empty segment: a ',' must follow a segment
             * and precede another. */
            if (after_comma || s[pos] == ',')
                return field_error(err, LSM_ERR_SEGMENT_LENGTH, pos, line, seg,
                                   "empty segment");
        }
        if (s[pos] == ';') {
            if (line == FIELD_MAX)
                return field_error(err, LSM_ERR_TOO_LARGE, pos, line, seg,
                                   "more than 2^32 - 2 generated lines");
            line++;
            seg = 0;
            abs[F_DST_COL] = 0;
            pos++;
            continue;
        }
        int64_t v[F_COUNT];
        int n = 0;
        size_t seg_start = pos;
        /* Relies on the non-digit after the end, as read_vlq does. */
        while (BASE64[s[pos]]) {
            if (n == F_COUNT)
                return field_error(err, LSM_ERR_SEGMENT_LENGTH, seg_start, line, seg,
                                   "segment has more than 5 fields");
            size_t at = pos;
            int rc = read_vlq(s, len, &pos, &v[n]);
            if (rc)
                return field_error(err, rc, rc == LSM_ERR_VLQ_OVERFLOW ? at : pos, line, seg,
                                   vlq_message(rc));
            n++;
        }
        if (pos < len && s[pos] != ',' && s[pos] != ';')
            return field_error(err, LSM_ERR_VLQ_INVALID_DIGIT, pos, line, seg,
                               vlq_message(LSM_ERR_VLQ_INVALID_DIGIT));
        if (n == 2 || n == 3)
            return field_error(err, LSM_ERR_SEGMENT_LENGTH, seg_start, line, seg,
                               n == 2 ? "segment has 2 fields" : "segment has 3 fields");
        int order[F_COUNT] = {F_DST_COL, F_SRC_ID, F_SRC_LINE, F_SRC_COL, F_NAME_ID};
        for (int i = 0; i < n; i++) {
            int f = order[i];
            int rc = accumulate(&abs[f], v[i]);
            if (rc) {
                char what[64];
                snprintf(what, sizeof what, "%s %s", FIELD_NAMES[f],
                         rc == LSM_ERR_NEGATIVE_VALUE ? "is negative" : "exceeds 32 bits");
                return field_error(err, rc, seg_start, line, seg, what);
            }
        }
        if (abs[F_DST_COL] > st->max[F_DST_COL])
            st->max[F_DST_COL] = (uint32_t)abs[F_DST_COL];
        if (n > 1) {
            for (int f = F_SRC_LINE; f <= F_SRC_COL; f++)
                if (abs[f] > st->max[f])
                    st->max[f] = (uint32_t)abs[f];
            /* Ids are stored plus one; FIELD_MAX keeps that within 32 bits. */
            if (abs[F_SRC_ID] + 1 > st->max[F_SRC_ID])
                st->max[F_SRC_ID] = (uint32_t)abs[F_SRC_ID] + 1;
            if (n == 5 && abs[F_NAME_ID] + 1 > st->max[F_NAME_ID])
                st->max[F_NAME_ID] = (uint32_t)abs[F_NAME_ID] + 1;
            if (abs[F_SRC_ID] >= source_count)
                return field_error(err, LSM_ERR_SOURCE_OUT_OF_RANGE, seg_start, line, seg,
                                   "source index out of range");
            if (n == 5 && abs[F_NAME_ID] >= name_count)
                return field_error(err, LSM_ERR_NAME_OUT_OF_RANGE, seg_start, line, seg,
                                   "name index out of range");
        }
        if (line != st->last_line || st->segments == 0)
            st->last_line_max_col = 0;
        if (abs[F_DST_COL] > st->last_line_max_col)
            st->last_line_max_col = (uint32_t)abs[F_DST_COL];
        st->segments++;
        st->last_line = line;
        seg++;
        after_comma = pos < len && s[pos] == ',';
        if (after_comma)
            pos++;
    }
    if (after_comma)
        return field_error(err, LSM_ERR_SEGMENT_LENGTH, pos, line, seg, "empty segment");
    return 0;
}

/* ------------------------------------------------------------ fast path */

/* Decodes the values of the segment at s[*pos] into v[0..*n) and moves
 * *pos past them. Only plainly valid segments are handled: false for a
 * value of more than 7 digits, beyond 32 bits or "-0", more than 5 fields,
 * or a digit run that ends in a continuation; the callers then take the
 * exact path. Relies on the non-digit after the string, as read_vlq
 * does. */
static inline __attribute__((always_inline)) bool fast_segment(const uint8_t *s, size_t *pos,
                                                              int64_t v[F_COUNT], int *n) {
    size_t p = *pos;
    int k = 0;
    for (;;) {
        unsigned d = BASE64[s[p]] - 1u;
        if (d >= 64)
            break;
        p++;
        uint64_t value = d & VLQ_MASK;
        if (d & VLQ_CONTINUE) {
            unsigned shift = 5;
            for (;;) {
                d = BASE64[s[p]] - 1u;
                if (d >= 64 || shift > 30)
                    return false;
                p++;
                value |= (uint64_t)(d & VLQ_MASK) << shift;
                if (!(d & VLQ_CONTINUE))
                    break;
                shift += 5;
            }
            if (value >= ((uint64_t)1 << 32))
                return false;
        }
        if (k == F_COUNT || value == 1)
            return false;
        int64_t magnitude = (int64_t)(value >> 1);
        v[k++] = (value & 1) ? -magnitude : magnitude;
    }
    *pos = p;
    *n = k;
    return true;
}

/* Base64 digit values for the fast paths; 255 marks a non-digit. */
static const uint8_t DIGIT[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
     52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255, 255, 255, 255,
    255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
     15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
    255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
     41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/* What the fast paths need to know about the two bytes at the start of a
 * value, in one load: PAIR[b0 + 256 * b1] for ASCII bytes b0 and b1 holds
 * the value of a one-digit value (b0 without continuation) or of a
 * two-digit one (b0 with, b1 without), times 4, or one of these flags
 * with nothing else: */
#define PAIR_NOT_DIGIT 1 /* b0 is not a base64 digit */
#define PAIR_LONG 2      /* three digits or more, b1 not a digit, or "-0" */
/* A digit's value without continuation, and the raw form of two digits
 * (d1 masked only to keep the expression defined where it is not used). */
#define PAIR_VALUE(raw) ((raw) & 1 ? -((raw) >> 1) : (raw) >> 1)
#define PAIR_RAW2(d0, d1) (((d0) & 31) | ((d1) & 63) << 5)
#define PAIR_CELL(d0, d1)                                                                    \
    ((d0) < 0 ? PAIR_NOT_DIGIT                                                               \
     : !((d0) & 32) ? ((d0) == 1 ? PAIR_LONG : PAIR_VALUE(d0) * 4)                           \
     : ((d1) < 0 || ((d1) & 32) || PAIR_RAW2(d0, d1) == 1) ? PAIR_LONG                       \
                                                            : PAIR_VALUE(PAIR_RAW2(d0, d1)) * 4),
/* X(digit value or -1, a) for each ASCII code in order. */
#define PAIR_COLUMNS(X, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(62, a) X(-1, a) X(-1, a) X(-1, a) X(63, a) \
    X(52, a) X(53, a) X(54, a) X(55, a) X(56, a) X(57, a) X(58, a) X(59, a) \
    X(60, a) X(61, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(0, a) X(1, a) X(2, a) X(3, a) X(4, a) X(5, a) X(6, a) \
    X(7, a) X(8, a) X(9, a) X(10, a) X(11, a) X(12, a) X(13, a) X(14, a) \
    X(15, a) X(16, a) X(17, a) X(18, a) X(19, a) X(20, a) X(21, a) X(22, a) \
    X(23, a) X(24, a) X(25, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(26, a) X(27, a) X(28, a) X(29, a) X(30, a) X(31, a) X(32, a) \
    X(33, a) X(34, a) X(35, a) X(36, a) X(37, a) X(38, a) X(39, a) X(40, a) \
    X(41, a) X(42, a) X(43, a) X(44, a) X(45, a) X(46, a) X(47, a) X(48, a) \
    X(49, a) X(50, a) X(51, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a)
#define PAIR_ZERO8 0, 0, 0, 0, 0, 0, 0, 0,
#define PAIR_ZERO128 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 \
    PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 PAIR_ZERO8 \
    PAIR_ZERO8 PAIR_ZERO8
/* A row: every b0 for one b1; b0 from 128 on is never looked up. */
#define PAIR_ROW(d1) PAIR_COLUMNS(PAIR_CELL, d1) PAIR_ZERO128
/* X(digit value or -1) for each ASCII code: the same list for the rows
 * (a macro cannot expand inside itself). */
#define PAIR_ROWS(X) \
    X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(-1) X(-1) X(62) X(-1) X(-1) X(-1) X(63) \
    X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) \
    X(60) X(61) X(-1) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(0) X(1) X(2) X(3) X(4) X(5) X(6) \
    X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) \
    X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) \
    X(23) X(24) X(25) X(-1) X(-1) X(-1) X(-1) X(-1) \
    X(-1) X(26) X(27) X(28) X(29) X(30) X(31) X(32) \
    X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) \
    X(41) X(42) X(43) X(44) X(45) X(46) X(47) X(48) \
    X(49) X(50) X(51) X(-1) X(-1) X(-1) X(-1) X(-1)

/* 64 KiB, of which the fast paths touch the 80 x 80 entries of the
 * characters that occur in mappings. Bytes from 0x80 on are folded onto
 * ASCII by the index mask: the scan rejects them through its window. */
static const int16_t PAIR[128 * 256] = {PAIR_ROWS(PAIR_ROW)};

/* Fast-path values are read with an arithmetic shift. */
_Static_assert((-8 >> 2) == -2, "right shift of a negative value must be arithmetic");

#define PAIR_AT(q) ((int)PAIR[((unsigned)(q)[0] | (unsigned)(q)[1] << 8) & 0x7f7f])

static inline bool is_digit(uint8_t c) {
    return DIGIT[c] < 64;
}

/* A value of exactly three digits at *pp, the commonest of those PAIR
 * leaves to the slow paths (2.6% of monaco-esbuild's values), read
 * inline: the general loop's exit mispredicts. */
static inline __attribute__((always_inline)) bool three_digits(const uint8_t **pp,
                                                              uint64_t *out) {
    const uint8_t *p = *pp;
    unsigned d0 = DIGIT[p[0]], d1 = DIGIT[p[1]], d2 = DIGIT[p[2]];
    if (d0 >= 64 || !(d0 & d1 & VLQ_CONTINUE) || d1 >= 64 || d2 >= 32)
        return false;
    *out = (d0 & VLQ_MASK) | (d1 & VLQ_MASK) << 5 | d2 << 10;
    *pp = p + 3;
    return true;
}

/* A value of three digits or more at *pp for the fast scan: false unless
 * it is plainly valid (at most 7 digits, below 2^32, terminated). */
static bool long_value(const uint8_t **pp, uint64_t *out) {
    const uint8_t *p = *pp;
    uint64_t value = 0;
    for (unsigned shift = 0; shift <= 30; shift += 5) {
        unsigned d = DIGIT[*p];
        if (d >= 64)
            return false;
        p++;
        value |= (uint64_t)(d & VLQ_MASK) << shift;
        if (!(d & VLQ_CONTINUE)) {
            if (value >= ((uint64_t)1 << 32))
                return false;
            *pp = p;
            *out = value;
            return true;
        }
    }
    return false;
}

/* The fast paths read continuation bits from a window of 64 bytes
 * computed ahead, so that the step from one value to the next is a shift
 * and an add rather than a load and a compare. A window is moved to the
 * current byte at a segment's start once more than WINDOW_REFILL bytes of
 * it are used (a segment of five two-digit values fits in the rest), or
 * after a long value. A window starts only where at least
 * TAIL_SIZE - WINDOW - 16 bytes of the string follow; nearer the end the
 * rest is copied into `tail`, padded with '"'. Either way the 64 bytes of
 * the window and the few a value may read past its last bit (a segment
 * starts at most WINDOW_REFILL bytes in) are readable, and the string's
 * end is still followed by a non-digit that is not ','. */
#define WINDOW 64
#define WINDOW_REFILL 48
#define TAIL_SIZE 192

typedef struct window {
    const uint8_t *base;
    uint64_t cont;      /* bit i: base[i] is below 'A' or from 'g' on */
    uint64_t high;      /* bit i: base[i] is 0x80 or more */
    const uint8_t *end; /* the string's end; in `tail` once copied */
    bool in_tail;
    uint8_t tail[TAIL_SIZE];
} window_t;

/* For a base64 digit, a continuation is exactly a byte below 'A' or from
 * 'g' on. Reads q[0..63]. */
static inline uint64_t cont_bits(const uint8_t *q) {
#ifdef __SSE2__
    const __m128i a = _mm_set1_epi8('A'), lim = _mm_set1_epi8('g' - 'A');
    uint64_t m = 0;
    for (int i = 0; i < 4; i++) {
        __m128i x = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(q + 16 * i)), a);
        __m128i ge = _mm_cmpeq_epi8(_mm_max_epu8(x, lim), x); /* x >= lim, unsigned */
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(ge) << (16 * i);
    }
    return m;
#else
    uint64_t m = 0;
    for (int i = 0; i < WINDOW; i++)
        m |= (uint64_t)((uint8_t)(q[i] - 'A') >= 'g' - 'A') << i;
    return m;
#endif
}

/* Bytes from 0x80 on, in q[0..63]. */
static inline uint64_t high_bits(const uint8_t *q) {
#ifdef __SSE2__
    uint64_t m = 0;
    for (int i = 0; i < 4; i++)
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(
                 _mm_loadu_si128((const __m128i *)(const void *)(q + 16 * i)))
             << (16 * i);
    return m;
#else
    uint64_t m = 0;
    for (int i = 0; i < WINDOW; i++)
        m |= (uint64_t)(q[i] >> 7) << i;
    return m;
#endif
}

/* Moves the window to p and returns p, which is in `tail` from the
 * switch on. */
static const uint8_t *window_at(window_t *w, const uint8_t *p) {
    if (!w->in_tail && (size_t)(w->end - p) < TAIL_SIZE - WINDOW - 16) {
        size_t n = (size_t)(w->end - p);
        memcpy(w->tail, p, n);
        memset(w->tail + n, '"', TAIL_SIZE - n);
        p = w->tail;
        w->end = w->tail + n;
        w->in_tail = true;
    }
    w->base = p;
    w->cont = cont_bits(p);
    w->high = high_bits(p);
    return p;
}

#define WINDOW_START(s, len)                                                                 \
    window_t w_;                                                                             \
    w_.end = (s) + (len);                                                                    \
    w_.in_tail = false;                                                                      \
    const uint8_t *p = window_at(&w_, (s)), *end = w_.end, *wbase = w_.base;                 \
    uint64_t wcont = w_.cont, wm = wcont

#define WINDOW_MOVE()                                                                        \
    do {                                                                                     \
        p = window_at(&w_, p);                                                               \
        end = w_.end;                                                                        \
        wbase = w_.base;                                                                     \
        wcont = w_.cont;                                                                     \
        wm = wcont;                                                                          \
    } while (0)

#define WINDOW_CHECK()                                                                       \
    do {                                                                                     \
        if (__builtin_expect(p - wbase > WINDOW_REFILL, 0))                                  \
            WINDOW_MOVE();                                                                   \
    } while (0)

/* `wm` is the window's mask shifted to p: bit 0 is p's continuation bit.
 * Every step of p shifts it along, so that the next value's bit is one
 * AND away instead of a subtraction and a shift by p - wbase: that chain
 * from one value to the next is what the fast paths wait on. Only the
 * window's 64 bits are meaningful; p stays within them (see above). */
#define WINDOW_STEP(n)                                                                       \
    do {                                                                                     \
        p += (n);                                                                            \
        wm = (wm >> 1) >> ((n)-1);                                                           \
    } while (0)

/* WINDOW_CHECK after p moved by other means (a long value). */
#define WINDOW_SYNC()                                                                        \
    do {                                                                                     \
        if (__builtin_expect(p - wbase > WINDOW_REFILL, 0))                                  \
            WINDOW_MOVE();                                                                   \
        else                                                                                 \
            wm = wcont >> (p - wbase);                                                       \
    } while (0)

/* The scan's WINDOW_CHECK and WINDOW_SYNC also leave for the exact scan
 * at any byte from 0x80 on, which PAIR_AT would read as ASCII. */
#define SCAN_WINDOW_CHECK()                                                                  \
    do {                                                                                     \
        if (__builtin_expect(p - wbase > WINDOW_REFILL, 0)) {                                \
            WINDOW_MOVE();                                                                   \
            if (w_.high)                                                                     \
                goto slow;                                                                   \
        }                                                                                    \
    } while (0)
#define SCAN_WINDOW_SYNC()                                                                   \
    do {                                                                                     \
        SCAN_WINDOW_CHECK();                                                                 \
        wm = wcont >> (p - wbase);                                                           \
    } while (0)

/* Adds the value at p (an int64_t) to `field` in the fast scan, and moves
 * p past it. One and two digits, nearly all values, are one PAIR entry
 * and take no data-dependent branch; the second byte is read either way:
 * the byte after a digit is always readable (see read_vlq). Anything
 * unusual jumps to `slow`. */
#define SCAN_VALUE(field)                                                                    \
    do {                                                                                     \
        int e_ = PAIR_AT(p);                                                                 \
        unsigned cont_ = (unsigned)wm & 1;                                                   \
        if (__builtin_expect(e_ & (PAIR_NOT_DIGIT | PAIR_LONG), 0)) {                        \
            uint64_t r_;                                                                     \
            if ((e_ & PAIR_NOT_DIGIT) || !(three_digits(&p, &r_) || long_value(&p, &r_)))    \
                goto slow;                                                                   \
            (field) += vlq_value(r_);                                                        \
            SCAN_WINDOW_SYNC();                                                              \
        } else {                                                                             \
            (field) += e_ >> 2;                                                              \
            WINDOW_STEP(1 + cont_);                                                          \
        }                                                                                    \
    } while (0)

/* The signed value of a VLQ form below 2^32; "-0" is -2^31. */
static inline int64_t vlq_value(uint64_t raw) {
    int64_t neg = -(int64_t)(raw & 1);
    return raw == 1 ? -((int64_t)1 << 31) : ((int64_t)(raw >> 1) ^ neg) - neg;
}

#define MAX64(a, b) ((b) > (a) ? (b) : (a))

/* The scan for strings without errors: one branch-light loop. Returns 0,
 * or -1 when the string needs the exact scan (an error, or a rare form). */
static int fast_scan(const uint8_t *s, size_t len, lsm_mappings_stats_t *st) {
    /* The range checks are made once a line, on the maxima: with fewer
     * than 2^31 bytes the sums cannot leave int64_t in between. */
    if (len >= ((size_t)1 << 31))
        return -1;
    WINDOW_START(s, len);
    if (w_.high)
        goto slow;
    int64_t col = 0, src = 0, sl = 0, sc = 0, nm = 0;
    /* Unsigned, so that a negative value makes its maximum too large. */
    uint64_t line_max = 0, max_col = 0, max_src = 0, max_sl = 0, max_sc = 0, max_nm = 0;
    uint64_t last_line_max = 0;
    uint32_t line = 0, last_line = 0;
    uint64_t segments = 0, line_start = 0;
    bool any_src = false, any_name = false;
    while (p < end) {
        SCAN_WINDOW_CHECK();
        if (*p == ';') {
            /* An OR of valid values can reach 2^32 - 1 too; the exact
             * scan sorts that out. */
            if ((line_max | max_src | max_sl | max_sc | max_nm) > FIELD_MAX)
                goto slow;
            /* The line's figures are kept when it had segments. */
            if (segments != line_start) {
                last_line = line;
                last_line_max = line_max;
                max_col = MAX64(max_col, line_max);
                line_start = segments;
            }
            line_max = 0;
            if (line == FIELD_MAX)
                goto slow;
            line++;
            col = 0;
            WINDOW_STEP(1);
            continue;
        }
        /* The segments of one line. After a ',' the next segment's first
         * digit is read at once: a ';', another ',' or the end there (the
         * byte after the string is never ',') fails it. */
        for (;;) {
            SCAN_VALUE(col);
            if (is_digit(*p)) {
                SCAN_VALUE(src);
                SCAN_VALUE(sl);
                SCAN_VALUE(sc);
                any_src = true;
                if (is_digit(*p)) {
                    SCAN_VALUE(nm);
                    any_name = true;
                    max_nm = MAX64(max_nm, (uint64_t)nm);
                }
                max_src = MAX64(max_src, (uint64_t)src);
                max_sl = MAX64(max_sl, (uint64_t)sl);
                max_sc = MAX64(max_sc, (uint64_t)sc);
            }
            line_max = MAX64(line_max, (uint64_t)col);
            segments++;
            if (*p != ',')
                break;
            WINDOW_STEP(1);
            SCAN_WINDOW_CHECK();
        }
        if (p != end && *p != ';')
            goto slow;
    }
    if ((line_max | max_src | max_sl | max_sc | max_nm) > FIELD_MAX)
        goto slow;
    if (segments != line_start) {
        last_line = line;
        last_line_max = line_max;
        max_col = MAX64(max_col, line_max);
    }
    st->segments = segments;
    st->last_line = last_line;
    st->last_line_max_col = (uint32_t)last_line_max;
    st->max[F_DST_COL] = (uint32_t)max_col;
    st->max[F_SRC_LINE] = (uint32_t)max_sl;
    st->max[F_SRC_COL] = (uint32_t)max_sc;
    st->max[F_SRC_ID] = any_src ? (uint32_t)max_src + 1 : 0;
    st->max[F_NAME_ID] = any_name ? (uint32_t)max_nm + 1 : 0;
    return 0;
slow:
    return -1;
}

int lsm_mappings_scan(const char *text, size_t len, uint32_t source_count, uint32_t name_count,
                      lsm_mappings_stats_t *st, lsm_error_t *err) {
    memset(st, 0, sizeof *st);
    if (fast_scan((const uint8_t *)text, len, st) == 0 && st->max[F_SRC_ID] <= source_count &&
        st->max[F_NAME_ID] <= name_count) {
        lsm_clear_error(err);
        return 0;
    }
    return lsm_mappings_scan_exact(text, len, source_count, name_count, st, err);
}

/* ------------------------------------------------------------ pass two */

typedef struct unpacked {
    uint32_t f[F_COUNT];
} unpacked_t;

/* Stable merge sort by generated column; lines out of order are rare, so
 * this is off the hot path. */
static void merge_sort(unpacked_t *a, unpacked_t *tmp, size_t n) {
    if (n < 2)
        return;
    size_t mid = n / 2;
    merge_sort(a, tmp, mid);
    merge_sort(a + mid, tmp, n - mid);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n)
        tmp[k++] = a[j].f[F_DST_COL] < a[i].f[F_DST_COL] ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Stores the partial word so that the records in memory are complete. */
static void sink_flush(lsm_token_sink_t *sink) {
    if (sink->acc_bits)
        lsm_wr64(sink->records + sink->word * 8, sink->acc);
}

static int sort_line(lsm_token_sink_t *sink, uint64_t start) {
    size_t n = (size_t)(sink->count - start);
    unpacked_t *a = lsm_malloc(2 * n * sizeof *a);
    if (!a)
        return LSM_ERR_NOMEM;
    sink_flush(sink);
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < F_COUNT; f++)
            a[i].f[f] = lsm_field(sink->records, sink->packing, start + i, f);
    merge_sort(a, a + n, n);
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < F_COUNT; f++)
            lsm_store_field(sink->records, sink->packing, start + i, f, a[i].f[f]);
    /* The partial word now holds the sorted bits. */
    sink->acc = lsm_rd64(sink->records + sink->word * 8);
    lsm_free(a);
    return 0;
}

static int sink_end_line(lsm_token_sink_t *sink) {
    int rc = 0;
    if (sink->unsorted)
        rc = sort_line(sink, sink->line_first);
    sink->unsorted = false;
    return rc;
}

static inline void sink_put(lsm_token_sink_t *sink, uint32_t value, unsigned width) {
    if (width == 0)
        return;
    sink->acc |= (uint64_t)value << sink->acc_bits;
    unsigned total = sink->acc_bits + width;
    if (total >= 64) {
        lsm_wr64(sink->records + sink->word * 8, sink->acc);
        sink->word++;
        /* The value's bits that did not fit (none when it ended exactly). */
        sink->acc = sink->acc_bits ? (uint64_t)value >> (64 - sink->acc_bits) : 0;
        sink->acc_bits = total - 64;
    } else {
        sink->acc_bits = total;
    }
}

/* Ends the line being written (sorting it if needed) and starts `line`,
 * which is later. */
static int sink_new_line(lsm_token_sink_t *sink, uint32_t line) {
    int rc = sink_end_line(sink);
    if (rc)
        return rc;
    while (sink->lines_started <= line) {
        lsm_wr32(sink->line_index + (size_t)sink->lines_started * 4, (uint32_t)sink->count);
        sink->lines_started++;
    }
    sink->line_first = sink->count;
    return 0;
}

static int sink_emit(lsm_token_sink_t *sink, uint32_t line, const uint32_t f[F_COUNT]) {
    if (sink->lines_started == 0 || line != sink->lines_started - 1) {
        int rc = sink_new_line(sink, line);
        if (rc)
            return rc;
    } else if (f[F_DST_COL] < sink->last_col) {
        sink->unsorted = true;
    }
    sink->last_col = f[F_DST_COL];
    const lsm_packing_t *pk = sink->packing;
    for (int i = 0; i < F_COUNT; i++)
        sink_put(sink, f[i], pk->width[i]);
    sink->count++;
    return 0;
}

/* Adds the value at p to `field` (a uint32_t: the scan has checked the
 * sums, so they wrap correctly) in pass two, as SCAN_VALUE reads it.
 * Values of four digits or more, and "-0" (-2^31 as there), go through
 * read_vlq_slow(). */
#define DECODE_VALUE(field)                                                                  \
    do {                                                                                     \
        int e_ = PAIR_AT(p);                                                                 \
        unsigned cont_ = (unsigned)wm & 1;                                                   \
        if (__builtin_expect(e_ & PAIR_LONG, 0)) {                                           \
            uint64_t r_;                                                                     \
            if (three_digits(&p, &r_)) {                                                     \
                (field) += (uint32_t)vlq_value(r_);                                          \
            } else {                                                                         \
                size_t pos_ = 0;                                                             \
                int64_t x_ = 0;                                                              \
                (void)read_vlq_slow(p, (size_t)(end - p), &pos_, &x_);                       \
                p += pos_;                                                                   \
                (field) += (uint32_t)x_;                                                     \
            }                                                                                \
            WINDOW_SYNC();                                                                   \
        } else {                                                                             \
            (field) += (uint32_t)(e_ >> 2);                                                  \
            WINDOW_STEP(1 + cont_);                                                          \
        }                                                                                    \
    } while (0)

/* Appends the low `width` bits of `value` (width <= 64) to the bit
 * stream: the word being filled is stored whole every time, and the bits
 * that do not fit in it start the next one. */
static inline __attribute__((always_inline)) void put_bits(uint64_t value, unsigned width,
                                                         uint64_t *acc, unsigned *bits,
                                                         uint8_t **out) {
    *acc |= value << *bits;
    lsm_wr64(*out, *acc);
    unsigned total = *bits + width;
    uint64_t carry = (value >> 1) >> (63 - *bits);
    bool next = total >= 64;
    *out += next ? 8 : 0;
    *acc = next ? carry : *acc;
    *bits = total & 63;
}

/* Pass two for records whose first three fields (generated column,
 * original line and column) fit in 64 bits, which is every real map: a
 * record is assembled in two registers, those three fields and the two
 * ids (at most 64 bits however large), and goes into the bit stream a
 * word at a time; the sink's state stays in locals except at line
 * changes. `wide` (a constant) says whether the record passes 64 bits:
 * then the two halves are appended one after the other, which is the
 * same bit stream. */
static inline __attribute__((always_inline)) int decode_fast(const uint8_t *s, size_t len,
                                                            const lsm_placement_t *place,
                                                            lsm_token_sink_t *sink,
                                                            const bool wide, const bool clip) {
    const lsm_packing_t *pk = sink->packing;
    const unsigned rb = pk->record_bits;
    const unsigned wa = pk->width[F_DST_COL] + pk->width[F_SRC_LINE] + pk->width[F_SRC_COL];
    /* Shifts within each half; a field of width 0 only ever holds 0. */
    const unsigned sh_sl = pk->width[F_SRC_LINE] ? pk->width[F_DST_COL] : 0;
    const unsigned sh_sc = pk->width[F_SRC_COL] ? pk->width[F_DST_COL] + pk->width[F_SRC_LINE] : 0;
    const unsigned sh_nm = pk->width[F_NAME_ID] ? pk->width[F_SRC_ID] : 0;
    const unsigned sh_b = rb > wa ? wa : 0; /* the ids' half, when not wide */
    WINDOW_START(s, len);
    /* The ids start at their base plus one, the first line's columns at
     * the column offset: each field is then ready to store as it is
     * (sums wrap as the scan checked them). */
    uint32_t col = place->col_offset, src = place->src_base + 1, sl = 0, sc = 0;
    uint32_t nm = place->name_base + 1, line = place->line_offset;
    const uint32_t stop_line = place->stop_line, stop_col = place->stop_col;
    /* The line being written; none before the first token. */
    uint64_t cur = sink->lines_started ? (uint64_t)sink->lines_started - 1 : UINT64_MAX;
    uint64_t acc = sink->acc, count = sink->count;
    unsigned bits = sink->acc_bits;
    uint8_t *out = sink->records + sink->word * 8;
    uint32_t last_col = sink->last_col;
    bool unsorted = sink->unsorted;
    int rc = 0;
    while (p < end) {
        WINDOW_CHECK();
        unsigned c = *p;
        if (c == ';') {
            line++;
            col = 0;
            WINDOW_STEP(1);
            continue;
        }
        if (c == ',') {
            WINDOW_STEP(1);
            continue;
        }
        /* The segments of one line, each ',' followed by the next. */
        for (;;) {
            DECODE_VALUE(col);
            uint32_t out_col = col;
            uint64_t half_a = out_col, half_b = 0;
            if (is_digit(*p)) {
                DECODE_VALUE(src);
                DECODE_VALUE(sl);
                DECODE_VALUE(sc);
                half_a |= (uint64_t)sl << sh_sl | (uint64_t)sc << sh_sc;
                half_b = src;
                if (is_digit(*p)) {
                    DECODE_VALUE(nm);
                    half_b |= (uint64_t)nm << sh_nm;
                }
            }
            if (clip && (line > stop_line || (line == stop_line && out_col >= stop_col))) {
                if (line > stop_line)
                    goto done;
            } else {
                if (line != cur) {
                    sink->acc = acc;
                    sink->acc_bits = bits;
                    sink->word = (uint64_t)(out - sink->records) / 8;
                    sink->count = count;
                    sink->unsorted = unsorted;
                    rc = sink_new_line(sink, line);
                    if (rc)
                        return rc;
                    acc = sink->acc; /* sorting may have rewritten it */
                    unsorted = false;
                    cur = line;
                } else {
                    unsorted |= out_col < last_col;
                }
                last_col = out_col;
                if (wide) {
                    put_bits(half_a, wa, &acc, &bits, &out);
                    put_bits(half_b, rb - wa, &acc, &bits, &out);
                } else {
                    put_bits(half_a | half_b << sh_b, rb, &acc, &bits, &out);
                }
                count++;
            }
            if (*p != ',')
                break;
            WINDOW_STEP(1);
            WINDOW_CHECK();
        }
    }
done:
    sink->acc = acc;
    sink->acc_bits = bits;
    sink->word = (uint64_t)(out - sink->records) / 8;
    sink->count = count;
    sink->unsorted = unsorted;
    sink->last_col = last_col;
    return 0;
}

/* Any packing: field by field through sink_put(). */
static int decode_generic(const char *text, size_t len, const lsm_placement_t *place,
                          lsm_token_sink_t *sink) {
    const uint8_t *s = (const uint8_t *)text;
    int64_t abs[F_COUNT] = {0, 0, 0, 0, 0};
    uint32_t line = 0;
    size_t pos = 0;
    while (pos < len) {
        if (s[pos] == ';') {
            line++;
            abs[F_DST_COL] = 0;
            pos++;
            continue;
        }
        if (s[pos] == ',') {
            pos++;
            continue;
        }
        int64_t v[F_COUNT];
        int n = 0;
        if (!fast_segment(s, &pos, v, &n)) {
            n = 0; /* a rare form the scan accepted: read it field by field */
            while (BASE64[s[pos]])
                (void)read_vlq(s, len, &pos, &v[n++]);
        }
        static const int order[F_COUNT] = {F_DST_COL, F_SRC_ID, F_SRC_LINE, F_SRC_COL,
                                           F_NAME_ID};
        for (int i = 0; i < n; i++)
            abs[order[i]] += v[i];
        uint32_t out_line = line + place->line_offset;
        uint32_t out_col = (uint32_t)abs[F_DST_COL] + (line == 0 ? place->col_offset : 0);
        if (place->clip && (out_line > place->stop_line ||
                            (out_line == place->stop_line && out_col >= place->stop_col))) {
            if (out_line > place->stop_line)
                break;
            continue;
        }
        uint32_t f[F_COUNT] = {out_col, 0, 0, 0, 0};
        if (n >= 4) {
            f[F_SRC_LINE] = (uint32_t)abs[F_SRC_LINE];
            f[F_SRC_COL] = (uint32_t)abs[F_SRC_COL];
            f[F_SRC_ID] = (uint32_t)abs[F_SRC_ID] + place->src_base + 1;
            if (n == 5)
                f[F_NAME_ID] = (uint32_t)abs[F_NAME_ID] + place->name_base + 1;
        }
        int rc = sink_emit(sink, out_line, f);
        if (rc)
            return rc;
    }
    return 0;
}

int lsm_mappings_decode(const char *text, size_t len, const lsm_placement_t *place,
                        lsm_token_sink_t *sink) {
    const lsm_packing_t *pk = sink->packing;
    const uint8_t *s = (const uint8_t *)text;
    /* Constant arguments: each case gets its own loop. */
    if (pk->record_bits <= 64)
        return place->clip ? decode_fast(s, len, place, sink, false, true)
                           : decode_fast(s, len, place, sink, false, false);
    if (pk->width[F_DST_COL] + pk->width[F_SRC_LINE] + pk->width[F_SRC_COL] <= 64)
        return place->clip ? decode_fast(s, len, place, sink, true, true)
                           : decode_fast(s, len, place, sink, true, false);
    return decode_generic(text, len, place, sink);
}

int lsm_sink_finish(lsm_token_sink_t *sink, uint32_t line_count) {
    int rc = sink_end_line(sink);
    sink_flush(sink);
    while (sink->lines_started <= line_count) {
        lsm_wr32(sink->line_index + (size_t)sink->lines_started * 4, (uint32_t)sink->count);
        sink->lines_started++;
    }
    return rc;
}
