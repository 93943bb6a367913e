/* An experiment, not part of the library: how much one pass over
 * "mappings" that validates and packs at once would save against the two
 * the library makes (lsm_mappings_scan, then lsm_mappings_decode).
 *
 * The pass here is the best case of that design: it is handed the exact
 * packing (from a scan made beforehand, outside the clock), so it never
 * has to discover the field widths, grow them or repack the records,
 * which a real single pass must. It checks its records, line index and
 * stats byte for byte against the two passes' on every repetition.
 *
 * Build and run from the repository root after `meson compile -C build`
 * (MAPPINGS is a file holding just a map's "mappings" string, as the
 * first command below writes it):
 *
 *   gcc -O3 -std=gnu11 -Isrc -Iinclude -Ibuild -o build/one_pass \
 *       bench/experiments/one_pass.c build/liblsm_internal.a
 *   python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["mappings"])' \
 *       MAP > MAPPINGS
 *   build/one_pass MAPPINGS 15
 *
 * Figures are the best of the repetitions in thread CPU time; count
 * instructions with `valgrind --tool=callgrind build/one_pass MAPPINGS 1`
 * (fused_w or fused_n against fast_scan_bmi2, whose count includes the
 * scan made for the packing, and decode_bmi2). Results are in
 * bench/results/RESULTS.md ("One pass over mappings"). */
#define _GNU_SOURCE
#include "mappings.c"
#include "records.h"
#include <time.h>
#include <stdlib.h>

