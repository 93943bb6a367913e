/* The "mappings" string: base64 VLQ segments, ',' between segments and ';'
 * between generated lines (ECMA-426, "Mappings structure"). */
#include "mappings.h"
#include "mapping_shapes.h"

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
                st->max[f] |= (uint32_t)abs[f];
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

/* What the fast paths need to know about the two bytes at the start of a
 * value, in one load: PAIR[b0 + 256 * b1] for ASCII bytes b0 and b1 holds
 * the value of a one-digit value (b0 without continuation) or of a
 * two-digit one (b0 with, b1 without), times 4, or one of these flags
 * with nothing else but for PAIR_HEAD. A separator holds 0: a segment's
 * missing values are read at its separator. */
#define PAIR_NOT_DIGIT 1 /* b0 is not a base64 digit */
#define PAIR_LONG 2      /* b1 not a digit after a continuation, or "-0" */
/* Both flags: b0 and b1 both continue, and the entry holds their 10 raw
 * bits times 4, the start of a longer value. */
#define PAIR_HEAD 3
/* A digit's value without continuation, and the raw form of two digits
 * (d1 masked only to keep the expression defined where it is not used). */
#define PAIR_VALUE(raw) ((raw) & 1 ? -((raw) >> 1) : (raw) >> 1)
#define PAIR_RAW2(d0, d1) (((d0) & 31) | ((d1) & 63) << 5)
#define PAIR_CELL(d0, d1)                                                                    \
    ((d0) == -2 ? 0 : (d0) < 0 ? PAIR_NOT_DIGIT                                              \
     : !((d0) & 32) ? ((d0) == 1 ? PAIR_LONG : PAIR_VALUE(d0) * 4)                           \
     : ((d1) >= 0 && ((d1) & 32)) ? (PAIR_RAW2(d0, (d1) & 31) * 4 | PAIR_HEAD)              \
     : ((d1) < 0 || PAIR_RAW2(d0, d1) == 1) ? PAIR_LONG                                      \
                                                            : PAIR_VALUE(PAIR_RAW2(d0, d1)) * 4),
/* X(digit value, -2 for a separator or -1, a) for each ASCII code in order. */
#define PAIR_COLUMNS(X, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
    X(-1, a) X(-1, a) X(-1, a) X(62, a) X(-2, a) X(-1, a) X(-1, a) X(63, a) \
    X(52, a) X(53, a) X(54, a) X(55, a) X(56, a) X(57, a) X(58, a) X(59, a) \
    X(60, a) X(61, a) X(-1, a) X(-2, a) X(-1, a) X(-1, a) X(-1, a) X(-1, a) \
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
 * characters that occur in mappings. Bytes from 0x80 on are never looked
 * up: the scan leaves any window that has one first. */
static const int16_t PAIR[128 * 256] = {PAIR_ROWS(PAIR_ROW)};

/* The end of a longer value after its PAIR_HEAD: RAW[b0 + 256 * b1] holds
 * the raw bits (no sign taken off) of one digit (b0 without continuation)
 * or two (b0 with, b1 without), or RAW_BAD. */
#define RAW_BAD 0x8000
#define RAW_CELL(d0, d1)                                                                     \
    ((d0) < 0 ? RAW_BAD : !((d0) & 32) ? (d0)                                                \
     : ((d1) < 0 || ((d1) & 32)) ? RAW_BAD : PAIR_RAW2(d0, d1)),
#define RAW_ROW(d1) PAIR_COLUMNS(RAW_CELL, d1) PAIR_ZERO128
static const uint16_t RAW[128 * 256] = {PAIR_ROWS(RAW_ROW)};

/* Fast-path values are read with an arithmetic shift. */
_Static_assert((-8 >> 2) == -2, "right shift of a negative value must be arithmetic");

/* The PAIR entry of the value at q. Both bytes must be ASCII: the scan
 * leaves any window with a byte from 0x80 on before reading it, and pass
 * two reads only strings the scan accepted. */
#define PAIR_AT(q) ((int64_t)PAIR[rd16(q)])

