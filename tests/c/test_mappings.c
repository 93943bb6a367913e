/* The "mappings" fast paths (src/mappings.c) at their edges: every value
 * length at every offset from a 64-byte window's start and from the
 * string's end (where the rest is read from a padded copy), and bytes
 * from 0x80 on, which the fast paths' two-byte table folds onto ASCII and
 * the scan must still reject where they are. The fast scan must agree with
 * the exact one on the outcome and on every field of the error and the
 * stats; an accepted string must decode to what the reference decoder
 * of tests/fuzz/ref_mappings.h makes of it. */
#include "check.h"
#include "fuzz/ref_mappings.h"
#include "mappings.h"
#include "mapping_shapes.h"

/* ------------------------------------------------------------ checks */

/* Scans `s` both ways and compares everything; returns the code. */
static int scan_both(int line, const char *s, size_t len, lsm_mappings_stats_t *st,
                     lsm_error_t *err) {
    lsm_mappings_stats_t exact;
    lsm_error_t eerr;
    POISON(*err);
    POISON(eerr);
    int rc = lsm_mappings_scan(s, len, 1000, 1000, st, err);
    int re = lsm_mappings_scan_exact(s, len, 1000, 1000, &exact, &eerr);
    if (rc != re) {
        check_fail(__FILE__, line, "fast scan %d, exact scan %d", rc, re);
        return rc;
    }
    if (rc) {
        if (err->code != eerr.code || err->offset != eerr.offset || err->line != eerr.line ||
            err->segment != eerr.segment)
            check_fail(__FILE__, line,
                       "error %d at %" PRId64 " (%" PRId64 ", %" PRId64 "), exact %d at %" PRId64
                       " (%" PRId64 ", %" PRId64 ")",
                       err->code, err->offset, err->line, err->segment, eerr.code, eerr.offset,
                       eerr.line, eerr.segment);
    } else {
        bool same = st->segments == exact.segments && st->last_line == exact.last_line &&
                    st->last_line_max_col == exact.last_line_max_col;
        for (int f = 0; f < F_COUNT; f++)
            same = same && st->max[f] == exact.max[f];
        if (!same)
            check_fail(__FILE__, line, "stats differ from the exact scan's");
    }
    return rc;
}

/* Scans and decodes a valid string; every token must be the reference's. */
static void check_valid(int line, const char *s, size_t len) {
    lsm_mappings_stats_t st;
    lsm_error_t err;
    if (scan_both(line, s, len, &st, &err)) {
        check_fail(__FILE__, line, "rejected: %s", err.message);
        return;
    }
    ref_token_t *want = malloc((len + 1) * sizeof *want);
    const lsm_placement_t origin = {0};
    size_t n = ref_decode(s, len, &origin, want);
    if ((uint64_t)n != st.segments)
        check_fail(__FILE__, line, "%zu tokens, the scan counted %" PRIu64, n, st.segments);
    lsm_packing_t pk;
    lsm_packing_init(&pk, st.max);
    uint8_t *records = calloc(1, (size_t)lsm_packing_bytes(&pk, st.segments));
    uint8_t *line_index = malloc(((size_t)st.last_line + 2) * 4);
    lsm_token_sink_t sink;
    memset(&sink, 0, sizeof sink);
    sink.records = records;
    sink.packing = &pk;
    sink.line_index = line_index;
    lsm_placement_t place = {0, 0, 0, 0, false, 0, 0};
    CHECK_EQ(lsm_mappings_decode(s, len, &st, &place, &sink), 0);
    CHECK_EQ(lsm_sink_finish(&sink, sink.lines_started), 0);
    CHECK_EQ(sink.count, (uint64_t)n);
    for (size_t i = 0; i < n && i < sink.count; i++) {
        for (int f = 0; f < F_COUNT; f++) {
            uint32_t got = lsm_field(records, &pk, i, f);
            if (got != want[i].f[f]) {
                check_fail(__FILE__, line, "token %zu field %d: %u, want %u", i, f, got,
                           want[i].f[f]);
                i = n;
                break;
            }
        }
    }
    free(records);
    free(line_index);
    free(want);
}

