/* The deferred namer (lsm_js_namer_new_deferred, lsm_js_namer_prepare,
 * lsm_js_namer_give_scopes, LSM_NAMES_SCOPES_COMING) under allocation
 * failure, SQLite style (util.h's oom_loop_t): every allocation of
 * creating one, preparing it, a sweep of queries that makes it scan, a
 * scan built apart and given to it, and freeing one that never got its
 * scopes fails in turn. Each failing round gives LSM_ERR_NOMEM and leaks
 * nothing; the namer it leaves behind, asked again without failures,
 * answers every position exactly as the namer that scans at once. */
#include "check.h"
#include "internal.h"
#include "js/js.h"
#include "util.h"

/* class Basket { total() { throw } } and helper(), minified to one line;
 * the original in sourcesContent holds escapes, so reading it allocates. */
static const char GEN[] = "var o=class s{total(){throw new Error(\"t\")}};"
                          "function h(){return o}h();";
static const char MAP[] =
    "{\"version\":3,\"sources\":[\"a.js\"],"
    "\"names\":[\"_Basket\",\"helper\",\"Basket\",\"helper\"],"
    "\"mappings\":\"MAAA,MAAMA,EACJ,QACE,uBAGJ,SAASC,IACP,OAAOC,EAETC\","
    "\"sourcesContent\":[\"class Basket {\\n  total() {\\n    throw new Error(\\\"t\\\");\\n"
    "  }\\n}\\nfunction helper() {\\n  return Basket;\\n}\\nhelper();\\n\"]}";

static lsm_view_t *make_view(void) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(MAP, strlen(MAP), &err);
    if (!CHECK_CALL(view != NULL, err))
        check_bail("test map does not parse");
    return view;
}

/* Every column of the line and two past it, each as
 * "col:lookup rc@token column name rc how name;" in `out`. Stops at the
 * first error (false, `err` says why). */
static bool sweep(const lsm_view_t *view, lsm_js_namer_t *N, sb_t *out, lsm_error_t *err) {
    for (uint32_t col = 0; col <= sizeof GEN; col++) {
        lsm_token_t tok;
        int rc = lsm_js_namer_lookup(N, 0, col, &tok, err);
        if (rc < 0)
            return false;
        char buf[64];
        size_t len = 0;
        int how = -1;
        int named = lsm_js_namer_name_at(N, 0, col, buf, sizeof buf, &len, &how, err);
        if (named < 0) {
            /* A failed call leaves no half answer behind (the header). */
            CHECK(len == 0 && how == LSM_NAME_NONE && buf[0] == 0);
            return false;
        }
        /* lsm_js_frame_resolve(): the same in one call (the path
         * symbolication takes), its own code in the namer */
        lsm_token_t rtok;
        char rbuf[64];
        size_t rlen = 0;
        int rhow = -1, rnamed = -1;
        int rrc = lsm_js_frame_resolve(view, N, 0, col, &rtok, rbuf, sizeof rbuf, &rlen, &rhow,
                                       &rnamed, err);
        if (rrc < 0) {
            CHECK(rlen == 0 && rhow == LSM_NAME_NONE && rnamed == 0 && rbuf[0] == 0);
            return false;
        }
        sb_printf(out, "%u:%d@%d %d %d %.*s", col, rc, rc ? (int)tok.dst_col : -1, named, how,
                  (int)len, buf);
        if (rrc != rc || (rc && rtok.dst_col != tok.dst_col) || rnamed != named || rhow != how ||
            rlen != len || memcmp(rbuf, buf, len))
            sb_printf(out, " (resolve: %d@%u %d %d %.*s)", rrc, rtok.dst_col, rnamed, rhow,
                      (int)rlen, rbuf);
        sb_puts(out, ";");
    }
    return true;
}

/* The answers of the namer that scans at creation, with `flags`. */
static void reference(uint32_t flags, sb_t *out) {
    lsm_view_t *view = make_view();
    lsm_error_t err;
    lsm_js_namer_t *N = lsm_js_namer_new(view, GEN, strlen(GEN), flags, &err);
    if (!CHECK_CALL(N != NULL, err) || !CHECK_CALL(sweep(view, N, out, &err), err))
        check_bail("the reference namer fails");
    lsm_js_namer_free(N);
    lsm_view_free(view);
}