static inline __attribute__((always_inline)) int fused(const uint8_t *s, size_t len,
        lsm_token_sink_t *sink, lsm_mappings_stats_t *st, const bool wide) {
    const lsm_packing_t *pk = sink->packing;
    const unsigned rb = pk->record_bits;
    const unsigned w0 = pk->width[F_DST_COL], w1 = pk->width[F_SRC_LINE], w3 = pk->width[F_SRC_ID];
    const unsigned wa = w0 + w1 + pk->width[F_SRC_COL];
    const unsigned sh_b = rb > wa ? wa : 0;
    /* limits, times 4 as the sums are kept */
    const uint64_t lim_col = (((uint64_t)1 << w0) - 1) * 4, lim_sl = (((uint64_t)1 << w1) - 1) * 4;
    const uint64_t lim_sc = (((uint64_t)1 << pk->width[F_SRC_COL]) - 1) * 4;
    const uint64_t lim_src = (((uint64_t)1 << w3) - 2) * 4, lim_nm = (((uint64_t)1 << pk->width[F_NAME_ID]) - 2) * 4;
    uint64_t keep_a[16] = {0}, keep_b[16] = {0};
    keep_a[SHAPE_OK] = ((uint64_t)1 << w0) - 1;
    keep_a[3] = keep_a[7] = keep_a[15] = UINT64_MAX;
    keep_b[3] = ((uint64_t)1 << w3) - 1;
    keep_b[7] = keep_b[15] = UINT64_MAX;
    if (len >= ((size_t)1 << 31)) return -1;
    window_t w; w.end = s + len; w.in_tail = false;
    masks_t m = window_at(&w, s, true);
    const uint8_t *p = m.base;
    if (w.high) return -1;
    int64_t col = 0, src = 0, sl = 0, sc = 0, nm = 0;
    uint64_t line_max = 0, max_col = 0, max_src = 0, or_sl = 0, or_sc = 0, max_nm = 0, last_line_max = 0;
    uint32_t line = 0, last_line = 0;
    uint64_t segments = 0;
    unsigned kinds = 0;
    int64_t flags = 0, negs = 0;
    uint64_t acc = sink->acc, count = sink->count;
    unsigned bits = sink->acc_bits;
    uint8_t *out = sink->records + sink->word * 8;
    uint32_t last_col = sink->last_col;
    bool unsorted = sink->unsorted;
#define SYNC() do { sink->acc = acc; sink->acc_bits = bits; sink->word = (uint64_t)(out - sink->records) / 8; \
        sink->count = count; sink->unsorted = unsorted; sink->last_col = last_col; } while (0)
    for (;;) {
        while (p < w.end && *p == ';') { if (line == FIELD_MAX) return -1; line++; p++; }
        if (p >= w.end) break;
        SYNC();
        if (sink_new_line(sink, line)) return -2;
        acc = sink->acc;
        negs = 0;
        uint64_t line_segments = segments;
        size_t k = (size_t)(p - m.base);
        for (;;) {
            if (k > SHAPE_LAST) {
                m = window_at(&w, m.base + k, true);
                if (w.high) return -1;
                k = 0;
            }
            int64_t r[F_COUNT];
            unsigned n, kind;
            if (__builtin_expect(shape_read(m, k, r, &n, &kind, true), 1)) {
                col += r[0]; src += r[1]; sl += r[2]; sc += r[3]; nm += r[4];
                flags |= r[0] | r[1] | r[2] | r[3] | r[4];
                negs |= r[0];
            } else {
                size_t pos = k;
                int64_t v[F_COUNT];
                int cnt;
                if (!fast_segment(m.base, &pos, v, &cnt) || (cnt != 1 && cnt < 4))
                    return -1;
                col += v[0] * 4;
                negs |= v[0];
                if (cnt >= 4) { src += v[1] * 4; sl += v[2] * 4; sc += v[3] * 4; }
                if (cnt == 5) nm += v[4] * 4;
                kind = cnt == 1 ? SHAPE_OK : cnt == 4 ? SHAPE_OK | SHAPE_SRC : SHAPE_OK | SHAPE_SRC | SHAPE_NAME;
                n = (unsigned)(pos - k);
                if (m.base + pos != w.end && m.base[pos] != ',' && m.base[pos] != ';')
                    return -1;
            }
            kinds |= kind;
            /* A real single pass checks its provisional widths here, before
             * the record is written; fields a segment lacks keep values
             * checked before, so any excess is real. This one gives up. */
            if (__builtin_expect(((uint64_t)col > lim_col) | ((uint64_t)sl > lim_sl) |
                                 ((uint64_t)sc > lim_sc) | ((uint64_t)src > lim_src) |
                                 ((uint64_t)nm > lim_nm), 0))
                return -1;
            line_max = MAX64(line_max, (uint64_t)col);
            max_src = MAX64(max_src, (uint64_t)src);
            or_sl |= (uint64_t)sl; or_sc |= (uint64_t)sc;
            max_nm = MAX64(max_nm, (uint64_t)nm);
            const uint64_t ha = (((uint64_t)col >> 2) | ((uint64_t)sl >> 2) << w0 | ((uint64_t)sc >> 2) << (w0 + w1)) & keep_a[kind];
            const uint64_t hb = ((((uint64_t)src >> 2) + 1) | ((((uint64_t)nm >> 2) + 1) << w3)) & keep_b[kind];
            if (wide) {
                put_bits(ha, wa, &acc, &bits, &out);
                put_bits(hb, rb - wa, &acc, &bits, &out);
            } else {
                put_bits(ha | hb << sh_b, rb, &acc, &bits, &out);
            }
            count++;
            segments++;
            k += n;
            if (m.base[k] != ',') break;
            k++;
        }
        if (flags & 3) return -1;
        p = m.base + k;
        if (segments != line_segments) { last_line = line; last_line_max = line_max; max_col = MAX64(max_col, line_max); }
        unsorted = negs < 0;
        last_col = (uint32_t)(col >> 2);
        line_max = 0; col = 0;
    }
    SYNC();
    st->segments = segments; st->last_line = last_line;
    st->last_line_max_col = (uint32_t)(last_line_max / 4);
    st->max[F_DST_COL] = (uint32_t)(max_col / 4);
    st->max[F_SRC_LINE] = (uint32_t)(or_sl / 4);
    st->max[F_SRC_COL] = (uint32_t)(or_sc / 4);
    st->max[F_SRC_ID] = kinds & SHAPE_SRC ? (uint32_t)(max_src / 4) + 1 : 0;
    st->max[F_NAME_ID] = kinds & SHAPE_NAME ? (uint32_t)(max_nm / 4) + 1 : 0;
    st->fast = true;
    return 0;
}
__attribute__((target("bmi,bmi2"))) static int fused_w(const uint8_t *s, size_t len, lsm_token_sink_t *sink, lsm_mappings_stats_t *st) { return fused(s, len, sink, st, true); }
__attribute__((target("bmi,bmi2"))) static int fused_n(const uint8_t *s, size_t len, lsm_token_sink_t *sink, lsm_mappings_stats_t *st) { return fused(s, len, sink, st, false); }

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

