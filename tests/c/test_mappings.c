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
    CHECK_EQ(lsm_mappings_decode(s, len, &place, &sink), 0);
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
 * digit, a value cut off by ',' and a digit run too long. */
static void test_errors_at_every_offset(void) {
    static const char *const BAD[] = {"!", "g,", "ggggggggB"};
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

int main(void) {
    RUN(test_value_lengths_at_every_offset);
    RUN(test_minus_zero_anywhere);
    RUN(test_high_bytes_everywhere);
    RUN(test_errors_at_every_offset);
    return check_finish();
}