/* A valid string of nearly `cap` bytes: segments of 4 and 5 fields whose
 * values have `digits` digits, a ';' after every `line_every`-th (none for
 * 0), after `shift` bytes (not 1) of short segments. The byte after it
 * (`s[len]`) is '"', as in the JSON text. Returns its length. */
static size_t build(char *s, size_t cap, size_t shift, int digits, int line_every) {
    /* +v and -v for a value of 1 to 4 digits: 'g' continues with 0 bits. */
    static const char *const PLUS[] = {"", "C", "gB", "ggB", "gggB"};
    static const char *const MINUS[] = {"", "D", "hB", "hgB", "hggB"};
    size_t n = 0;
    if (shift & 1) {
        memcpy(s, "gB,", 3); /* shift is never 1 */
        n = 3;
    }
    while (n < shift) {
        memcpy(s + n, "A,", 2);
        n += 2;
    }
    int seg = 0;
    while (n + 40 < cap) {
        /* col +v, src 0, line +v, col -v (never negative), and a name in
         * every other segment. */
        n += (size_t)sprintf(s + n, "%sA%s%s", PLUS[digits], PLUS[digits],
                             seg & 1 ? MINUS[digits] : PLUS[digits]);
        if (seg & 1)
            n += (size_t)sprintf(s + n, "%s", seg & 2 ? "C" : "A");
        seg++;
        s[n++] = (line_every && seg % line_every == 0) ? ';' : ',';
    }
    s[n++] = 'A'; /* a last one-field segment */
    s[n] = '"';
    return n;
}

/* Every value length, started at every offset from a window's start, in
 * strings long enough for several windows and the padded tail. */
static void test_value_lengths_at_every_offset(void) {
    char s[1200];
    for (int digits = 1; digits <= 4; digits++)
        for (size_t shift = 0; shift < 70; shift += shift ? 1 : 2)
            for (int every = 0; every <= 3; every += 3) {
                size_t len = build(s, sizeof s - 1, shift, digits, every);
                check_valid(__LINE__, s, len);
            }
}

/* "-0" (-2^31) as a single digit and as two, which the fast paths leave
 * to the slow ones, anywhere. */
static void test_minus_zero_anywhere(void) {
    char s[600];
    for (size_t at = 0; at < 300; at += 5) {
        size_t len = build(s, 560, 0, 2, 4);
        /* Overwrite one segment's start with a column that goes to -2^31:
         * negative, so both scans reject it at the same place. */
        size_t seg = at;
        while (seg > 0 && s[seg - 1] != ',' && s[seg - 1] != ';')
            seg--;
        s[seg] = 'B';
        lsm_mappings_stats_t st;
        lsm_error_t err;
        CHECK(scan_both(__LINE__, s, len, &st, &err) != 0);
        /* As the second digit's form: "hA" is -0 too. */
        len = build(s, 560, 0, 2, 4);
        memcpy(s + seg, "hA", 2);
        CHECK(scan_both(__LINE__, s, len, &st, &err) != 0);
    }
}

/* A byte from 0x80 on at every position: each folds onto an ASCII digit
 * ('A' or a continuation 'g') or separator in the fast paths' table, and
 * must be rejected exactly where it is. */
static void test_high_bytes_everywhere(void) {
    static const uint8_t HIGH[] = {0xC1, 0xE7, 0xAC, 0xBB, 0x80, 0xFF};
    char s[700];
    for (size_t k = 0; k < sizeof HIGH; k++) {
        size_t len = build(s, 640, 3, 2, 5);
        for (size_t at = 0; at < len; at++) {
            char saved = s[at];
            s[at] = (char)HIGH[k];
            lsm_mappings_stats_t st;
            lsm_error_t err;
            int rc = scan_both(__LINE__, s, len, &st, &err);
            if (rc != LSM_ERR_VLQ_INVALID_DIGIT || err.offset != (int64_t)at) {
                check_fail(__FILE__, __LINE__, "0x%02X at %zu: code %d at %" PRId64, HIGH[k], at,
                           rc, err.offset);
                break;
            }
            s[at] = saved;
        }
    }
}