/* `N` asked again, nothing failing: the reference's answers. */
static void check_answers(const lsm_view_t *view, lsm_js_namer_t *N, const sb_t *want,
                          uint64_t round) {
    sb_t got = {0};
    lsm_error_t err;
    if (!sweep(view, N, &got, &err)) {
        check_fail(__FILE__, __LINE__, "N=%" PRIu64 ": asked again after the round", round);
        check_print_error(&err);
    } else if (strcmp(sb_str(&got), want->s) != 0) {
        check_fail(__FILE__, __LINE__, "N=%" PRIu64 ": other answers after the round", round);
        CHECK_CSTR(sb_str(&got), want->s);
    }
    sb_free(&got);
}

static void check_loop(const oom_loop_t *L, bool allocates, const char *what, uint32_t flags) {
    printf("# %s (flags %u): %" PRIu64 " allocation points\n", what, flags, L->failures);
    CHECK_CSTR(L->problem, "");
    if (allocates)
        CHECK(L->failures > 0);
    else
        CHECK_EQ(L->failures, 0);
}

/* The reference itself: pinned names from both sides, and a deferred
 * namer that gives them scanning only for the positions that need it. */
static void test_answers_as_the_eager_namer(void) {
    sb_t want = {0}, gen_only = {0}, got = {0};
    reference(LSM_NAMES_DEFAULT, &want);
    reference(LSM_NAMES_GENERATED_ONLY, &gen_only);
    /* `throw`: the original's method; the class's closing brace: past the
     * method its token is in (2), named from the generated class; the `;`
     * after it: outside every function */
    CHECK(strstr(want.s, ";22:1@22 1 1 Basket.total;") != NULL);
    CHECK(strstr(want.s, ";58:1@58 1 1 helper;") != NULL);
    CHECK(strstr(want.s, ";43:2@22 1 2 new Basket;44:2@22 0 0 ;") != NULL);
    CHECK(strstr(gen_only.s, ";22:1@22 1 2 Basket.total;") != NULL);
    CHECK(strstr(want.s, "resolve") == NULL && strstr(gen_only.s, "resolve") == NULL);
    lsm_view_t *view = make_view();
    lsm_js_namer_t *N = lsm_js_namer_new_deferred(view, GEN, strlen(GEN), 0, NULL);
    char buf[64];
    CHECK_EQ(lsm_js_namer_name_at(N, 0, 22, buf, sizeof buf, NULL, NULL, NULL), 1);
    CHECK(js_namer_minified(N) == NULL); /* an exact token: no scan */
    lsm_error_t err;
    CHECK(sweep(view, N, &got, &err));
    CHECK(js_namer_minified(N) != NULL);
    CHECK_CSTR(sb_str(&got), want.s);
    lsm_js_namer_free(N);
    lsm_view_free(view);
    sb_free(&got);
    sb_free(&want);
    sb_free(&gen_only);
}

/* Creating a deferred namer. `ask`: then asking it everything (given
 * NULL first when its scopes were to come); else freeing it at once,
 * armed, never given its scopes nor scanned. */
static void create_case(uint32_t flags, bool ask) {
    sb_t want = {0};
    reference(flags & ~(uint32_t)LSM_NAMES_SCOPES_COMING, &want);
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = make_view();
        lsm_error_t err;
        POISON(err);
        oom_arm(&L);
        lsm_js_namer_t *N = lsm_js_namer_new_deferred(view, GEN, strlen(GEN), flags, &err);
        bool made = N != NULL;
        if (made)
            CHECK(js_namer_minified(N) == NULL);
        if (!ask) {
            lsm_js_namer_free(N);
            N = NULL;
        }
        oom_disarm(&L);
        if (made)
            CHECK_OK(err);
        else
            CHECK_ERR(err, LSM_ERR_NOMEM);
        if (N && (flags & LSM_NAMES_SCOPES_COMING))
            CHECK_EQ(lsm_js_namer_give_scopes(N, NULL, NULL), 0);
        if (N)
            check_answers(view, N, &want, L.n);
        lsm_js_namer_free(N);
        lsm_view_free(view);
        oom_end(&L, made, &err);
    }
    check_loop(&L, true, ask ? "create" : "create and free unscanned", flags);
    sb_free(&want);
}

