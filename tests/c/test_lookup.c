/* Lookups against an oracle: for many positions, every rule's answer must
 * equal a linear scan over the view's tokens. Maps with long lines matter
 * most: there the column blocks narrow the search, and their edges (a line
 * starting or ending inside a block, runs of equal columns across a block
 * boundary) are where a lookup could go wrong. Views from JSON and from
 * their cache files are both checked. */
#include "check.h"
#include "util.h"

typedef struct oracle {
    uint32_t count;
    lsm_token_t *tokens;
} oracle_t;

static oracle_t oracle_of(const lsm_view_t *view) {
    oracle_t o = {lsm_view_token_count(view), NULL};
    o.tokens = calloc(o.count ? o.count : 1, sizeof *o.tokens);
    for (uint32_t i = 0; i < o.count; i++)
        lsm_view_get_token(view, i, &o.tokens[i], NULL);
    return o;
}

static int before_or_at(const lsm_token_t *t, uint32_t line, uint32_t col) {
    return t->dst_line < line || (t->dst_line == line && t->dst_col <= col);
}

static int same_pos(const lsm_token_t *a, const lsm_token_t *b) {
    return a->dst_line == b->dst_line && a->dst_col == b->dst_col;
}

/* The token index the rule selects, or -1, by a linear scan. Ties as the
 * header says: GLB the last of a run; SAME_LINE the first on an exact hit
 * and the last otherwise; LUB the last on an exact hit and the first
 * otherwise. */
static int64_t oracle_find(const oracle_t *o, uint32_t line, uint32_t col, int rule) {
    if (rule == LSM_RULE_LEAST_UPPER_BOUND) {
        for (uint32_t i = 0; i < o->count; i++) {
            if (o->tokens[i].dst_line == line && o->tokens[i].dst_col >= col) {
                if (o->tokens[i].dst_col == col)
                    while (i + 1 < o->count && same_pos(&o->tokens[i + 1], &o->tokens[i]))
                        i++;
                return i;
            }
        }
        return -1;
    }
    int64_t last = -1;
    for (uint32_t i = 0; i < o->count && before_or_at(&o->tokens[i], line, col); i++)
        last = i;
    if (last < 0 || (rule == LSM_RULE_SAME_LINE && o->tokens[last].dst_line != line))
        return -1;
    if (rule == LSM_RULE_SAME_LINE && o->tokens[last].dst_col == col)
        while (last > 0 && same_pos(&o->tokens[last - 1], &o->tokens[last]))
            last--;
    return last;
}

static void probe(const lsm_view_t *view, const oracle_t *o, uint32_t line, uint32_t col,
                  const char *what) {
    for (int rule = 0; rule <= 2; rule++) {
        lsm_token_t got;
        int rc = lsm_lookup_ex(view, line, col, rule, &got, NULL);
        int64_t want = oracle_find(o, line, col, rule);
        int want_rc = want >= 0 && o->tokens[want].src_id != LSM_NO_ID;
        if (rc != want_rc) {
            check_fail(__FILE__, __LINE__, "%s: %u:%u rule %d: returned %d, want %d", what,
                       line, col, rule, rc, want_rc);
            return;
        }
        if (want >= 0 && !token_equal(&got, &o->tokens[want], true)) {
            check_fail(__FILE__, __LINE__, "%s: %u:%u rule %d: wrong token", what, line, col,
                       rule);
            token_print("got", &got);
            token_print("want", &o->tokens[want]);
            return;
        }
    }
}

/* Probes around every token and a few positions past everything. */
static void check_view(const lsm_view_t *view, const char *what) {
    oracle_t o = oracle_of(view);
    uint32_t lines = lsm_view_line_count(view);
    /* The oracle is linear: keep the probe count moderate on big maps. */
    uint32_t step = o.count > 3000 ? o.count / 3000 : 1;
    for (uint32_t i = 0; i < o.count; i += step) {
        const lsm_token_t *t = &o.tokens[i];
        probe(view, &o, t->dst_line, t->dst_col, what);
        probe(view, &o, t->dst_line, t->dst_col + 1, what);
        if (t->dst_col > 0)
            probe(view, &o, t->dst_line, t->dst_col - 1, what);
        if (check_state.current_failures > 10)
            break;
    }
    for (uint32_t line = 0; line <= lines + 1; line++) {
        probe(view, &o, line, 0, what);
        probe(view, &o, line, UINT32_MAX, what);
        if (line > 50)
            break;
    }
    probe(view, &o, UINT32_MAX, UINT32_MAX, what);
    free(o.tokens);
}

static void check_json_and_cache(const char *json, size_t len, const char *what) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(json, len, &err);
    if (!view) {
        check_fail(__FILE__, __LINE__, "%s: %s: %s", what, lsm_error_name(err.code), err.message);
        return;
    }
    check_view(view, what);
    uint8_t *buf = NULL;
    size_t n = 0;
    if (lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &buf, &n, &err) != 0) {
        check_fail(__FILE__, __LINE__, "%s: dump: %s", what, err.message);
    } else {
        lsm_view_t *cached = lsm_view_from_cache(buf, n, &err);
        if (!cached)
            check_fail(__FILE__, __LINE__, "%s: open cache: %s", what, err.message);
        else
            check_view(cached, "cache");
        lsm_view_free(cached);
    }
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

