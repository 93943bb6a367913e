/*
 * lsm_bench: measures libsourcemap through its C API, for bench/run.py.
 *
 *   lsm_bench [options] MAP POSITIONS
 *
 * MAP is a source map (JSON). POSITIONS is a text file of "line col" pairs
 * (0-based), one a line, the same file every implementation gets.
 * Prints one JSON object on stdout; timings are seconds (wall clock,
 * CLOCK_MONOTONIC) per repetition, so the caller takes the medians.
 *
 * Options:
 *   --warm N          warm parses after the first, cold one (default 5)
 *   --budget S        stop repeating a figure after about S seconds (default 3)
 *   --passes N        passes over the positions per lookup figure (default 3)
 *   --cache-file F    where to write the cache file for the cache figures
 *                     (default: no cache figures)
 *   --threads         also measure one thread vs two threads parsing
 *
 * The cache functions are referenced weakly so that this harness builds and
 * runs against a library that does not export them yet: such figures then
 * report an error instead of a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsourcemap.h"

#pragma weak lsm_view_dump_cache
#pragma weak lsm_view_from_cache
#pragma weak lsm_view_from_cache_path
#pragma weak lsm_buffer_free
#pragma weak lsm_lookup_many

#define MAX_REPS 1000

/* Keeps loops whose results are otherwise unused from being removed. */
static volatile long long sink;

/* Output is built in memory and printed whole at checkpoints, so that a
 * crash in a later figure (say, in the cache functions being written) still
 * leaves the earlier figures on stdout: run.py takes the last line. */
static FILE *g_out;
static char *g_buf;
static size_t g_len;
#define printf(...) fprintf(g_out, __VA_ARGS__)
#define putchar(c) fputc((c), g_out)

static void checkpoint(const char *next_stage) {
    fflush(g_out);
    fwrite(g_buf, 1, g_len, stdout);
    if (next_stage) fprintf(stdout, ",\"stage\":\"%s\"}\n", next_stage);
    fflush(stdout);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set size of this process so far, in bytes (VmHWM). */
static long long vm_hwm(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kb = strtoll(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

/* Resets VmHWM to the current RSS (Linux >= 4.0), so that the peak we
 * measure is the parse's and not that of whatever ran before it. */
static void reset_hwm(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[size] = 0;
        *len = (size_t)size;
    }
    return buf;
}

/* JSON string output (messages only; no control characters expected). */
static void put_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void put_list(const char *key, const double *v, int n) {
    printf(",\"%s\":[", key);
    for (int i = 0; i < n; i++) printf("%s%.9g", i ? "," : "", v[i]);
    printf("]");
}

static void put_error(const char *key, const char *what, const lsm_error_t *err) {
    char buf[400];
    snprintf(buf, sizeof buf, "%s: %s (%s)", what, err ? err->message : "",
             err ? lsm_error_name(err->code) : "");
    printf(",\"%s\":", key);
    put_str(buf);
}

typedef struct {
    uint32_t *lines, *cols;
    size_t count;
} positions_t;

static int read_positions(const char *path, positions_t *p) {
    FILE *f = fopen(path, "r");
    size_t cap = 1024;
    unsigned long l, c;
    if (!f) return -1;
    p->count = 0;
    p->lines = malloc(cap * sizeof *p->lines);
    p->cols = malloc(cap * sizeof *p->cols);
    while (fscanf(f, "%lu %lu", &l, &c) == 2) {
        if (p->count == cap) {
            cap *= 2;
            p->lines = realloc(p->lines, cap * sizeof *p->lines);
            p->cols = realloc(p->cols, cap * sizeof *p->cols);
        }
        p->lines[p->count] = (uint32_t)l;
        p->cols[p->count] = (uint32_t)c;
        p->count++;
    }
    fclose(f);
    return 0;
}

/* One pass of single lookups; returns seconds, sets found and checksum
 * (sum of src_line + src_col over found tokens, compared across
 * implementations by run.py). */
static double lookup_pass(const lsm_view_t *v, const positions_t *p, long long *found,
                          long long *sum) {
    lsm_token_t tok;
    long long n = 0, s = 0;
    double t0 = now();
    for (size_t i = 0; i < p->count; i++) {
        if (lsm_lookup(v, p->lines[i], p->cols[i], &tok, NULL) == 1) {
            n++;
            s += (long long)tok.src_line + tok.src_col;
        }
    }
    double t = now() - t0;
    *found = n;
    *sum = s;
    return t;
}

static double batch_pass(const lsm_view_t *v, const positions_t *p, lsm_token_t *out,
                         long long *found, long long *sum, lsm_error_t *err) {
    double t0 = now();
    int64_t n = lsm_lookup_many(v, p->lines, p->cols, p->count, LSM_RULE_GREATEST_LOWER_BOUND,
                                out, err);
    double t = now() - t0;
    long long s = 0;
    if (n < 0) return -1;
    for (size_t i = 0; i < p->count; i++)
        if (out[i].src_id != LSM_NO_ID) s += (long long)out[i].src_line + out[i].src_col;
    *found = n;
    *sum = s;
    return t;
}

/* ------------------------------------------------------------ threads */

typedef struct {
    const char *bytes;
    size_t len;
    int n;
    pthread_barrier_t *barrier;
    int failed;
} parse_job_t;

/* The control: arithmetic only, no memory, no library. What two threads
 * gain on it is what the machine gives right now (a shared machine's other
 * load takes cores away); the library's speedup is read against it. */
static volatile double spin_sink;

static void spin(long n) {
    double x = 0;
    for (long i = 0; i < n; i++) x = x * 0.999999 + (double)i;
    spin_sink = x;
}

static void *parse_worker(void *arg) {
    parse_job_t *job = arg;
    if (job->barrier) pthread_barrier_wait(job->barrier);
    if (!job->bytes) {
        spin((long)job->len * job->n);
        return NULL;
    }
    for (int i = 0; i < job->n; i++) {
        lsm_view_t *v = lsm_view_from_json(job->bytes, job->len, NULL);
        if (!v) job->failed = 1;
        lsm_view_free(v);
    }
    return NULL;
}

/* Wall time for `nthreads` threads each parsing the bytes n times. */
static double parse_threads(const char *bytes, size_t len, int n, int nthreads) {
    pthread_t th[2];
    parse_job_t jobs[2];
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)nthreads + 1);
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (parse_job_t){bytes, len, n, &barrier, 0};
        pthread_create(&th[i], NULL, parse_worker, &jobs[i]);
    }
    pthread_barrier_wait(&barrier);
    double t0 = now();
    for (int i = 0; i < nthreads; i++) pthread_join(th[i], NULL);
    double t = now() - t0;
    pthread_barrier_destroy(&barrier);
    for (int i = 0; i < nthreads; i++)
        if (jobs[i].failed) return -1;
    return t;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    double tmp[MAX_REPS];
    if (n <= 0) return 0;
    memcpy(tmp, v, (size_t)n * sizeof *v);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* Times `open` repeatedly (at least 5, at most MAX_REPS or about 0.3 s). */