/* The other errors at every offset from a window's start: an invalid
 * digit, a value cut off by ',', a digit run too long, empty segments
 * (after a ',' or a ';', and before one), and segments of 2 and 3
 * values, which the shapes must leave to the exact scan. */
static void test_errors_at_every_offset(void) {
    static const char *const BAD[] = {"!", "g,", "ggggggggB", ",", "A,,", "A,;", "AA,", "AAA,",
                                      "AgA,", "gAgAgA,", "\""};
    char s[700];
    for (size_t k = 0; k < sizeof BAD / sizeof *BAD; k++)
        for (size_t at = 100; at < 240; at++) {
            size_t len = build(s, 640, 0, 2, 6);
            /* At a segment's start, so that the rest stays well formed. */
            size_t seg = at;
            while (s[seg - 1] != ',' && s[seg - 1] != ';')
                seg--;
            size_t n = strlen(BAD[k]);
            memcpy(s + seg, BAD[k], n);
            lsm_mappings_stats_t st;
            lsm_error_t err;
            CHECK(scan_both(__LINE__, s, len, &st, &err) != 0);
        }
}

/* ------------------------------------------------------------ shapes */

/* What a direct decode of a shape index says: its length, and where the
 * values start and how many digits each has. Returns the value count,
 * or -1 when the last digit continues (no value ends there). */
static int shape_values(unsigned index, int *len, int starts[11], int lens[11]) {
    *len = -1;
    for (int bit = 10; bit >= 0; bit--)
        if (index >> bit & 1) {
            *len = bit;
            break;
        }
    int n = 0;
    for (int pos = 0; pos < *len;) {
        int start = pos;
        while (pos < *len && (index >> pos & 1))
            pos++;
        if (pos == *len)
            return -1;
        pos++;
        starts[n] = start;
        lens[n++] = pos - start;
    }
    return n;
}

/* Every entry of SHAPES against a direct decode of its index: the kinds
 * handled (1, 4 or 5 values of at most two digits, the fifth of up to
 * four) and nothing else, with each value's start. */
static void test_shape_table(void) {
    for (unsigned index = 0; index < SHAPE_COUNT; index++) {
        const mapping_shape_t *sh = &SHAPES[index];
        int len, starts[11], lens[11];
        int n = shape_values(index, &len, starts, lens);
        bool ok = len > 0 && (n == 1 || n == 4 || n == 5);
        for (int i = 0; ok && i < n; i++)
            ok = lens[i] <= (i == 4 ? 4 : 2);
        if ((sh->kind != 0) != ok) {
            check_fail(__FILE__, __LINE__, "index 0x%03x: kind %u, %d values", index, sh->kind,
                       n);
            continue;
        }
        if (!ok)
            continue;
        unsigned kind = SHAPE_OK | (n >= 4 ? SHAPE_SRC : 0) | (n == 5 ? SHAPE_NAME : 0) |
                        (n == 5 && lens[4] > 2 ? SHAPE_LONG_NAME : 0);
        CHECK_EQ(sh->kind, kind);
        CHECK_EQ(sh->len, len);
        for (int i = 1; i < 5; i++)
            CHECK_EQ(sh->at[i - 1], i < n ? starts[i] : len);
    }
}

/* Writes v as exactly `digits` base64 VLQ digits (zero continuations
 * after the significant ones). */