typedef struct { uint8_t *rec, *li; lsm_token_sink_t sink; } out_t;
static void sink_init(out_t *o, lsm_packing_t *pk, uint64_t tokens, uint64_t lines) {
    o->rec = calloc(1, lsm_packing_bytes(pk, tokens)); o->li = malloc((lines + 1) * 4);
    memset(&o->sink, 0, sizeof o->sink); o->sink.records = o->rec; o->sink.packing = pk; o->sink.line_index = o->li;
}
int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: one_pass MAPPINGS REPETITIONS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* The NUL after the string is the non-digit the decoders rely on. */
    char *s = malloc(n + 1);
    if (fread(s, 1, n, f) != (size_t)n)
        return 1;
    s[n] = 0;
    fclose(f);
    int reps = atoi(argv[2]);
    lsm_mappings_stats_t st; lsm_error_t err;
    if (lsm_mappings_scan(s, n, UINT32_MAX, UINT32_MAX, &st, &err)) { printf("scan failed\n"); return 1; }
    lsm_packing_t pk; lsm_packing_init(&pk, st.max);
    uint64_t lines = st.last_line + 1;
    printf("segments %llu record_bits %u widths %u %u %u %u %u\n", (unsigned long long)st.segments, pk.record_bits,
           pk.width[0], pk.width[1], pk.width[2], pk.width[3], pk.width[4]);
    lsm_placement_t place = {0, 0, 0, 0, false, 0, 0};
    double best2 = 1e9, best1 = 1e9;
    out_t a, b;
    for (int r = 0; r < reps; r++) {
        sink_init(&a, &pk, st.segments, lines);
        double t0 = now();
        lsm_mappings_stats_t s2;
        lsm_mappings_scan(s, n, UINT32_MAX, UINT32_MAX, &s2, &err);
        lsm_mappings_decode(s, n, &s2, &place, &a.sink);
        lsm_sink_finish(&a.sink, a.sink.lines_started);
        double t1 = now();
        if (t1 - t0 < best2) best2 = t1 - t0;
        sink_init(&b, &pk, st.segments, lines);
        lsm_mappings_stats_t s1;
        t0 = now();
        int rc = pk.record_bits > 64 ? fused_w((const uint8_t *)s, n, &b.sink, &s1) : fused_n((const uint8_t *)s, n, &b.sink, &s1);
        lsm_sink_finish(&b.sink, b.sink.lines_started);
        t1 = now();
        if (rc) { printf("fused gave up %d\n", rc); return 1; }
        if (t1 - t0 < best1) best1 = t1 - t0;
        if (memcmp(&s1, &s2, sizeof s1) != 0) printf("stats differ\n");
        if (memcmp(a.rec, b.rec, lsm_packing_bytes(&pk, st.segments)) || memcmp(a.li, b.li, (a.sink.lines_started) * 4) || a.sink.count != b.sink.count)
            printf("records differ\n");
        if (r < reps - 1) { free(a.rec); free(a.li); free(b.rec); free(b.li); }
    }
    printf("two passes %.2f ms, fused %.2f ms (%.0f%%), %.1f vs %.1f ns/segment\n", best2 * 1e3, best1 * 1e3,
           100.0 * best1 / best2, best2 * 1e9 / st.segments, best1 * 1e9 / st.segments);
}