/* A deterministic pseudo-random generator (xorshift), so runs repeat. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(uint32_t bound) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % bound);
}

/* Lines of very different lengths (0, 1, 15, 16, 17, 33 and thousands of
 * tokens), runs of equal columns (some across block boundaries), 1-field
 * segments, and columns out of order within some lines. */
static void test_synthetic_long_lines(void) {
    static const uint32_t lengths[] = {0, 1, 15, 16, 17, 33, 4000, 0, 2, 700, 48, 5000};
    mappings_writer_t mw = {0};
    for (uint32_t line = 0; line < sizeof lengths / sizeof lengths[0]; line++) {
        uint32_t col = next_rand(5);
        for (uint32_t i = 0; i < lengths[line]; i++) {
            int fields = next_rand(10) == 0 ? 1 : next_rand(2) ? 4 : 5;
            uint32_t c = col;
            if (line == 9 && next_rand(4) == 0)
                c = next_rand(col + 1); /* out of order: sorted on load */
            mw_segment(&mw, line, c, fields, next_rand(3), next_rand(1000), next_rand(80),
                       next_rand(7));
            if (next_rand(3))
                col += 1 + next_rand(40); /* else the next token repeats the column */
        }
    }
    sb_t json = {0};
    sb_printf(&json,
              "{\"version\":3,\"sources\":[\"a.js\",\"b.js\",null],"
              "\"names\":[\"n0\",\"n1\",\"n2\",\"n3\",\"n4\",\"n5\",\"n6\"],\"mappings\":");
    sb_json_string(&json, mw.sb.s ? mw.sb.s : "", mw.sb.len);
    sb_puts(&json, "}");
    check_json_and_cache(json.s, json.len, "synthetic");
    sb_free(&json);
    sb_free(&mw.sb);
}

static void test_bundler_fixtures(void) {
    static const char *maps[] = {
        "esbuild/app.min.js.map", "esbuild/app.js.map",        "terser/app.es.min.js.map",
        "webpack/app.js.map",     "rollup/app.iife.min.js.map", "tsc/greeter.js.map",
        "index-map/combined.js.map",
    };
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        size_t len;
        char *json = read_file(path_join(dir, maps[i]), &len);
        if (!json) {
            check_fail(__FILE__, __LINE__, "cannot read %s/%s", dir, maps[i]);
            continue;
        }
        check_json_and_cache(json, len, maps[i]);
        free(json);
    }
}

/* lsm_view_get_tokens() equals lsm_view_get_token() index by index, for
 * every start and chunk size tried, including ranges crossing lines and
 * the end; misuse is reported. */
static void test_get_tokens(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    size_t len;
    char *json = read_file(path_join(dir, "index-map/combined.js.map"), &len);
    if (!json) {
        check_fail(__FILE__, __LINE__, "cannot read the index map fixture");
        return;
    }
    lsm_view_t *view = lsm_view_from_json(json, len, NULL);
    free(json);
    CHECK(view != NULL);
    if (!view)
        return;
    uint32_t n = lsm_view_token_count(view);
    lsm_token_t *chunk = calloc(n + 8, sizeof *chunk);
    static const uint32_t sizes[] = {1, 2, 7, 64, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (uint32_t start = 0; start <= n + 2; start += 1 + start / 3) {
            lsm_error_t err;
            memset(&err, 0xff, sizeof err);
            int64_t got = lsm_view_get_tokens(view, start, sizes[s], chunk, &err);
            int64_t want = start >= n ? 0 : (n - start < sizes[s] ? n - start : sizes[s]);
            CHECK(got == want);
            CHECK(err.code == 0 && err.offset == -1);
            for (int64_t k = 0; k < got && k < want; k++) {
                lsm_token_t one;
                lsm_view_get_token(view, start + (uint32_t)k, &one, NULL);
                if (!token_equal(&chunk[k], &one, true)) {
                    check_fail(__FILE__, __LINE__, "token %u differs (chunk %u)",
                               start + (uint32_t)k, sizes[s]);
                    break;
                }
            }
        }
    }
    lsm_error_t err;
    CHECK(lsm_view_get_tokens(NULL, 0, 1, chunk, &err) == -1);
    CHECK(err.code == LSM_ERR_INVALID_ARGUMENT);
    CHECK(lsm_view_get_tokens(view, 0, 1, NULL, &err) == -1);
    CHECK(err.code == LSM_ERR_INVALID_ARGUMENT);
    CHECK(lsm_view_get_tokens(view, 0, 0, NULL, &err) == 0);
    CHECK(err.code == 0);
    free(chunk);
    lsm_view_free(view);
}

/* A cursor answers as lsm_lookup_ex() under its rule, at every probe of
 * a real map, writing exactly the token's numbers; misuse is reported. */