static size_t vlq_digits(char *out, int64_t v, int digits) {
    static const char ALPHABET[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint64_t raw = v < 0 ? (uint64_t)-v << 1 | 1 : (uint64_t)v << 1;
    for (int i = 0; i < digits; i++) {
        unsigned d = raw & 31;
        raw >>= 5;
        out[i] = ALPHABET[d | (i + 1 < digits ? 32 : 0)];
    }
    return (size_t)digits;
}

/* A valid string of nearly `cap` bytes: `shift` bytes of "A," (and one
 * "gB," when odd), then segments all of the shape of `index`, each value
 * the largest its digits hold (ids at most 999) with every field going
 * up and back down in turn, so that no field goes negative; with
 * `col_up`, columns only go up. A ';' after every `line_every`-th
 * segment (none for 0). s[len] is '"'. Returns the length. */
static size_t build_shape(char *s, size_t cap, size_t shift, unsigned index, bool col_up,
                          int line_every) {
    int len, starts[11], lens[11];
    int n = shape_values(index, &len, starts, lens);
    size_t at = 0;
    if (shift & 1) {
        memcpy(s, "gB,", 3);
        at = 3;
    }
    while (at < shift) {
        memcpy(s + at, "A,", 2);
        at += 2;
    }
    int seg = 0, in_line = 0; /* columns start from 0 on each line */
    while (at + 12 < cap) {
        for (int i = 0; i < n; i++) {
            int64_t big = ((int64_t)1 << (5 * lens[i] - 1)) - 1;
            if ((i == 1 || i == 4) && big > 999)
                big = 999;
            bool down = i == 0 ? (in_line & 1) && !col_up : (seg & 1);
            at += vlq_digits(s + at, down ? -big : big, lens[i]);
        }
        seg++;
        in_line++;
        bool new_line = line_every && seg % line_every == 0;
        s[at++] = new_line ? ';' : ',';
        if (new_line)
            in_line = 0;
    }
    s[at++] = 'A';
    s[at] = '"';
    return at;
}

/* Every shape the table handles, started at every offset from a window's
 * start and running into the padded tail, with lines and without, with
 * columns out of order and in order: the scan must agree with the exact
 * one and the decode with the reference. */
static void test_every_shape_at_every_offset(void) {
    char s[420];
    for (unsigned index = 0; index < SHAPE_COUNT; index++) {
        if (!SHAPES[index].kind)
            continue;
        for (size_t shift = 0; shift < 66; shift += shift ? 1 : 2)
            for (int variant = 0; variant < 4; variant++) {
                size_t len = build_shape(s, sizeof s - 1, shift, index, variant & 1,
                                         variant & 2 ? 3 : 0);
                check_valid(__LINE__, s, len);
            }
    }
}

/* Every byte of strings of every shape replaced in turn by a byte from
 * 0x80 on and by ASCII non-digits: the scan must fail exactly as the
 * exact one does (inside long fifth values too, which are read by
 * pairs of bytes). */
static void test_bad_bytes_in_every_shape(void) {
    static const char BAD[] = {(char)0xC1, (char)0x80, '!', '"', ':', 0};
    char s[160];
    for (unsigned index = 0; index < SHAPE_COUNT; index++) {
        if (!SHAPES[index].kind)
            continue;
        size_t len = build_shape(s, sizeof s - 1, 3, index, false, 4);
        for (size_t k = 0; k < sizeof BAD; k++)
            for (size_t at = 0; at < len; at++) {
                char saved = s[at];
                s[at] = BAD[k];
                lsm_mappings_stats_t st;
                lsm_error_t err;
                CHECK(scan_both(__LINE__, s, len, &st, &err) != 0);
                s[at] = saved;
            }
    }
}

/* "-0" (-2^31) in valid strings, where pass two must read it value by
 * value: a field first raised past 2^31 (in two steps: one value stays
 * below 2^31), then brought back by "-0" in every length the fast paths
 * see, as a segment's first value (the column) and as its fourth (the
 * original column; a fifth, a name index, can never be that large). */
static void test_minus_zero_valid(void) {
    static const char *const MINUS_ZERO[] = {"B", "hA", "hgA", "hggA"};
    char s[300];
    for (size_t k = 0; k < 4; k++)
        for (size_t shift = 0; shift < 60; shift += 2) {
            size_t at = 0;
            while (at < shift) {
                memcpy(s + at, "A,", 2);
                at += 2;
            }
            /* Column 2^31 + 3, then "-0" as its next delta: column 3. */
            at += vlq_digits(s + at, (int64_t)1 << 30, 7);
            s[at++] = ',';
            at += vlq_digits(s + at, ((int64_t)1 << 30) + 3, 7);
            at += (size_t)sprintf(s + at, ",%s,CAAA;", MINUS_ZERO[k]);
            /* The same with the original column, in a five-value segment. */
            at += (size_t)sprintf(s + at, "CAA");
            at += vlq_digits(s + at, (int64_t)1 << 30, 7);
            s[at++] = ',';
            at += (size_t)sprintf(s + at, "CAA");
            at += vlq_digits(s + at, ((int64_t)1 << 30) + 3, 7);
            at += (size_t)sprintf(s + at, ",CAA%sC,CAAAA", MINUS_ZERO[k]);
            s[at] = '"';
            check_valid(__LINE__, s, at);
        }
}

/* A section that starts on the line where the sink's last one ended,
 * without a clip: its first token must be ordered against that line's
 * tokens (here it comes first by column, after the stable sort). */
static void test_section_continues_line(void) {
    const char *first = "CAAA,CAAA", *second = "AAAA";
    lsm_mappings_stats_t st1, st2;
    lsm_error_t err;
    CHECK_EQ(lsm_mappings_scan(first, strlen(first), 10, 10, &st1, &err), 0);
    CHECK_EQ(lsm_mappings_scan(second, strlen(second), 10, 10, &st2, &err), 0);
    uint32_t max[F_COUNT] = {4, 0, 0, 8, 0};
    lsm_packing_t pk;
    lsm_packing_init(&pk, max);
    uint8_t *records = calloc(1, (size_t)lsm_packing_bytes(&pk, 3));
    uint8_t line_index[8];
    lsm_token_sink_t sink;
    memset(&sink, 0, sizeof sink);
    sink.records = records;
    sink.packing = &pk;
    sink.line_index = line_index;
    lsm_placement_t one = {0, 0, 0, 0, false, 0, 0}, two = {0, 1, 5, 0, false, 0, 0};
    CHECK_EQ(lsm_mappings_decode(first, strlen(first), &st1, &one, &sink), 0);
    CHECK_EQ(lsm_mappings_decode(second, strlen(second), &st2, &two, &sink), 0);
    CHECK_EQ(lsm_sink_finish(&sink, 0), 0);
    CHECK_EQ(sink.count, 3);
    /* Columns 1 and 2 from the first section, 1 from the second (source
     * 5 + 1), which sorts between them. */
    static const uint32_t COL[] = {1, 1, 2}, SRC[] = {1, 6, 1};
    for (uint64_t i = 0; i < 3; i++) {
        CHECK_EQ(lsm_field(records, &pk, i, F_DST_COL), COL[i]);
        CHECK_EQ(lsm_field(records, &pk, i, F_SRC_ID), SRC[i]);
    }
    free(records);
}

/* Pass two trusts the shapes only after the fast scan read the whole
 * string: a "-0" leaves that to the exact scan, and must say so. */
static void test_fast_flag(void) {
    lsm_mappings_stats_t st;
    lsm_error_t err;
    const char *plain = "AAAA,CAAAC;ACAA";
    CHECK_EQ(scan_both(__LINE__, plain, strlen(plain), &st, &err), 0);
    CHECK(st.fast);
    /* Column 2^31 + 3, then "-0" as its next delta: column 3. */
    char s[64];
    size_t at = vlq_digits(s, (int64_t)1 << 30, 7);
    s[at++] = ',';
    at += vlq_digits(s + at, ((int64_t)1 << 30) + 3, 7);
    at += (size_t)sprintf(s + at, ",B");
    CHECK_EQ(scan_both(__LINE__, s, at, &st, &err), 0);
    CHECK(!st.fast);
}

int main(void) {
    /* Every test with the loops this CPU runs, then with the portable
     * ones (the same where there is no choice). */
    for (int plain = 0; plain < 2; plain++) {
        lsm_mappings_choose_loops(plain ? LSM_LOOPS_PLAIN : LSM_LOOPS_AUTO);
        RUN(test_value_lengths_at_every_offset);
        RUN(test_minus_zero_anywhere);
        RUN(test_high_bytes_everywhere);
        RUN(test_errors_at_every_offset);
        RUN(test_shape_table);
        RUN(test_every_shape_at_every_offset);
        RUN(test_bad_bytes_in_every_shape);
        RUN(test_minus_zero_valid);
        RUN(test_section_continues_line);
        RUN(test_fast_flag);
    }
    return check_finish();
}
