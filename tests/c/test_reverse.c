/* Reverse lookups against an oracle: for every original position of small
 * random maps (few sources, lines and columns, so that duplicates abound)
 * and of the bundler fixtures, lsm_generated_position_for() and
 * lsm_all_generated_positions_for() must equal a linear scan over the
 * view's tokens written from trace-mapping's rules. Also: views opened
 * from cache files, concurrent first use, allocation failures, misuse. */
#include <pthread.h>

#include "check.h"
#include "internal.h"
#include "util.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t next_rand(uint32_t bound) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % bound);
}

typedef struct oracle {
    uint32_t count;
    lsm_token_t *tokens; /* generated order */
} oracle_t;

static oracle_t oracle_of(const lsm_view_t *view) {
    oracle_t o = {lsm_view_token_count(view), NULL};
    o.tokens = calloc(o.count ? o.count : 1, sizeof *o.tokens);
    for (uint32_t i = 0; i < o.count; i++)
        lsm_view_get_token(view, i, &o.tokens[i], NULL);
    return o;
}

static bool on(const lsm_token_t *t, uint32_t src, uint32_t line) {
    return t->src_id == src && t->src_line == line;
}

/* The tokens the rules select, as indices into o->tokens, in the order the
 * library must give them; returns their number. `all` false: at most one. */
static uint32_t oracle_find(const oracle_t *o, uint32_t src, uint32_t line, uint32_t col,
                            int rule, bool all, uint32_t *found) {
    uint32_t n = 0;
    if (col == LSM_NO_ID) {
        /* The whole line, by column then generated order. */
        uint64_t prev = 0;
        for (;;) {
            uint64_t best = UINT64_MAX;
            for (uint32_t i = 0; i < o->count; i++)
                if (on(&o->tokens[i], src, line) && o->tokens[i].src_col >= prev &&
                    o->tokens[i].src_col < best)
                    best = o->tokens[i].src_col;
            if (best == UINT64_MAX)
                return n;
            for (uint32_t i = 0; i < o->count; i++)
                if (on(&o->tokens[i], src, line) && o->tokens[i].src_col == best)
                    found[n++] = i;
            prev = best + 1;
        }
    }
    bool exact = false;
    int64_t below = -1, above = -1; /* the nearest columns on each side */
    for (uint32_t i = 0; i < o->count; i++) {
        const lsm_token_t *t = &o->tokens[i];
        if (!on(t, src, line))
            continue;
        if (t->src_col == col)
            exact = true;
        else if (t->src_col < col && (int64_t)t->src_col > below)
            below = t->src_col;
        else if (t->src_col > col && (above < 0 || (int64_t)t->src_col < above))
            above = t->src_col;
    }
    int64_t want = exact ? col : rule == LSM_RULE_GREATEST_LOWER_BOUND ? below : above;
    if (want < 0)
        return 0;
    for (uint32_t i = 0; i < o->count; i++)
        if (on(&o->tokens[i], src, line) && o->tokens[i].src_col == (uint32_t)want)
            found[n++] = i;
    if (all || n == 0)
        return n;
    /* One: the first of the run, except LUB on the column (the last) and
     * GLB between columns (the last of the run before). */
    bool last = exact ? rule == LSM_RULE_LEAST_UPPER_BOUND : rule == LSM_RULE_GREATEST_LOWER_BOUND;
    found[0] = last ? found[n - 1] : found[0];
    return 1;
}

static void check_view(const lsm_view_t *view, const char *what, uint32_t max_line,
                       uint32_t max_col) {
    oracle_t o = oracle_of(view);
    uint32_t *want = calloc(o.count + 1, sizeof *want);
    lsm_token_t *got = calloc(o.count + 1, sizeof *got);
    uint32_t nsrc = lsm_view_source_count(view);
    int failures = 0;
    for (uint32_t src = 0; src < nsrc && failures < 5; src++) {
        for (uint32_t line = 0; line <= max_line + 1 && failures < 5; line++) {
            for (uint32_t c = 0; c <= max_col + 3 && failures < 5; c++) {
                uint32_t col = c == max_col + 3 ? LSM_NO_ID : c;
                for (int rule = 0; rule <= 2; rule += 2) {
                    lsm_error_t err;
                    POISON(err);
                    uint32_t n = oracle_find(&o, src, line, col, rule, true, want);
                    int64_t rv = lsm_all_generated_positions_for(view, src, line, col, rule, got,
                                                                 o.count + 1, &err);
                    CHECK_OK(err);
                    bool same = rv == n;
                    for (uint32_t k = 0; same && k < n; k++)
                        same = token_equal(&got[k], &o.tokens[want[k]], true);
                    if (!same) {
                        check_fail(__FILE__, __LINE__, "%s: all %u %u:%u rule %d: %lld, want %u",
                                   what, src, line, col, rule, (long long)rv, n);
                        failures++;
                    }
                    if (col == LSM_NO_ID)
                        continue;
                    n = oracle_find(&o, src, line, col, rule, false, want);
                    POISON(err);
                    lsm_token_t one;
                    int r = lsm_generated_position_for(view, src, line, col, rule, &one, &err);
                    CHECK_OK(err);
                    if (r != (int)n || (n && !token_equal(&one, &o.tokens[want[0]], true)) ||
                        (!n && !token_is_none(&one))) {
                        check_fail(__FILE__, __LINE__, "%s: one %u %u:%u rule %d: %d, want %u",
                                   what, src, line, col, rule, r, n);
                        failures++;
                    }
                }
            }
        }
    }
    free(want);
    free(got);
    free(o.tokens);
}

