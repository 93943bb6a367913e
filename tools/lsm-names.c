/* lsm-names: the JavaScript namer's answers, dumped for comparison before
 * and after a change to the scanner (every line must stay the same).
 *
 *   lsm-names MAP JS [--deferred]
 *                              every scope of JS and of each source in the
 *                              map's sourcesContent, then, for every token
 *                              of the map, the frame lookup and the name
 *                              (--deferred: from lsm_js_namer_new_deferred,
 *                              which must print the same)
 *   lsm-names --scan JS [N]    scans JS N times (default 1) and prints the
 *                              scope count and the milliseconds of each scan
 *                              (a driver for profilers)
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsourcemap.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        if (!k)
            break;
        n += k;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void put_text(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static void put_u32(uint32_t v) {
    if (v == LSM_NO_ID)
        printf(" -");
    else
        printf(" %" PRIu32, v);
}

static int dump_scopes(const char *label, const char *src, size_t len, uint32_t flags) {
    lsm_error_t err;
    lsm_js_scopes_t *S = lsm_js_scopes_build_ex(src, len, flags, &err);
    if (!S) {
        printf("%s: error %s\n", label, lsm_error_name(err.code));
        return 0;
    }
    uint32_t n = lsm_js_scopes_count(S);
    printf("%s: %" PRIu32 " scopes\n", label, n);
    for (uint32_t i = 0; i < n; i++) {
        lsm_js_scope_t s;
        if (lsm_js_scopes_get(S, i, &s, &err) != 0)
            return lsm_js_scopes_free(S), 1;
        printf("S");
        put_u32(s.start_line);
        put_u32(s.start_col);
        put_u32(s.end_line);
        put_u32(s.end_col);
        put_u32(s.name_line);
        put_u32(s.name_col);
        put_u32(s.parent);
        putchar(' ');
        if (s.name)
            put_text(s.name, s.name_len);
        else
            putchar('-');
        putchar('\n');
    }
    lsm_js_scopes_free(S);
    return 0;
}

static int ends_with(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int scan(const char *path, int times) {
    size_t len = 0;
    char *src = read_file(path, &len);
    if (!src) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    for (int t = 0; t < times; t++) {
        struct timespec a, b;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        lsm_error_t err;
        lsm_js_scopes_t *S = lsm_js_scopes_build(src, len, &err);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        if (!S) {
            fprintf(stderr, "%s\n", err.message);
            free(src);
            return 1;
        }
        printf("%" PRIu32 " scopes, %.1f ms cpu\n", lsm_js_scopes_count(S),
               (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
        lsm_js_scopes_free(S);
    }
    free(src);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--scan") == 0)
        return scan(argv[2], argc >= 4 ? atoi(argv[3]) : 1);
    bool deferred = argc == 4 && strcmp(argv[3], "--deferred") == 0;
    if (argc != 3 && !deferred) {
        fprintf(stderr, "usage: %s MAP JS [--deferred] | --scan JS [N]\n", argv[0]);
        return 2;
    }
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_path(argv[1], LSM_LOAD_DEFAULT, &err);
    if (!view) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 1;
    }
    size_t len = 0;
    char *js = read_file(argv[2], &len);
    if (!js) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        lsm_view_free(view);
        return 1;
    }
    int rc = dump_scopes("generated", js, len, LSM_JS_DEFAULT);
    uint32_t nsrc = lsm_view_source_count(view);
    for (uint32_t i = 0; i < nsrc && !rc; i++) {
        size_t clen = 0, nlen = 0;
        const char *c = lsm_view_source_contents(view, i, &clen, NULL);
        const char *name = lsm_view_source_name(view, i, &nlen, NULL);
        if (!c)
            continue;
        char label[32];
        snprintf(label, sizeof label, "source %" PRIu32, i);
        int ts = name && (ends_with(name, nlen, ".ts") || ends_with(name, nlen, ".mts") ||
                          ends_with(name, nlen, ".cts"));
        rc = dump_scopes(label, c, clen, ts ? LSM_JS_NO_JSX : LSM_JS_DEFAULT);
    }
    lsm_js_namer_t *N = deferred ? lsm_js_namer_new_deferred(view, js, len, LSM_NAMES_DEFAULT, &err)
                                 : lsm_js_namer_new(view, js, len, LSM_NAMES_DEFAULT, &err);
    if (!N) {
        fprintf(stderr, "namer: %s\n", err.message);
        rc = 1;
    }
    uint32_t n = lsm_view_token_count(view);
    char buf[4096];
    for (uint32_t i = 0; i < n && !rc; i++) {
        lsm_token_t t, f;
        if (lsm_view_get_token(view, i, &t, &err) != 0)
            break;
        if (t.src_id == LSM_NO_ID)
            continue;
        int lr = lsm_js_namer_lookup(N, t.dst_line, t.dst_col, &f, &err);
        size_t nl = 0;
        int how = 0;
        int nr = lsm_js_namer_name_at(N, t.dst_line, t.dst_col, buf, sizeof buf, &nl, &how, &err);
        printf("T %" PRIu32 " %" PRIu32 " %d %d %d ", t.dst_line, t.dst_col, lr, nr, how);
        put_text(buf, nl < sizeof buf ? nl : sizeof buf - 1);
        putchar('\n');
    }
    lsm_js_namer_free(N);
    free(js);
    lsm_view_free(view);
    return rc;
}