static void test_create(void) {
    create_case(LSM_NAMES_DEFAULT, true);
    create_case(LSM_NAMES_GENERATED_ONLY, true);
    create_case(LSM_NAMES_SCOPES_COMING, true);
}

/* Freed without ever getting its scopes (given nothing, never asked) or
 * its text scanned: nothing left. */
static void test_free_without_scopes(void) {
    create_case(LSM_NAMES_DEFAULT, false);
    create_case(LSM_NAMES_SCOPES_COMING, false);
}

/* `coming`: made with LSM_NAMES_SCOPES_COMING and given NULL (the scan
 * elsewhere failed), so that it scans itself. */
static lsm_js_namer_t *deferred(const lsm_view_t *view, uint32_t flags, bool coming) {
    lsm_error_t err;
    lsm_js_namer_t *N = lsm_js_namer_new_deferred(
        view, GEN, strlen(GEN), flags | (coming ? LSM_NAMES_SCOPES_COMING : 0), &err);
    if (!CHECK_CALL(N != NULL, err))
        check_bail("no deferred namer");
    if (coming)
        CHECK_EQ(lsm_js_namer_give_scopes(N, NULL, NULL), 0);
    return N;
}

static void prepare_case(bool coming) {
    sb_t want = {0};
    reference(LSM_NAMES_DEFAULT, &want);
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = make_view();
        lsm_js_namer_t *N = deferred(view, 0, coming);
        lsm_error_t err;
        POISON(err);
        oom_arm(&L);
        int rc = lsm_js_namer_prepare(N, &err);
        oom_disarm(&L);
        if (rc == 0) {
            CHECK_OK(err);
            CHECK(js_namer_minified(N) != NULL);
        } else {
            CHECK_EQ(rc, -1);
            CHECK_ERR(err, LSM_ERR_NOMEM);
            CHECK(js_namer_minified(N) == NULL);
        }
        check_answers(view, N, &want, L.n);
        lsm_js_namer_free(N);
        lsm_view_free(view);
        oom_end(&L, rc == 0, &err);
    }
    check_loop(&L, true, coming ? "prepare, given NULL" : "prepare", 0);
    sb_free(&want);
}

static void test_prepare(void) {
    prepare_case(false);
    prepare_case(true);
}

/* The queries themselves make the namer scan (and read the original). */
static void query_case(uint32_t flags, bool coming) {
    sb_t want = {0};
    reference(flags, &want);
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = make_view();
        lsm_js_namer_t *N = deferred(view, flags, coming);
        sb_t got = {0};
        lsm_error_t err;
        POISON(err);
        oom_arm(&L);
        bool ok = sweep(view, N, &got, &err);
        oom_disarm(&L);
        if (ok)
            CHECK_CSTR(sb_str(&got), want.s);
        else
            CHECK_ERR(err, LSM_ERR_NOMEM);
        check_answers(view, N, &want, L.n);
        sb_free(&got);
        lsm_js_namer_free(N);
        lsm_view_free(view);
        oom_end(&L, ok, &err);
    }
    check_loop(&L, true, coming ? "queries, given NULL" : "queries", flags);
    sb_free(&want);
}

static void test_queries_that_scan(void) {
    query_case(LSM_NAMES_DEFAULT, false);
    query_case(LSM_NAMES_GENERATED_ONLY, false);
    query_case(LSM_NAMES_DEFAULT, true);
}

/* The prescan's way: a scan built apart, NULL when it failed, given to
 * a namer made with LSM_NAMES_SCOPES_COMING; giving takes ownership and
 * never fails. */