/* The same view from JSON and from its cache file. */
static void check_json_and_cache(const char *json, size_t len, const char *what,
                                 uint32_t max_line, uint32_t max_col) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(json, len, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    check_view(view, what, max_line, max_col);
    uint8_t *cache = NULL;
    size_t cache_len = 0;
    if (CHECK_CALL(lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &cache, &cache_len, &err) == 0,
                   err)) {
        lsm_view_t *cached = lsm_view_from_cache(cache, cache_len, &err);
        if (CHECK_CALL(cached != NULL, err)) {
            check_view(cached, what, max_line, max_col);
            lsm_view_free(cached);
        }
        lsm_buffer_free(cache);
    }
    lsm_view_free(view);
}

/* Small random maps: 3 sources, 4 original lines, 8 columns, generated
 * columns sometimes repeated or out of order, 1-field segments. */
static void test_random_maps(void) {
    for (int round = 0; round < 60; round++) {
        mappings_writer_t mw = {0};
        uint32_t lines = 1 + next_rand(4);
        for (uint32_t line = 0; line < lines; line++) {
            uint32_t n = next_rand(12), col = 0;
            for (uint32_t i = 0; i < n; i++) {
                int fields = next_rand(8) == 0 ? 1 : next_rand(2) ? 4 : 5;
                mw_segment(&mw, line, next_rand(5) == 0 ? next_rand(col + 1) : col, fields,
                           next_rand(3), next_rand(4), next_rand(8), next_rand(2));
                col += next_rand(3);
            }
        }
        sb_t json = {0};
        sb_printf(&json, "{\"version\":3,\"sources\":[\"a.js\",\"b.js\",null],"
                         "\"names\":[\"x\",\"y\"],\"mappings\":");
        sb_json_string(&json, mw.sb.s ? mw.sb.s : "", mw.sb.len);
        sb_puts(&json, "}");
        check_json_and_cache(json.s, json.len, "random", 4, 8);
        sb_free(&json);
        sb_free(&mw.sb);
    }
}

static void test_bundler_fixtures(void) {
    static const char *maps[] = {"esbuild/app.min.js.map", "terser/app.es.min.js.map",
                                 "tsc/greeter.js.map", "index-map/combined.js.map"};
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        size_t len;
        char *json = read_file(path_join(dir, maps[i]), &len);
        if (!json) {
            check_fail(__FILE__, __LINE__, "cannot read %s/%s", dir, maps[i]);
            continue;
        }
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_json(json, len, &err);
        if (CHECK_CALL(view != NULL, err)) {
            uint32_t max_line = 0, max_col = 0;
            for (uint32_t k = 0; k < lsm_view_token_count(view); k++) {
                lsm_token_t t;
                lsm_view_get_token(view, k, &t, NULL);
                if (t.src_id == LSM_NO_ID)
                    continue;
                max_line = t.src_line > max_line ? t.src_line : max_line;
                max_col = t.src_col > max_col ? t.src_col : max_col;
            }
            /* Every line, columns up to 50 (the oracle is quadratic). */
            check_view(view, maps[i], max_line, max_col < 50 ? max_col : 50);
            lsm_view_free(view);
        }
        free(json);
    }
}

static const char SMALL[] =
    "{\"version\":3,\"sourceRoot\":\"lib\",\"sources\":[\"a.js\",\"b.js\",\"a.js\"],"
    "\"names\":[],\"mappings\":\"AAAK,UAAA;AAAI,IAAA,IAEN\"}";