/* q[0] | q[1] << 8, in one load where the host allows. */
static inline unsigned rd16(const uint8_t *q) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint16_t v;
    memcpy(&v, q, 2);
    return v;
#else
    return (unsigned)q[0] | (unsigned)q[1] << 8;
#endif
}

/* The fifth value of a segment when it has 3 or 4 digits, which is where
 * nearly all values of more than two digits are (name indices jump far),
 * as a PAIR entry: the value times 4, or PAIR_NOT_DIGIT or PAIR_LONG
 * ("-0") for the value-by-value reader. Two loads, as for two values: its
 * first two digits' PAIR_HEAD and the rest's RAW; the shape has checked
 * the continuation bits, these two catch a non-digit (with `check`: pass
 * two reads only what the fast scan read). */
static inline __attribute__((always_inline)) int32_t long_name(const uint8_t *q,
                                                               const bool check) {
    int32_t head = PAIR[rd16(q)];
    uint32_t rest = RAW[rd16(q + 2)];
    if (check && ((head & 3) != PAIR_HEAD || rest == RAW_BAD))
        return PAIR_NOT_DIGIT;
    uint32_t raw = (uint32_t)(head >> 2) | rest << 10;
    if (check && raw == 1)
        return PAIR_LONG;
    return (int32_t)PAIR_VALUE(raw) * 4;
}

/* The fast paths classify 64 bytes at a time (a window) into bit masks,
 * and read a segment whole from them: the continuation bits of its bytes
 * up to the next separator index SHAPES (src/mapping_shapes.h), which
 * says where each value starts, so that the values are five independent
 * PAIR loads instead of a chain of them. A segment is read this way when
 * it starts at most SHAPE_LAST bytes into the window: its 10 bytes at
 * most, its separator, and the byte after any value's first digit are
 * then inside the window; bit 63 of `sep`, always set, makes the index of
 * a longer segment too large. The window moves to a segment's start
 * beyond SHAPE_LAST. A window starts only where at least
 * TAIL_SIZE - WINDOW - 16 bytes of the string follow; nearer the end the
 * rest is copied into `tail` and padded with ';', which ends the last
 * segment for the shape and is never a digit for the other readers. */
#define WINDOW 64
#define SHAPE_LAST 52
#define TAIL_SIZE 192

/* What the loops keep in registers. */
typedef struct masks {
    const uint8_t *base;
    uint64_t cont; /* bit i: base[i] is below 'A' or from 'g' on */
    uint64_t sep;  /* bit i: base[i] is ',' or ';'; bit 63 always */
} masks_t;

typedef struct window {
    masks_t m;
    uint64_t high;      /* bit i: base[i] is 0x80 or more (the scan's only) */
    const uint8_t *end; /* the string's end; in `tail` once copied */
    bool in_tail;
    uint8_t tail[TAIL_SIZE];
} window_t;

/* For a base64 digit, a continuation is exactly a byte below 'A' or from
 * 'g' on. Fills the masks of q[0..63]. */
static inline __attribute__((always_inline)) void classify(window_t *w, const uint8_t *q,
                                                          const bool high) {
#ifdef __SSE2__
    const __m128i a = _mm_set1_epi8('A'), lim = _mm_set1_epi8('g' - 'A');
    const __m128i comma = _mm_set1_epi8(','), semi = _mm_set1_epi8(';');
    uint64_t c = 0, s = 0, h = 0;
    for (int i = 0; i < 4; i++) {
        __m128i raw = _mm_loadu_si128((const __m128i *)(const void *)(q + 16 * i));
        __m128i x = _mm_sub_epi8(raw, a);
        __m128i ge = _mm_cmpeq_epi8(_mm_max_epu8(x, lim), x); /* x >= lim, unsigned */
        __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(raw, comma), _mm_cmpeq_epi8(raw, semi));
        c |= (uint64_t)(uint32_t)_mm_movemask_epi8(ge) << (16 * i);
        s |= (uint64_t)(uint32_t)_mm_movemask_epi8(sp) << (16 * i);
        if (high)
            h |= (uint64_t)(uint32_t)_mm_movemask_epi8(raw) << (16 * i);
    }