static void test_cursor(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    size_t len;
    char *json = read_file(path_join(dir, "esbuild/app.min.js.map"), &len);
    lsm_error_t err;
    lsm_view_t *view = json ? lsm_view_from_json(json, len, &err) : NULL;
    free(json);
    if (!view) {
        check_fail(__FILE__, __LINE__, "cannot load the esbuild fixture");
        return;
    }
    uint32_t lines = lsm_view_line_count(view);
    for (int rule = 0; rule < 3; rule++) {
        uint32_t out[7] = {0, 0, 0, 0, 0, 0, 0xabcdef};
        POISON(err);
        lsm_cursor_t *c = lsm_cursor_new(view, rule, out, &err);
        CHECK_CALL(c != NULL, err);
        for (uint32_t line = 0; c && line <= lines; line++) {
            for (uint32_t col = 0; col < 3000; col += 7) {
                lsm_token_t t;
                int want = lsm_lookup_ex(view, line, col, rule, &t, NULL);
                memset(out, 0x5a, 6 * sizeof out[0]);
                int got = lsm_cursor_lookup(c, (uint64_t)line << 32 | col);
                if (got == 1) {
                    /* lsm_cursor_find answers the same, into the same array */
                    uint32_t first[6];
                    memcpy(first, out, sizeof first);
                    memset(out, 0x5a, 6 * sizeof out[0]);
                    if (lsm_cursor_find(c, line, col) != 1 || memcmp(first, out, sizeof first) != 0) {
                        check_fail(__FILE__, __LINE__, "rule %d %u:%u: find differs", rule, line, col);
                        break;
                    }
                } else if (lsm_cursor_find(c, line, col) != got || out[0] != 0x5a5a5a5au) {
                    check_fail(__FILE__, __LINE__, "rule %d %u:%u: find differs", rule, line, col);
                    break;
                }
                if (got != want) {
                    check_fail(__FILE__, __LINE__, "rule %d %u:%u: %d, want %d", rule, line, col,
                               got, want);
                    break;
                }
                uint32_t ids[6] = {t.dst_line, t.dst_col, t.src_line, t.src_col, t.src_id, t.name_id};
                if (got == 1 ? memcmp(out, ids, sizeof ids) != 0 : out[0] != 0x5a5a5a5au) {
                    check_fail(__FILE__, __LINE__, "rule %d %u:%u: wrong numbers", rule, line, col);
                    break;
                }
            }
        }
        CHECK_EQ(out[6], 0xabcdef); /* nothing past the six */
        lsm_cursor_free(c);
    }
    POISON(err);
    CHECK(lsm_cursor_new(view, 3, (uint32_t[6]){0}, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_cursor_new(NULL, 0, (uint32_t[6]){0}, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_cursor_new(view, 0, NULL, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_cursor_lookup(NULL, 0), -1);
    CHECK_EQ(lsm_cursor_find(NULL, 0, 0), -1);
    lsm_cursor_free(NULL);

    /* lsm_lookup_columns: the same answers, a column per field. */
    enum { N = 4000 };
    static uint32_t qlines[N], qcols[N], col[6][N];
    for (uint32_t i = 0; i < N; i++) {
        qlines[i] = (i * 7u) % (lines + 2);
        qcols[i] = (i * 131u) % 5000;
    }
    for (int rule = 0; rule < 3; rule++) {
        POISON(err);
        int64_t found = lsm_lookup_columns(view, qlines, qcols, N, rule, col[0], col[1], col[2],
                                           col[3], col[4], col[5], &err);
        CHECK_OK(err);
        int64_t want_found = 0;
        for (uint32_t i = 0; i < N; i++) {
            lsm_token_t t;
            int rc = lsm_lookup_ex(view, qlines[i], qcols[i], rule, &t, NULL);
            uint32_t want[6] = {t.dst_line, t.dst_col, t.src_line, t.src_col, t.src_id, t.name_id};
            for (int f = 0; f < 6; f++) {
                uint32_t w = rc == 1 ? want[f] : LSM_NO_ID;
                if (col[f][i] != w) {
                    check_fail(__FILE__, __LINE__, "rule %d position %u field %d: %u, want %u",
                               rule, i, f, col[f][i], w);
                    i = N;
                    break;
                }
            }
            want_found += rc == 1;
        }
        CHECK_EQ(found, want_found);
    }
    POISON(err);
    CHECK_EQ(lsm_lookup_columns(view, qlines, qcols, N, 9, col[0], col[1], col[2], col[3], col[4],
                                col[5], &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_columns(view, qlines, qcols, N, 0, col[0], col[1], col[2], col[3], NULL,
                                col[5], &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_lookup_columns(view, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, &err),
             0);
    CHECK_OK(err);
    lsm_view_free(view);
}

int main(void) {
    RUN(test_cursor);
    RUN(test_synthetic_long_lines);
    RUN(test_bundler_fixtures);
    RUN(test_get_tokens);
    return check_finish();
}