static void test_give_scopes(void) {
    sb_t want = {0};
    reference(LSM_NAMES_DEFAULT, &want);
    oom_loop_t L;
    for (oom_begin(&L); oom_next(&L);) {
        lsm_view_t *view = make_view();
        lsm_js_namer_t *N = lsm_js_namer_new_deferred(view, GEN, strlen(GEN),
                                                      LSM_NAMES_SCOPES_COMING, NULL);
        lsm_error_t err, gerr;
        POISON(err);
        POISON(gerr);
        oom_arm(&L);
        lsm_js_scopes_t *S = lsm_js_scopes_build(GEN, strlen(GEN), &err);
        int rc = lsm_js_namer_give_scopes(N, S, &gerr);
        oom_disarm(&L);
        CHECK_EQ(rc, 0);
        CHECK_OK(gerr);
        if (!S)
            CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK((js_namer_minified(N) != NULL) == (S != NULL));
        check_answers(view, N, &want, L.n);
        lsm_js_namer_free(N);
        lsm_view_free(view);
        oom_end(&L, S != NULL, &err);
    }
    check_loop(&L, true, "give built scopes", LSM_NAMES_SCOPES_COMING);

    /* NULL, and scopes for a namer that has its own: nothing allocated,
     * the second copy freed at once. */
    for (int has_own = 0; has_own < 2; has_own++) {
        for (oom_begin(&L); oom_next(&L);) {
            lsm_view_t *view = make_view();
            lsm_js_namer_t *N = deferred(view, 0, true);
            if (has_own)
                CHECK_EQ(lsm_js_namer_prepare(N, NULL), 0);
            lsm_js_scopes_t *S = has_own ? lsm_js_scopes_build(GEN, strlen(GEN), NULL) : NULL;
            const lsm_js_scopes_t *before = js_namer_minified(N);
            lsm_error_t err;
            POISON(err);
            oom_arm(&L);
            int rc = lsm_js_namer_give_scopes(N, S, &err);
            oom_disarm(&L);
            CHECK_EQ(rc, 0);
            CHECK_OK(err);
            CHECK(js_namer_minified(N) == before);
            check_answers(view, N, &want, L.n);
            lsm_js_namer_free(N);
            lsm_view_free(view);
            oom_end(&L, rc == 0, &err);
        }
        check_loop(&L, false, has_own ? "give to a scanned namer" : "give NULL", LSM_NAMES_SCOPES_COMING);
    }
    sb_free(&want);
}

/* A query whose scan fails part way leaves no half answer: no LSM_NAME_*
 * kind without its name (the original side may have decided the kind
 * before the generated side's scan failed). Each column is asked first of
 * a fresh namer, so that its own call scans. */
static void test_failed_queries_leave_nothing(void) {
    uint64_t failed = 0;
    for (uint32_t col = 0; col <= sizeof GEN; col++) {
        for (int resolve = 0; resolve < 2; resolve++) {
            oom_loop_t L;
            for (oom_begin(&L); oom_next(&L);) {
                lsm_view_t *view = make_view();
                lsm_js_namer_t *N = deferred(view, 0, false);
                char buf[64] = "stale";
                size_t len = 99;
                int how = -1, named = -1;
                lsm_token_t tok;
                lsm_error_t err;
                POISON(err);
                oom_arm(&L);
                int rc = resolve ? lsm_js_frame_resolve(view, N, 0, col, &tok, buf, sizeof buf,
                                                        &len, &how, &named, &err)
                                 : lsm_js_namer_name_at(N, 0, col, buf, sizeof buf, &len, &how,
                                                        &err);
                oom_disarm(&L);
                if (rc < 0) {
                    failed++;
                    CHECK_ERR(err, LSM_ERR_NOMEM);
                    CHECK_EQ(len, 0);
                    CHECK_EQ(how, LSM_NAME_NONE);
                    CHECK_EQ(buf[0], 0);
                    if (resolve)
                        CHECK_EQ(named, 0);
                }
                lsm_js_namer_free(N);
                lsm_view_free(view);
                oom_end(&L, rc >= 0, &err);
            }
            CHECK_CSTR(L.problem, "");
        }
    }
    CHECK(failed > 0);
}

int main(void) {
    RUN(test_answers_as_the_eager_namer);
    RUN(test_create);
    RUN(test_prepare);
    RUN(test_queries_that_scan);
    RUN(test_give_scopes);
    RUN(test_free_without_scopes);
    RUN(test_failed_queries_leave_nothing);
    return check_finish();
}