#else
    uint64_t c = 0, s = 0, h = 0;
    for (int i = 0; i < WINDOW; i++) {
        c |= (uint64_t)((uint8_t)(q[i] - 'A') >= 'g' - 'A') << i;
        s |= (uint64_t)(q[i] == ',' || q[i] == ';') << i;
        h |= (uint64_t)(q[i] >> 7) << i;
    }
#endif
    w->m.cont = c;
    w->m.sep = s | (uint64_t)1 << 63;
    w->high = h;
}

/* Moves the window to p (into `tail` from the switch on) and returns its
 * masks. */
static inline __attribute__((always_inline)) masks_t window_at(window_t *w, const uint8_t *p,
                                                               const bool high) {
    if (!w->in_tail && (size_t)(w->end - p) < TAIL_SIZE - WINDOW - 16) {
        size_t n = (size_t)(w->end - p);
        memcpy(w->tail, p, n);
        memset(w->tail + n, ';', TAIL_SIZE - n);
        p = w->tail;
        w->end = w->tail + n;
        w->in_tail = true;
    }
    w->m.base = p;
    classify(w, p, high);
    return w->m;
}

/* Reads the segment at m.base + k through its shape: its values as PAIR
 * entries (times 4) into r (0 for the ones it lacks), its length and its
 * SHAPE_* kind. False when it must be read value by value instead: no
 * shape (longer than 10 bytes, a value of 3 digits or more before the
 * fifth, or not 1, 4 or 5 values: errors included). An entry may still
 * hold a flag (a non-digit, "-0"): the scan collects them and gives up
 * on the string at the line's end, as the value-by-value reader would
 * have. Without `check` (pass two), the string must have passed the fast
 * scan, so there is no flag (the shape and the entries depend on the
 * segment's bytes alone). */
static inline __attribute__((always_inline)) bool shape_read(masks_t m, size_t k,
                                                            int64_t r[F_COUNT], unsigned *len,
                                                            unsigned *kind, const bool check) {
    uint64_t sp = m.sep >> k;
    uint64_t index = ((m.cont >> k) | sp) & (sp ^ (sp - 1));
    if (index >= SHAPE_COUNT)
        return false;
    const mapping_shape_t *sh = &SHAPES[index];
    const uint8_t *q = m.base + k;
    r[0] = PAIR_AT(q);
    r[1] = PAIR_AT(q + sh->at[0]);
    r[2] = PAIR_AT(q + sh->at[1]);
    r[3] = PAIR_AT(q + sh->at[2]);
    r[4] = PAIR_AT(q + sh->at[3]);
    if (__builtin_expect(sh->kind & SHAPE_LONG_NAME, 0))
        r[4] = long_name(q + sh->at[3], check);
    *len = sh->len;
    *kind = sh->kind;
    return sh->kind;
}

#define MAX64(a, b) ((b) > (a) ? (b) : (a))

/* The scan for strings without errors: a segment at a time. Returns 0,
 * or -1 when the string needs the exact scan (an error, or a rare form). */
