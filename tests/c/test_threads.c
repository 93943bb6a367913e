/* Thread safety as the header states it: many threads reading one view
 * at once get the answers a single thread gets, and threads loading and
 * freeing different views at once do not disturb one another. Most useful
 * under a sanitizer or valgrind (helgrind/drd also work on it). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

#define THREADS 4
#define PROBES 6000

static uint32_t probe_line[PROBES], probe_col[PROBES];
static lsm_token_t expected[3][PROBES];
static int expected_rc[3][PROBES];

/* A map of a few thousand tokens over a few hundred lines, some lines
 * unsorted, some empty, 1-, 4- and 5-field segments. */
static char *big_map(uint64_t seed, size_t *len) {
    mappings_writer_t mw = {0};
    uint64_t x = seed;
    for (uint32_t line = 0; line < 300; line++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t count = (uint32_t)(x >> 60);   /* 0..15, lines with none too */
        for (uint32_t i = 0; i < count; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t col = (uint32_t)(x >> 40) % 200;
            int fields = (x >> 20) % 7 == 0 ? 1 : (x >> 22) % 2 ? 5 : 4;
            mw_segment(&mw, line, col, fields, (uint32_t)(x >> 24) % 5, line + i,
                       (uint32_t)(x >> 28) % 80, (uint32_t)(x >> 32) % 7);
        }
    }
    sb_t sb = {0};
    sb_printf(&sb,
              "{\"version\":3,\"sourceRoot\":\"root\",\"sources\":[\"a\",\"b\",null,\"d\",\"e\"],"
              "\"names\":[\"n0\",\"n1\",\"n2\",\"n3\",\"n4\",\"n5\",\"n6\"],\"mappings\":\"%s\"}",
              sb_str(&mw.sb));
    sb_free(&mw.sb);
    *len = sb.len;
    return sb.s;
}

typedef struct reader_arg {
    const lsm_view_t *view;
    int index;
    int mismatches;
} reader_arg_t;

static void *reader(void *p) {
    reader_arg_t *arg = p;
    lsm_token_t *many = malloc(PROBES * sizeof *many);
    if (!many)
        abort();
    for (int round = 0; round < 4; round++) {
        /* Each thread walks the probes from a different start. */
        for (int k = 0; k < PROBES; k++) {
            int i = (k + arg->index * PROBES / THREADS) % PROBES;
            int rule = (i + round) % 3;
            lsm_token_t t;
            lsm_error_t err;
            int rc = lsm_lookup_ex(arg->view, probe_line[i], probe_col[i], rule, &t, &err);
            if (rc != expected_rc[rule][i] || !token_equal(&t, &expected[rule][i], true) ||
                err.code != LSM_OK)
                arg->mismatches++;
        }
        int rule = round % 3;
        int64_t found = lsm_lookup_many(arg->view, probe_line, probe_col, PROBES, rule, many, NULL);
        int64_t want = 0;
        for (int i = 0; i < PROBES; i++) {
            want += expected_rc[rule][i] == 1;
            if (expected_rc[rule][i] == 1 ? !token_equal(&many[i], &expected[rule][i], true)
                                          : !token_is_none(&many[i]))
                arg->mismatches++;
        }
        if (found != want)
            arg->mismatches++;
        /* Token reads and strings too. */
        for (uint32_t i = 0; i < lsm_view_token_count(arg->view); i += 7) {
            lsm_token_t t;
            if (lsm_view_get_token(arg->view, i, &t, NULL) != 0)
                arg->mismatches++;
        }
        for (uint32_t i = 0; i < lsm_view_source_count(arg->view); i++)
            (void)lsm_view_source_url(arg->view, i, NULL, NULL);
    }
    free(many);
    return NULL;
}

static void test_shared_view(void) {
    size_t len;
    char *json = big_map(42, &len);
    lsm_view_t *view = lsm_view_from_json(json, len, NULL);
    free(json);
    if (!view) {
        check_fail(__FILE__, __LINE__, "the map does not load");
        return;
    }
    printf("# %u tokens on %u lines\n", lsm_view_token_count(view), lsm_view_line_count(view));
    uint64_t x = 7;
    for (int i = 0; i < PROBES; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        probe_line[i] = (uint32_t)(x >> 40) % 310;
        probe_col[i] = (uint32_t)(x >> 20) % 210;
    }
    for (int rule = 0; rule < 3; rule++)
        for (int i = 0; i < PROBES; i++)
            expected_rc[rule][i] =
                lsm_lookup_ex(view, probe_line[i], probe_col[i], rule, &expected[rule][i], NULL);

    pthread_t threads[THREADS];
    reader_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (reader_arg_t){view, i, 0};
        CHECK_EQ(pthread_create(&threads[i], NULL, reader, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
        if (args[i].mismatches)
            check_fail(__FILE__, __LINE__, "thread %d: %d answers differ", i, args[i].mismatches);
    }
    lsm_view_free(view);
}

/* Threads each loading, reading and freeing their own views, built from
 * different maps; each compares with a dump made before the threads. */
typedef struct loader_arg {
    char *json;
    size_t len;
    char *want;          /* the token dump */
    int failures;
} loader_arg_t;

static void *loader(void *p) {
    loader_arg_t *arg = p;
    for (int round = 0; round < 6; round++) {
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_json(arg->json, arg->len, &err);
        if (!view) {
            arg->failures++;
            continue;
        }
        sb_t have = {0};
        view_tokens_text(view, &have);
        if (strcmp(have.s, arg->want) != 0)
            arg->failures++;
        sb_free(&have);
        /* An error path too. */
        if (lsm_view_from_json(arg->json, arg->len / 2, &err) != NULL || err.code != LSM_ERR_JSON)
            arg->failures++;
        lsm_view_free(view);
    }
    return NULL;
}

static void test_parallel_loads(void) {
    int64_t live = lsm_alloc_live();
    loader_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i].json = big_map(1000 + (uint64_t)i, &args[i].len);
        args[i].failures = 0;
        lsm_view_t *view = lsm_view_from_json(args[i].json, args[i].len, NULL);
        sb_t dump = {0};
        view_tokens_text(view, &dump);
        args[i].want = dump.s;
        lsm_view_free(view);
    }
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&threads[i], NULL, loader, &args[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
        if (args[i].failures)
            check_fail(__FILE__, __LINE__, "thread %d: %d failures", i, args[i].failures);
        free(args[i].json);
        free(args[i].want);
    }
    /* The allocation counters are atomic: balanced after the threads. */
    CHECK_EQ(lsm_alloc_live(), live);
}

int main(void) {
    RUN(test_shared_view);
    RUN(test_parallel_loads);
    return check_finish();
}