static void test_misuse(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    lsm_token_t t;
    POISON(err);
    CHECK_EQ(lsm_generated_position_for(NULL, 0, 0, 0, 0, &t, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_generated_position_for(view, 0, 0, 0, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_generated_position_for(view, 0, 0, 0, LSM_RULE_SAME_LINE, &t, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK(token_is_none(&t));
    POISON(err);
    CHECK_EQ(lsm_generated_position_for(view, 3, 0, 0, 0, &t, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    POISON(err);
    CHECK_EQ(lsm_all_generated_positions_for(view, 0, 0, 0, 0, NULL, 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_all_generated_positions_for(view, 0, 0, 0, 7, &t, 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* A count past the buffer: the first `cap` written, the total returned. */
    lsm_token_t two[2];
    POISON(err);
    CHECK_EQ(lsm_all_generated_positions_for(view, 0, 0, LSM_NO_ID, 0, NULL, 0, &err), 4);
    CHECK_OK(err);
    CHECK_EQ(lsm_all_generated_positions_for(view, 0, 0, LSM_NO_ID, 0, two, 2, &err), 4);
    CHECK_EQ(two[0].dst_line, 0);
    CHECK_EQ(two[0].dst_col, 0);
    CHECK_EQ(two[1].dst_col, 10);
    /* Sources by name: the first as written, then as resolved. */
    POISON(err);
    CHECK_EQ(lsm_view_find_source(view, "a.js", 4, &err), 0);
    CHECK_OK(err);
    CHECK_EQ(lsm_view_find_source(view, "lib/b.js", 8, &err), 1);
    POISON(err);
    CHECK_EQ(lsm_view_find_source(view, "c.js", 4, &err), -1);
    CHECK_ERR(err, LSM_ERR_NO_SOURCE);
    POISON(err);
    CHECK_EQ(lsm_view_find_source(view, NULL, 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_view_find_source(NULL, "a.js", 4, NULL), -1);
    /* NULL err is accepted everywhere. */
    CHECK_EQ(lsm_generated_position_for(view, 0, 2, 3, 0, &t, NULL), 1);
    CHECK_EQ(t.dst_line, 1);
    CHECK_EQ(t.dst_col, 8);
    lsm_view_free(view);
}

/* The index is built on first use: threads racing to build it on one view
 * must all answer right, and nothing may leak (one index is kept). */
typedef struct race {
    const lsm_view_t *view;
    pthread_barrier_t *barrier;
    int64_t sum;
} race_t;

static void *race_main(void *arg) {
    race_t *r = arg;
    pthread_barrier_wait(r->barrier);
    lsm_token_t t;
    for (uint32_t src = 0; src < lsm_view_source_count(r->view); src++)
        for (uint32_t line = 0; line < 60; line++)
            for (uint32_t col = 0; col < 40; col += 3)
                if (lsm_generated_position_for(r->view, src, line, col, 0, &t, NULL) == 1)
                    r->sum += (int64_t)t.dst_line * 100000 + t.dst_col;
    return NULL;
}

static void test_concurrent_first_use(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    size_t len;
    char *json = read_file(path_join(dir, "index-map/combined.js.map"), &len);
    if (!json) {
        check_fail(__FILE__, __LINE__, "cannot read the index map");
        return;
    }
    int64_t live = lsm_alloc_live();
    for (int round = 0; round < 20; round++) {
        lsm_view_t *view = lsm_view_from_json(json, len, NULL);
        CHECK(view != NULL);
        enum { N = 4 };
        pthread_t th[N];
        race_t r[N];
        pthread_barrier_t barrier;
        pthread_barrier_init(&barrier, NULL, N);
        for (int i = 0; i < N; i++) {
            r[i] = (race_t){view, &barrier, 0};
            pthread_create(&th[i], NULL, race_main, &r[i]);
        }
        for (int i = 0; i < N; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&barrier);
        for (int i = 1; i < N; i++)
            CHECK_EQ(r[i].sum, r[0].sum);
        CHECK(r[0].sum > 0);
        lsm_view_free(view);
    }
    CHECK_EQ(lsm_alloc_live(), live);
    free(json);
}

/* Every allocation of the first reverse lookup failing in turn: the call
 * fails with LSM_ERR_NOMEM, a later one succeeds, nothing leaks. */
static void test_allocation_failures(void) {
    lsm_error_t err;
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1; n < 10; n++) {
        lsm_view_t *view = lsm_view_from_json(SMALL, sizeof SMALL - 1, &err);
        if (!CHECK_CALL(view != NULL, err))
            return;
        lsm_token_t t;
        POISON(err);
        lsm_alloc_fail_after(n);
        int rv = lsm_generated_position_for(view, 0, 0, 5, 0, &t, &err);
        lsm_alloc_fail_after(0);
        if (rv == -1) {
            CHECK_ERR(err, LSM_ERR_NOMEM);
            CHECK(token_is_none(&t));
        } else {
            CHECK_EQ(rv, 1);
            CHECK_OK(err);
        }
        CHECK_EQ(lsm_generated_position_for(view, 0, 0, 5, 0, &t, &err), 1);
        CHECK_EQ(t.dst_col, 0);
        lsm_view_free(view);
        CHECK_EQ(lsm_alloc_live(), live);
    }
}

int main(void) {
    RUN(test_random_maps);
    RUN(test_bundler_fixtures);
    RUN(test_misuse);
    RUN(test_concurrent_first_use);
    RUN(test_allocation_failures);
    return check_finish();
}