static inline __attribute__((always_inline)) int fast_scan(const uint8_t *s, size_t len,
                                                           lsm_mappings_stats_t *st) {
    /* The range checks are made once a line, on the maxima: with fewer
     * than 2^31 bytes the sums, times 4 as below, cannot leave int64_t in
     * between (a value takes a byte per 5 bits, so each byte adds less
     * than 2^31 to a sum however the values fall: 2^62 in all). */
    if (len >= ((size_t)1 << 31))
        return -1;
    window_t w;
    w.end = s + len;
    w.in_tail = false;
    masks_t m = window_at(&w, s, true);
    const uint8_t *p = m.base;
    if (w.high)
        return -1;
    /* Fields are kept times 4, as PAIR holds them. Unsigned maxima, so
     * that a negative value makes its maximum too large. */
    int64_t col = 0, src = 0, sl = 0, sc = 0, nm = 0;
    uint64_t line_max = 0, max_col = 0, max_src = 0, or_sl = 0, or_sc = 0, max_nm = 0;
    uint64_t last_line_max = 0;
    uint32_t line = 0, last_line = 0;
    uint64_t segments = 0;
    unsigned kinds = 0;
    int64_t flags = 0; /* the OR of the line's PAIR entries: any flag gives up */
    for (;;) {
        /* p is at a line's start. */
        while (p < w.end && *p == ';') {
            if (line == FIELD_MAX)
                return -1;
            line++;
            p++;
        }
        if (p >= w.end)
            break;
        uint64_t line_segments = segments;
        size_t k = (size_t)(p - m.base);
        for (;;) {
            if (k > SHAPE_LAST) {
                m = window_at(&w, m.base + k, true);
                if (w.high)
                    return -1;
                k = 0;
            }
            int64_t r[F_COUNT];
            unsigned n, kind;
            if (__builtin_expect(shape_read(m, k, r, &n, &kind, true), 1)) {
                col += r[0];
                src += r[1];
                sl += r[2];
                sc += r[3];
                nm += r[4];
                flags |= r[0] | r[1] | r[2] | r[3] | r[4];
            } else {
                /* A rare form, or an error the exact scan will name. */
                size_t pos = k;
                int64_t v[F_COUNT];
                int count;
                if (!fast_segment(m.base, &pos, v, &count) || (count != 1 && count < 4))
                    return -1;
                col += v[0] * 4;
                if (count >= 4) {
                    src += v[1] * 4;
                    sl += v[2] * 4;
                    sc += v[3] * 4;
                }
                if (count == 5)
                    nm += v[4] * 4;
                kind = count == 1 ? SHAPE_OK
                     : count == 4 ? SHAPE_OK | SHAPE_SRC : SHAPE_OK | SHAPE_SRC | SHAPE_NAME;
                n = (unsigned)(pos - k);
                if (m.base + pos != w.end && m.base[pos] != ',' && m.base[pos] != ';')
                    return -1;
            }
            kinds |= kind;
            /* Fields a segment lacks are unchanged, so taking their
             * maxima (or ORs) anyway changes nothing. */
            line_max = MAX64(line_max, (uint64_t)col);
            max_src = MAX64(max_src, (uint64_t)src);
            or_sl |= (uint64_t)sl;
            or_sc |= (uint64_t)sc;
            max_nm = MAX64(max_nm, (uint64_t)nm);
            segments++;
            k += n;
            if (m.base[k] != ',')
                break;
            k++;
        }
        /* At a ';' or the end. An OR of valid values can reach 2^32 - 1
         * too; the exact scan sorts that out. */
        if ((line_max | max_src | or_sl | or_sc | max_nm) > (uint64_t)FIELD_MAX * 4 ||
            (flags & 3))
            return -1;
        p = m.base + k;
        if (segments != line_segments) {
            last_line = line;
            last_line_max = line_max;
            max_col = MAX64(max_col, line_max);
        }
        line_max = 0;
        col = 0;
    }
    st->segments = segments;
    st->last_line = last_line;
    st->last_line_max_col = (uint32_t)(last_line_max / 4);
    st->max[F_DST_COL] = (uint32_t)(max_col / 4);
    st->max[F_SRC_LINE] = (uint32_t)(or_sl / 4);
    st->max[F_SRC_COL] = (uint32_t)(or_sc / 4);
    st->max[F_SRC_ID] = kinds & SHAPE_SRC ? (uint32_t)(max_src / 4) + 1 : 0;
    st->max[F_NAME_ID] = kinds & SHAPE_NAME ? (uint32_t)(max_nm / 4) + 1 : 0;
    st->fast = true;
    return 0;
}