static int time_opens(double *out, int which, const uint8_t *buf, size_t len, const char *path,
                      lsm_error_t *err) {
    int n = 0;
    double start = now();
    while (n < MAX_REPS && (n < 5 || now() - start < 0.3)) {
        double t0 = now();
        lsm_view_t *v = which == 0 ? lsm_view_from_cache(buf, len, err)
                                   : lsm_view_from_cache_path(path, err);
        double t = now() - t0;
        if (!v) return -1;
        lsm_view_free(v);
        out[n++] = t;
    }
    return n;
}

int main(int argc, char **argv) {
    int warm = 5, passes = 3, do_threads = 0;
    double budget = 3.0;
    const char *cache_file = NULL, *map_path = NULL, *pos_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--warm") && i + 1 < argc) warm = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc) budget = atof(argv[++i]);
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc) passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cache-file") && i + 1 < argc) cache_file = argv[++i];
        else if (!strcmp(argv[i], "--threads")) do_threads = 1;
        else if (!map_path) map_path = argv[i];
        else if (!pos_path) pos_path = argv[i];
        else {
            fprintf(stderr, "lsm_bench: unexpected argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!map_path || !pos_path) {
        fprintf(stderr, "usage: lsm_bench [--warm N] [--budget S] [--passes N] "
                        "[--cache-file F] [--threads] MAP POSITIONS\n");
        return 2;
    }
    if (warm > MAX_REPS - 1) warm = MAX_REPS - 1;
    if (passes > MAX_REPS) passes = MAX_REPS;

    size_t len = 0;
    char *bytes = read_file(map_path, &len);
    if (!bytes) {
        fprintf(stderr, "lsm_bench: cannot read %s: %s\n", map_path, strerror(errno));
        return 1;
    }
    positions_t pos;
    if (read_positions(pos_path, &pos) != 0 || pos.count == 0) {
        fprintf(stderr, "lsm_bench: cannot read positions from %s\n", pos_path);
        return 1;
    }

    lsm_error_t err;
    lsm_token_t tok;
    double times[MAX_REPS];
    int n;

    g_out = open_memstream(&g_buf, &g_len);
    if (!g_out) return 1;
    printf("{\"impl\":\"c\",\"version\":");
    put_str(lsm_version());
    printf(",\"map_bytes\":%zu,\"positions\":%zu", len, pos.count);

    /* Lookup-ready, cold: the first parse in this process, with its peak
     * memory increase over the process with the bytes already loaded. */
    reset_hwm();
    long long hwm0 = vm_hwm();
    double t0 = now();
    lsm_view_t *view = lsm_view_from_json(bytes, len, &err);
    if (view) lsm_lookup(view, pos.lines[0], pos.cols[0], &tok, NULL);
    double cold = now() - t0;
    long long hwm1 = vm_hwm();
    if (!view) {
        put_error("error", "lsm_view_from_json", &err);
        printf("}\n");
        checkpoint(NULL);
        return 0;
    }
    uint32_t ntok = lsm_view_token_count(view);
    printf(",\"tokens\":%" PRIu32 ",\"parse_cold_s\":%.9g,\"mem_increase_bytes\":%lld", ntok,
           cold, hwm1 - hwm0);
    printf(",\"hwm_before_bytes\":%lld", hwm0);

    /* Lookup-ready, warm: the view copying what it keeps of the input
     * (lsm_view_from_json), and borrowing the input (LSM_LOAD_BORROW, how
     * Python's View.from_json(bytes) and every from_path load), one of each
     * in turn so that the machine's drift falls on both alike. */
    double borrowed[MAX_REPS];
    n = 0;
    double start = now();
    while (n < warm && (n == 0 || now() - start < budget)) {
        t0 = now();
        lsm_view_t *v = lsm_view_from_json(bytes, len, NULL);
        lsm_lookup(v, pos.lines[0], pos.cols[0], &tok, NULL);
        times[n] = now() - t0;
        lsm_view_free(v);
        t0 = now();
        v = lsm_view_from_json_ex(bytes, len, LSM_LOAD_BORROW, NULL);
        lsm_lookup(v, pos.lines[0], pos.cols[0], &tok, NULL);
        borrowed[n++] = now() - t0;
        lsm_view_free(v);
    }
    put_list("parse_warm_s", times, n);
    put_list("parse_warm_borrow_s", borrowed, n);

    /* Single lookups. */
    long long found = 0, sum = 0;
    for (n = 0; n < passes; n++) times[n] = lookup_pass(view, &pos, &found, &sum);
    put_list("lookup_s", times, n);
    printf(",\"lookup_found\":%lld,\"lookup_checksum\":%lld", found, sum);

    /* Batch lookups. */
    lsm_token_t *out = malloc(pos.count * sizeof *out);
    if (!lsm_lookup_many) {
        printf(",\"batch_error\":\"lsm_lookup_many is not exported\"");
    } else {
        long long bf = 0, bs = 0;
        for (n = 0; n < passes; n++) {
            times[n] = batch_pass(view, &pos, out, &bf, &bs, &err);
            if (times[n] < 0) break;
        }
        if (n < passes) put_error("batch_error", "lsm_lookup_many", &err);
        else {
            put_list("batch_s", times, n);
            printf(",\"batch_found\":%lld,\"batch_checksum\":%lld", bf, bs);
        }
    }

    /* Iteration over every token. */
    for (n = 0; n < passes; n++) {
        long long s = 0;
        t0 = now();
        for (uint32_t i = 0; i < ntok; i++) {
            lsm_view_get_token(view, i, &tok, NULL);
            s += tok.dst_col;
        }
        times[n] = now() - t0;
        sink += s;
    }
    put_list("iter_s", times, n);

    /* Cache: dump, open from memory, open from a file, lookups on it. */
    if (cache_file) {
        checkpoint("cache");
        printf(",\"cache\":{");
        uint8_t *buf = NULL;
        size_t blen = 0;
        int ok = 1;
        if (!lsm_view_dump_cache || !lsm_view_from_cache || !lsm_view_from_cache_path) {
            printf("\"error\":\"the cache functions are not exported\"");
            ok = 0;
        }
        if (ok) {
            n = 0;
            start = now();
            while (n < warm && (n == 0 || now() - start < budget)) {
                if (buf) lsm_buffer_free(buf);
                buf = NULL;
                t0 = now();
                int rc = lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &buf, &blen, &err);
                times[n++] = now() - t0;
                if (rc != 0) {
                    printf("\"error\":");
                    char msg[400];
                    snprintf(msg, sizeof msg, "lsm_view_dump_cache: %s (%s)", err.message,
                             lsm_error_name(err.code));
                    put_str(msg);
                    ok = 0;
                    break;
                }
            }
        }
        if (ok) {
            printf("\"size_bytes\":%zu", blen);
            put_list("dump_s", times, n);
            uint8_t *nc = NULL;
            size_t nclen = 0;
            if (lsm_view_dump_cache(view, LSM_CACHE_WITH_NAMES, &nc, &nclen, NULL) == 0)
                printf(",\"size_no_contents_bytes\":%zu", nclen);
            lsm_buffer_free(nc);
            FILE *f = fopen(cache_file, "wb");
            if (!f || fwrite(buf, 1, blen, f) != blen || fclose(f) != 0) {
                printf(",\"error\":\"cannot write the cache file\"");
                ok = 0;
            }
        }
        if (ok) {
            n = time_opens(times, 0, buf, blen, NULL, &err);
            if (n < 0) {
                put_error("error", "lsm_view_from_cache", &err);
                ok = 0;
            } else {
                put_list("open_s", times, n);
            }
        }
        if (ok) {
            n = time_opens(times, 1, NULL, 0, cache_file, &err);
            if (n < 0) {
                put_error("error", "lsm_view_from_cache_path", &err);
                ok = 0;
            } else {
                put_list("open_path_s", times, n);
            }
        }
        if (ok) {
            lsm_view_t *cv = lsm_view_from_cache_path(cache_file, &err);
            if (!cv) {
                put_error("error", "lsm_view_from_cache_path", &err);
            } else {
                long long cf = 0, cs = 0;
                printf(",\"tokens\":%" PRIu32, lsm_view_token_count(cv));
                for (n = 0; n < passes; n++) times[n] = lookup_pass(cv, &pos, &cf, &cs);
                put_list("lookup_s", times, n);
                printf(",\"lookup_found\":%lld,\"lookup_checksum\":%lld", cf, cs);
                if (lsm_lookup_many) {
                    for (n = 0; n < passes; n++) {
                        times[n] = batch_pass(cv, &pos, out, &cf, &cs, &err);
                        if (times[n] < 0) break;
                    }
                    if (n == passes) put_list("batch_s", times, n);
                }
                lsm_view_free(cv);
            }
        }
        if (buf) lsm_buffer_free(buf);
        printf("}");
    }

    /* Two threads parsing the same bytes vs one thread. */
    if (do_threads) {
        checkpoint("threads");
        t0 = now();
        lsm_view_t *v = lsm_view_from_json(bytes, len, NULL);
        double one = now() - t0;
        lsm_view_free(v);
        int iters = (int)(0.6 / (one > 1e-6 ? one : 1e-6)) + 1;
        if (iters > 2000) iters = 2000;
        if (iters < 2) iters = 2;
        /* a spin of about the same length as one thread's parses */
        long unit = 1000000;
        t0 = now();
        spin(unit);
        double per_unit = now() - t0;
        long spin_units = (long)(one * iters / (per_unit > 1e-9 ? per_unit : 1e-9)) + 1;
        double t1[5], t2[5], c1[5], c2[5];
        int reps = 3, bad = 0;
        for (int r = 0; r < reps; r++) {
            /* alternate which configuration goes first */
            if (r % 2 == 0) {
                t1[r] = parse_threads(bytes, len, iters, 1);
                t2[r] = parse_threads(bytes, len, iters, 2);
                c1[r] = parse_threads(NULL, (size_t)unit, (int)spin_units, 1);
                c2[r] = parse_threads(NULL, (size_t)unit, (int)spin_units, 2);
            } else {
                c2[r] = parse_threads(NULL, (size_t)unit, (int)spin_units, 2);
                c1[r] = parse_threads(NULL, (size_t)unit, (int)spin_units, 1);
                t2[r] = parse_threads(bytes, len, iters, 2);
                t1[r] = parse_threads(bytes, len, iters, 1);
            }
            if (t1[r] < 0 || t2[r] < 0) bad = 1;
        }
        if (bad) {
            printf(",\"threads\":{\"error\":\"a parse failed in a worker thread\"}");
        } else {
            printf(",\"threads\":{\"iterations\":%d", iters);
            put_list("one_thread_s", t1, reps);
            put_list("two_threads_s", t2, reps);
            printf(",\"speedup\":%.4f", 2.0 * median(t1, reps) / median(t2, reps));
            put_list("control_one_thread_s", c1, reps);
            put_list("control_two_threads_s", c2, reps);
            printf(",\"control_speedup\":%.4f}", 2.0 * median(c1, reps) / median(c2, reps));
        }
    }

    printf("}\n");
    checkpoint(NULL);
    free(out);
    lsm_view_free(view);
    free(bytes);
    free(pos.lines);
    free(pos.cols);
    return 0;
}