/* The fast loops, twice on x86-64: as the target allows (SSE2 there),
 * and with BMI2 where the CPU has it, whose shifts by a register need
 * neither CL nor a copy: fewer instructions and fewer registers spilled
 * in loops that keep a dozen values live. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__BMI2__)
#define LSM_BMI2_CLONES 1
#endif

static int fast_scan_plain(const uint8_t *s, size_t len, lsm_mappings_stats_t *st) {
    return fast_scan(s, len, st);
}

#ifdef LSM_BMI2_CLONES
__attribute__((target("bmi,bmi2"))) static int fast_scan_bmi2(const uint8_t *s, size_t len,
                                                              lsm_mappings_stats_t *st) {
    return fast_scan(s, len, st);
}
#endif

static int loops_choice; /* LSM_LOOPS_*; written by tests only */

void lsm_mappings_choose_loops(int choice) {
    __atomic_store_n(&loops_choice, choice, __ATOMIC_RELAXED);
}

#ifdef LSM_BMI2_CLONES
/* Whether the BMI2 loops run. */
static bool use_bmi2(void) {
    if (__atomic_load_n(&loops_choice, __ATOMIC_RELAXED) == LSM_LOOPS_PLAIN)
        return false;
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("bmi");
}
#endif

int lsm_mappings_scan(const char *text, size_t len, uint32_t source_count, uint32_t name_count,
                      lsm_mappings_stats_t *st, lsm_error_t *err) {
    memset(st, 0, sizeof *st);
    const uint8_t *s = (const uint8_t *)text;
#ifdef LSM_BMI2_CLONES
    int fast = use_bmi2() ? fast_scan_bmi2(s, len, st) : fast_scan_plain(s, len, st);
#else
    int fast = fast_scan_plain(s, len, st);
#endif
    if (fast == 0 && st->max[F_SRC_ID] <= source_count &&
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
 * original line and column) fit in 62 bits, and the ids too, which is
 * every real map. A segment is read through its shape as in the scan,
 * and its deltas are added straight into the record's two halves, kept
 * packed: `a` holds the column, original line and original column at
 * their bit positions, `b` the source and name ids, both times 4 as the
 * PAIR entries are (the 2 bits to spare make that exact), so that an
 * entry is added without a shift of its own. After a whole segment every
 * field is back in its range (the scan checked the sums), so the packed
 * sums are exactly the packed fields, whatever borrows happened in
 * between. Each record
 * goes into the bit stream a word at a time; the sink's state stays in
 * locals except at line changes. `wide` (a constant) says whether the
 * record passes 64 bits: then the two halves are appended one after the
 * other, which is the same bit stream. With `clip`, each token is checked
 * against the stop, the line against the sink's at each token and column
 * order token by token; without it, every line that has a token is a new
 * line of the sink (lsm_mappings_decode sends the first line of a section
 * that continues the sink's here with a stop beyond every line), checked
 * once, and its order comes from the signs of its column deltas (the
 * first is never negative). */
static inline __attribute__((always_inline)) int decode_fast(const uint8_t *s, size_t len,
                                                            const lsm_placement_t *place,
                                                            lsm_token_sink_t *sink,
                                                            const bool wide, const bool clip) {
    const lsm_packing_t *pk = sink->packing;
    const unsigned rb = pk->record_bits;
    const unsigned wa = pk->width[F_DST_COL] + pk->width[F_SRC_LINE] + pk->width[F_SRC_COL];
    /* Shifts within each half; a field of width 0 only ever holds 0, and
     * its deltas are 0 too. */
    const unsigned sh_sl = pk->width[F_SRC_LINE] ? pk->width[F_DST_COL] : 0;
    const unsigned sh_sc = pk->width[F_SRC_COL] ? pk->width[F_DST_COL] + pk->width[F_SRC_LINE] : 0;
    const unsigned sh_nm = pk->width[F_NAME_ID] ? pk->width[F_SRC_ID] : 0;
    const unsigned sh_b = rb > wa ? wa : 0; /* the ids' half, when not wide */
    const uint64_t col_mask = ((uint64_t)1 << pk->width[F_DST_COL]) - 1;
    /* What a segment of each kind keeps of the halves: fields it lacks
     * are stored as 0. */
    uint64_t keep_a[16] = {0}, keep_b[16] = {0};
    keep_a[SHAPE_OK] = col_mask;
    keep_a[SHAPE_OK | SHAPE_SRC] = keep_a[SHAPE_OK | SHAPE_SRC | SHAPE_NAME] =
        keep_a[SHAPE_OK | SHAPE_SRC | SHAPE_NAME | SHAPE_LONG_NAME] = UINT64_MAX;
    keep_b[SHAPE_OK | SHAPE_SRC] = ((uint64_t)1 << pk->width[F_SRC_ID]) - 1;
    keep_b[SHAPE_OK | SHAPE_SRC | SHAPE_NAME] =
        keep_b[SHAPE_OK | SHAPE_SRC | SHAPE_NAME | SHAPE_LONG_NAME] = UINT64_MAX;
    window_t w;
    w.end = s + len;
    w.in_tail = false;
    masks_t m = window_at(&w, s, false);
    const uint8_t *p = m.base;
    /* The ids start at their base plus one, the first line's column at
     * the column offset: each field is then ready to store as it is. */
    uint64_t a = (uint64_t)place->col_offset << 2;
    uint64_t b = ((uint64_t)(place->src_base + 1) |
                  (pk->width[F_NAME_ID] ? (uint64_t)(place->name_base + 1) << sh_nm : 0))
                 << 2;
    uint32_t line = place->line_offset;
    const uint32_t stop_line = place->stop_line, stop_col = place->stop_col;
    /* The line being written; none before the first token. */
    uint64_t cur = sink->lines_started ? (uint64_t)sink->lines_started - 1 : UINT64_MAX;
    uint64_t acc = sink->acc, count = sink->count;
    unsigned bits = sink->acc_bits;
    uint8_t *out = sink->records + sink->word * 8;
    uint32_t last_col = sink->last_col;
    bool unsorted = sink->unsorted;
    int64_t negs = 0; /* the OR of the line's column deltas, without clip */
    int rc = 0;
#define DECODE_SYNC_SINK()                                                                   \
    do {                                                                                     \
        sink->acc = acc;                                                                     \
        sink->acc_bits = bits;                                                               \
        sink->word = (uint64_t)(out - sink->records) / 8;                                    \
        sink->count = count;                                                                 \
        sink->unsorted = unsorted;                                                           \
        sink->last_col = last_col;                                                           \
    } while (0)
    for (;;) {
        /* p is at a line's start. */
        while (p < w.end && *p == ';') {
            line++;
            a &= ~(col_mask << 2);
            p++;
        }
        if (p >= w.end)
            break;
        if (!clip) {
            DECODE_SYNC_SINK();
            rc = sink_new_line(sink, line);
            if (rc)
                return rc;
            acc = sink->acc; /* sorting may have rewritten it */
            cur = line;
            negs = 0;
        }
        size_t k = (size_t)(p - m.base);
        for (;;) {
            if (k > SHAPE_LAST) {
                m = window_at(&w, m.base + k, false);
                k = 0;
            }
            int64_t r[F_COUNT];
            unsigned n, kind;
            if (__builtin_expect(shape_read(m, k, r, &n, &kind, false), 1)) {
                a += (uint64_t)r[0];
                a += (uint64_t)r[2] << sh_sl;
                a += (uint64_t)r[3] << sh_sc;
                b += (uint64_t)r[1];
                b += (uint64_t)r[4] << sh_nm;
                negs |= r[0];
            } else {
                /* A rare form the scan accepted: value by value. */
                size_t pos = k;
                int64_t v[F_COUNT] = {0, 0, 0, 0, 0};
                int got = 0;
                if (!fast_segment(m.base, &pos, v, &got)) {
                    got = 0;
                    while (BASE64[m.base[pos]])
                        (void)read_vlq(m.base, (size_t)(w.end - m.base), &pos, &v[got++]);
                }
                a += ((uint64_t)v[0] + ((uint64_t)v[2] << sh_sl) + ((uint64_t)v[3] << sh_sc)) << 2;
                b += ((uint64_t)v[1] + ((uint64_t)v[4] << sh_nm)) << 2;
                negs |= v[0];
                kind = got == 1 ? SHAPE_OK
                     : got == 4 ? SHAPE_OK | SHAPE_SRC : SHAPE_OK | SHAPE_SRC | SHAPE_NAME;
                n = (unsigned)(pos - k);
            }
            const uint64_t half_a = (a >> 2) & keep_a[kind], half_b = (b >> 2) & keep_b[kind];
            bool keep = true;
            if (clip) {
                const uint32_t out_col = (uint32_t)((a >> 2) & col_mask);
                if (line > stop_line || (line == stop_line && out_col >= stop_col)) {
                    if (line > stop_line)
                        goto done;
                    keep = false;
                } else {
                    if (line != cur) {
                        DECODE_SYNC_SINK();
                        rc = sink_new_line(sink, line);
                        if (rc)
                            return rc;
                        acc = sink->acc;
                        unsorted = false;
                        cur = line;
                    } else {
                        unsorted |= out_col < last_col;
                    }
                    last_col = out_col;
                }
            }
            if (keep) {
                if (wide) {
                    put_bits(half_a, wa, &acc, &bits, &out);
                    put_bits(half_b, rb - wa, &acc, &bits, &out);
                } else {
                    put_bits(half_a | half_b << sh_b, rb, &acc, &bits, &out);
                }
                count++;
            }
            k += n;
            if (m.base[k] != ',')
                break;
            k++;
        }
        if (!clip) {
            unsorted = negs < 0;
            last_col = (uint32_t)((a >> 2) & col_mask);
        }
        p = m.base + k;
    }
done:
    DECODE_SYNC_SINK();
#undef DECODE_SYNC_SINK
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

/* Constant arguments: each case gets its own loop. */
static inline __attribute__((always_inline)) int decode_cases(const uint8_t *s, size_t len,
                                                             const lsm_placement_t *place,
                                                             lsm_token_sink_t *sink) {
    bool wide = sink->packing->record_bits > 64;
    if (!wide)
        return place->clip ? decode_fast(s, len, place, sink, false, true)
                           : decode_fast(s, len, place, sink, false, false);
    return place->clip ? decode_fast(s, len, place, sink, true, true)
                       : decode_fast(s, len, place, sink, true, false);
}

static int decode_plain(const uint8_t *s, size_t len, const lsm_placement_t *place,
                        lsm_token_sink_t *sink) {
    return decode_cases(s, len, place, sink);
}

#ifdef LSM_BMI2_CLONES
__attribute__((target("bmi,bmi2"))) static int decode_bmi2(const uint8_t *s, size_t len,
                                                           const lsm_placement_t *place,
                                                           lsm_token_sink_t *sink) {
    return decode_cases(s, len, place, sink);
}
#endif

int lsm_mappings_decode(const char *text, size_t len, const lsm_mappings_stats_t *st,
                        const lsm_placement_t *place, lsm_token_sink_t *sink) {
    const lsm_packing_t *pk = sink->packing;
    const uint8_t *s = (const uint8_t *)text;
    /* A section that starts on the sink's current line needs its first
     * token checked against that line's last: decode_fast does that with
     * `clip`, here with a stop no line reaches. */
    lsm_placement_t continued;
    if (!place->clip && sink->lines_started && place->line_offset == sink->lines_started - 1) {
        continued = *place;
        continued.clip = true;
        continued.stop_line = UINT32_MAX;
        continued.stop_col = 0;
        place = &continued;
    }
    /* decode_fast trusts the shapes as far as the fast scan did, and
     * keeps each half of a record times 4. */
    if (!st->fast || pk->width[F_DST_COL] + pk->width[F_SRC_LINE] + pk->width[F_SRC_COL] > 62 ||
        pk->width[F_SRC_ID] + pk->width[F_NAME_ID] > 62)
        return decode_generic(text, len, place, sink);
#ifdef LSM_BMI2_CLONES
    if (use_bmi2())
        return decode_bmi2(s, len, place, sink);
#endif
    return decode_plain(s, len, place, sink);
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
