/* ProGuard mappings (lsm_proguard_*): parsing, the 0.8 lookup, every error
 * with a poisoned error struct, allocation failures, and the fixtures of
 * tests/fixtures/proguard (real ProGuard output and hand-written hostile
 * files). The answers 0.8.2 itself gave are compared in
 * tests/python/test_proguard.py; the values here are spelled out. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "util.h"

static const char *fixture(const char *name) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/fixtures/proguard/%s",
             env_or("LSM_SOURCE_ROOT", "."), name);
    return buf;
}

static lsm_proguard_t *load(const char *text, uint32_t flags) {
    lsm_error_t err;
    POISON(err);
    lsm_proguard_t *pg = lsm_proguard_from_bytes(text, strlen(text), flags, &err);
    CHECK_CALL(pg != NULL, err);
    if (pg)
        CHECK_OK(err);
    return pg;
}

/* The 0.8-style answer ("Class" or "Class:method") in a static buffer, and
 * the return code in *rc. */
static const char *ask(const lsm_proguard_t *pg, const char *path, uint32_t line, int *rc) {
    static char buf[1024];
    lsm_proguard_result_t r;
    lsm_error_t err;
    POISON(err);
    memset(&r, 0xab, sizeof r);
    int got = lsm_proguard_lookup(pg, path, strlen(path), line, &r, &err);
    if (rc)
        *rc = got;
    if (got < 0) {
        check_fail(__FILE__, __LINE__, "lookup %s failed", path);
        check_print_error(&err);
        return "";
    }
    CHECK_OK(err);
    if (r.method)
        snprintf(buf, sizeof buf, "%.*s:%.*s", (int)r.class_name_len, r.class_name,
                 (int)r.method_len, r.method);
    else
        snprintf(buf, sizeof buf, "%.*s", (int)r.class_name_len, r.class_name);
    return buf;
}

#define ASK(pg, path, line, want) CHECK_CSTR(ask((pg), (path), (line), NULL), (want))

static const char SAMPLE[] =
    "# compiler: R8\n"
    "# {\"id\":\"com.android.tools.r8.mapping\",\"version\":\"2.2\"}\n"
    "com.example.Foo -> a.a:\n"
    "# {\"id\":\"sourceFile\",\"fileName\":\"Foo.java\"}\n"
    "    int count -> a\n"
    "    1:3:void <init>() -> <init>\n"
    "    4:6:void run(int) -> a\n"
    "    7:9:void stop():30:32 -> a\n"
    "    10:10:void inner():40:40 -> b\n"
    "    10:10:void outer():50 -> b\n"
    "    void noLines() -> c\n"
    "    1:9:void wide() -> d\n"
    "    4:6:void narrow() -> d\n"
    "    0:0:void zero() -> e\n"
    "    2:2:void two() -> e\n"
    "com.example.Foo$Inner -> a.a$a:\n"
    "    1:2:void x() -> a\n"
    "com.example.Other -> a.a:\n"
    "    void shadowed() -> a\n";

static void test_lookup(void) {
    lsm_proguard_t *pg = load(SAMPLE, LSM_PROGUARD_DEFAULT);
    if (!pg)
        return;
    CHECK_EQ(lsm_proguard_class_count(pg), 3);
    CHECK_EQ(lsm_proguard_has_line_info(pg), 1);
    int rc;
    CHECK_CSTR(ask(pg, "a.a", 0, &rc), "com.example.Foo");
    CHECK_EQ(rc, 1);
    CHECK_CSTR(ask(pg, "a.a:a", 5, &rc), "com.example.Foo:run");
    CHECK_EQ(rc, 2);
    ASK(pg, "a.a:a", 4, "com.example.Foo:run");
    ASK(pg, "a.a:a", 6, "com.example.Foo:run");
    ASK(pg, "a.a:a", 7, "com.example.Foo:stop");   /* R8 original lines read */
    ASK(pg, "a.a:a", 9, "com.example.Foo:stop");
    ASK(pg, "a.a:a", 0, "com.example.Foo:run");    /* no line: nearest start to 0 */
    CHECK_CSTR(ask(pg, "a.a:a", 10, &rc), "com.example.Foo:a");
    CHECK_EQ(rc, 1);
    ASK(pg, "a.a:b", 10, "com.example.Foo:inner"); /* inlined: innermost first */
    ASK(pg, "a.a:c", 12345, "com.example.Foo:noLines");
    ASK(pg, "a.a:d", 5, "com.example.Foo:narrow"); /* nearest start wins */
    ASK(pg, "a.a:d", 2, "com.example.Foo:wide");
    ASK(pg, "a.a:d", 0, "com.example.Foo:wide");
    ASK(pg, "a.a:e", 7, "com.example.Foo:zero");   /* a 0 bound holds every line */
    ASK(pg, "a.a:e", 2, "com.example.Foo:two");
    ASK(pg, "a.a:<init>", 2, "com.example.Foo:<init>");
    ASK(pg, "a.a$a", 0, "com.example.Foo$Inner");
    ASK(pg, "a.a$a:a", 2, "com.example.Foo$Inner:x");
    ASK(pg, "a.a$b", 0, "a.a$b");
    ASK(pg, "a.a:count", 0, "com.example.Foo:count"); /* fields are not looked up */
    ASK(pg, "a.a:a:b", 5, "com.example.Foo:a:b");
    ASK(pg, "a.a:", 0, "com.example.Foo:");
    CHECK_CSTR(ask(pg, "zz:a", 1, &rc), "zz:a");
    CHECK_EQ(rc, 0);
    ASK(pg, "", 0, "");
    ASK(pg, ":a", 0, ":a");
    ASK(pg, "a", 0, "a");

    /* Borrowing: names found point into the mapping, others into the path. */
    const char path[] = "a.a:zz";
    lsm_proguard_result_t r;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_proguard_lookup(pg, path, 6, 3, &r, &err), 1);
    CHECK_OK(err);
    CHECK(r.class_name_len == 15 && memcmp(r.class_name, "com.example.Foo", 15) == 0);
    CHECK(r.method == path + 4);
    CHECK_EQ(r.method_len, 2);
    /* NULL path with length 0 is the empty path. */
    POISON(err);
    CHECK_EQ(lsm_proguard_lookup(pg, NULL, 0, 0, &r, &err), 0);
    CHECK_OK(err);
    CHECK_EQ(r.class_name_len, 0);
    CHECK(r.method == NULL);
    /* Paths are bytes with a length: a NUL is just a byte. */
    POISON(err);
    CHECK_EQ(lsm_proguard_lookup(pg, "a.a\0x", 5, 0, &r, &err), 0);
    CHECK_OK(err);
    CHECK_EQ(r.class_name_len, 5);
    lsm_proguard_free(pg);
}

static void test_misuse(void) {
    lsm_error_t err;
    lsm_proguard_result_t r;
    POISON(err);
    memset(&r, 0xab, sizeof r);
    CHECK_EQ(lsm_proguard_lookup(NULL, "a", 1, 0, &r, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_CSTR(err.message, "NULL mapping, path or result");
    CHECK(r.class_name == NULL && r.method == NULL && r.class_name_len == 0);
    lsm_proguard_t *pg = load("A -> a:\n", 0);
    POISON(err);
    CHECK_EQ(lsm_proguard_lookup(pg, "a", 1, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_proguard_lookup(pg, NULL, 3, 0, &r, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_proguard_lookup(pg, "a", 1, 0, &r, NULL), 1);
    lsm_proguard_free(pg);

    POISON(err);
    CHECK(lsm_proguard_from_bytes(NULL, 4, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_CSTR(err.message, "bytes is NULL");
    POISON(err);
    CHECK(lsm_proguard_from_bytes("A -> a:\n", 8, 6, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_CSTR(err.message, "unknown flags 0x6");
    POISON(err);
    CHECK(lsm_proguard_from_path(NULL, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_proguard_from_path(fixture("no-such-file.txt"), 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_IO);
    CHECK_EQ(lsm_proguard_has_line_info(NULL), 0);
    CHECK_EQ(lsm_proguard_class_count(NULL), 0);
    lsm_proguard_free(NULL);
    pg = lsm_proguard_from_bytes("A -> a:\n", 8, 0, NULL); /* err may be NULL */
    CHECK(pg != NULL);
    lsm_proguard_free(pg);
}

typedef struct bad_case {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen */
    uint32_t flags;
    int code;
    int64_t line, offset;
    const char *message;
} bad_case_t;

static const bad_case_t BAD[] = {
    {"empty", "", 0, 0, LSM_ERR_PROGUARD_NO_CLASSES, -1, -1, "empty ProGuard mapping"},
    {"comments only", "# a\n\n   \n# b", 0, 0, LSM_ERR_PROGUARD_NO_CLASSES, -1, -1,
     "no class line in ProGuard mapping"},
    {"members only", "    void f() -> a\n", 0, 0, LSM_ERR_PROGUARD_NO_CLASSES, -1, -1,
     "no class line in ProGuard mapping"},
    {"json", "{\"version\":3}", 0, 0, LSM_ERR_PROGUARD_NO_CLASSES, -1, -1,
     "no class line in ProGuard mapping"},
    {"bad utf-8", "A -> a:\n    void f\xff() -> x\n", 0, 0, LSM_ERR_PROGUARD_UTF8, 1, 8,
     "line 2: invalid UTF-8"},
    {"surrogate", "A\xed\xa0\x80 -> a:\n", 0, 0, LSM_ERR_PROGUARD_UTF8, 0, 0,
     "line 1: invalid UTF-8"},
    {"truncated utf-8", "A -> a:\nB\xe2\x82", 0, 0, LSM_ERR_PROGUARD_UTF8, 1, 8,
     "line 2: invalid UTF-8"},
    {"start beyond 32 bits", "A -> a:\n    4294967296:1:void f() -> x\n", 0, 0,
     LSM_ERR_PROGUARD_NUMBER, 1, 8, "line 2: line number beyond 32 bits"},
    {"end beyond 32 bits", "A -> a:\r\n\r\n    1:99999999999999999999999:void f() -> x\r\n",
     0, 0, LSM_ERR_PROGUARD_NUMBER, 2, 11, "line 3: line number beyond 32 bits"},
    {"original beyond 32 bits", "A -> a:\n    1:2:void f():3:4294967296 -> x\n", 0, 0,
     LSM_ERR_PROGUARD_NUMBER, 1, 8, "line 2: line number beyond 32 bits"},
    {"strict: garbage", "A -> a:\nhello\n", 0, LSM_PROGUARD_STRICT, LSM_ERR_PROGUARD_SYNTAX,
     1, 8, "line 2: expected a class line 'name -> obfuscated:'"},
    {"strict: missing ->", "A -> a:\n    void f()\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8,
     "line 2: expected a member line 'type name(args) -> obfuscated'"},
    {"strict: class without colon", "A -> a\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 0, 0, "line 1: expected a class line 'name -> obfuscated:'"},
    {"strict: tab", "A -> a:\n\tvoid f() -> x\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8, "line 2: member lines are indented by 4 spaces"},
    {"strict: member first", "    void f() -> x\nA -> a:\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 0, 0, "line 1: member line before any class line"},
    {"strict: bad args", "A -> a:\n    void f(x -> x\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8, "line 2: malformed method arguments"},
    {"strict: paren in field", "A -> a:\n    int (f -> x\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8, "line 2: malformed method name"},
    {"strict: truncated", "A -> a:\n    1:2:void f() -> ", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8,
     "line 2: expected a member line 'type name(args) -> obfuscated'"},
    {"strict: double space", "A -> a:\n    void  f() -> x\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 1, 8,
     "line 2: expected a member line 'type name(args) -> obfuscated'"},
    {"strict: em space", "A \xe2\x80\x83-> a:\n", 0, LSM_PROGUARD_STRICT,
     LSM_ERR_PROGUARD_SYNTAX, 0, 0, "line 1: expected a class line 'name -> obfuscated:'"},
};

static void test_errors(void) {
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const bad_case_t *c = &BAD[i];
        lsm_error_t err;
        POISON(err);
        size_t len = c->len ? c->len : strlen(c->text);
        lsm_proguard_t *pg = lsm_proguard_from_bytes(c->text, len, c->flags, &err);
        if (pg) {
            check_fail(__FILE__, __LINE__, "%s: loaded", c->name);
            lsm_proguard_free(pg);
            continue;
        }
        CHECK_ERR(err, c->code);
        if (err.line != c->line || err.offset != c->offset || strcmp(err.message, c->message))
            check_fail(__FILE__, __LINE__, "%s: line %lld offset %lld \"%s\"", c->name,
                       (long long)err.line, (long long)err.offset, err.message);
        CHECK_EQ(err.segment, -1);
    }
    /* Digits after a ':' only count as R8 original lines after ')'. */
    lsm_proguard_t *odd = load("A -> a:\n    void :7 -> x\n    int f:99999999999 -> y\n"
                               "    void g:1:2 -> z\n    1:2:void h():x:3 -> w\n", 0);
    if (odd) {
        ASK(odd, "a:x", 1, "A:x");
        ASK(odd, "a:y", 1, "A:y");
        ASK(odd, "a:z", 1, "A:z");
        ASK(odd, "a:w", 1, "A:w");
        CHECK_EQ(lsm_proguard_has_line_info(odd), 0);
    }
    lsm_proguard_free(odd);
    /* Without parentheses such a line is a field, in strict mode too. */
    odd = load("A -> a:\n    void :7 -> x\n", LSM_PROGUARD_STRICT);
    lsm_proguard_free(odd);
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_proguard_from_bytes("A -> a:\n    void :7) -> x\n", 26, LSM_PROGUARD_STRICT,
                                  &err) == NULL);
    CHECK_ERR(err, LSM_ERR_PROGUARD_SYNTAX);
    CHECK_CSTR(err.message, "line 2: malformed method name");
    /* The same inputs load by default when only strict mode objects. */
    const char *lenient[] = {"A -> a:\nhello\n", "A -> a:\n    void f()\n", "A -> a:\n\tvoid f() -> x\n",
                             "    void f() -> x\nA -> a:\n", "A -> a:\n    1:2:void f() -> "};
    for (size_t i = 0; i < sizeof lenient / sizeof lenient[0]; i++) {
        lsm_proguard_t *pg = load(lenient[i], 0);
        if (pg)
            ASK(pg, "a:x", 1, "A:x");
        lsm_proguard_free(pg);
    }
}

static void test_too_large(void) {
    /* The size is checked before a byte is read. */
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_proguard_from_bytes("A -> a:\n", (size_t)UINT32_MAX, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_TOO_LARGE);
    CHECK_CSTR(err.message, "ProGuard mapping too large (4294967295 bytes, at most 4294967294)");
    POISON(err);
    CHECK(lsm_proguard_from_bytes("A -> a:\n", SIZE_MAX, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_TOO_LARGE);

    /* A sparse 4 GiB file: mapped, never read. */
    char path[] = "/tmp/lsm-proguard-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        check_fail(__FILE__, __LINE__, "mkstemp failed");
        return;
    }
    if (ftruncate(fd, (off_t)1 << 32) != 0) {
        check_fail(__FILE__, __LINE__, "ftruncate failed");
    } else {
        POISON(err);
        CHECK(lsm_proguard_from_path(path, 0, &err) == NULL);
        CHECK_ERR(err, LSM_ERR_TOO_LARGE);
        CHECK_CSTR(err.message, "ProGuard mapping too large (4294967296 bytes, at most 4294967294)");
    }
    close(fd);
    unlink(path);
}

/* Every lookup of `paths` answers the same on both mappings. */
static void same_answers(const lsm_proguard_t *a, const lsm_proguard_t *b, const char *what) {
    static const char *paths[] = {
        "com.example.shop.a", "com.example.shop.b", "com.example.shop.c",
        "com.example.shop.d", "com.example.shop.e", "com.example.shop.Main",
        "com.example.shop.a:a", "com.example.shop.b:a", "com.example.shop.b:b",
        "com.example.shop.c:a", "com.example.shop.Main:main", "com.example.shop.Main:a",
        "com.example.shop.Main:b", "com.example.shop.Main:c", "com.example.shop.d:a",
        "com.example.shop.b:toString", "com.example.shop.e:<init>", "x:y"};
    static const uint32_t lines[] = {0, 1, 12, 14, 15, 20, 22, 28, 37, 42, 55, 1022, 1023,
                                     1030, 1037, 1041, 1042, 1045, 99999};
    CHECK_EQ(lsm_proguard_has_line_info(a), lsm_proguard_has_line_info(b));
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        for (size_t j = 0; j < sizeof lines / sizeof lines[0]; j++) {
            char want[1024];
            snprintf(want, sizeof want, "%s", ask(a, paths[i], lines[j], NULL));
            const char *got = ask(b, paths[i], lines[j], NULL);
            if (strcmp(got, want) != 0)
                check_fail(__FILE__, __LINE__, "%s: %s at %u: %s, want %s", what, paths[i],
                           lines[j], got, want);
        }
}

static lsm_proguard_t *load_file(const char *name, uint32_t flags) {
    lsm_error_t err;
    POISON(err);
    lsm_proguard_t *pg = lsm_proguard_from_path(fixture(name), flags, &err);
    CHECK_CALL(pg != NULL, err);
    if (pg)
        CHECK_OK(err);
    return pg;
}

static void test_real_proguard(void) {
    lsm_proguard_t *opt = load_file("mapping-optimized.txt", LSM_PROGUARD_STRICT);
    lsm_proguard_t *plain = load_file("mapping-plain.txt", LSM_PROGUARD_STRICT);
    lsm_proguard_t *nolines = load_file("mapping-nolines.txt", LSM_PROGUARD_STRICT);
    if (!opt || !plain || !nolines)
        goto done;
    CHECK_EQ(lsm_proguard_class_count(opt), 6);
    CHECK_EQ(lsm_proguard_class_count(plain), 6);
    CHECK_EQ(lsm_proguard_class_count(nolines), 6);
    CHECK_EQ(lsm_proguard_has_line_info(opt), 1);
    CHECK_EQ(lsm_proguard_has_line_info(plain), 1);
    CHECK_EQ(lsm_proguard_has_line_info(nolines), 0);

    ASK(opt, "com.example.shop.Main:main", 15, "com.example.shop.Main:main");
    ASK(opt, "com.example.shop.Main:main", 1022, "com.example.shop.Main:stock");
    ASK(opt, "com.example.shop.Main:main", 1030, "com.example.shop.Main:checkout");
    ASK(opt, "com.example.shop.Main:main", 1037, "com.example.shop.Main:quantityFor");
    ASK(opt, "com.example.shop.Main:main", 1045, "com.example.shop.Main:crash");
    ASK(opt, "com.example.shop.Main:main", 1046, "com.example.shop.Main:main");
    ASK(opt, "com.example.shop.Main:a", 42, "com.example.shop.Main:lambda$crash$0");
    ASK(opt, "com.example.shop.c:a", 1042,
        "com.example.shop.Order:com.example.shop.Order$Line.amount");
    ASK(opt, "com.example.shop.c:a", 16, "com.example.shop.Order:add");
    ASK(opt, "com.example.shop.e", 0, "com.example.shop.Order$Line");

    ASK(plain, "com.example.shop.b:a", 14, "com.example.shop.Item:name");
    ASK(plain, "com.example.shop.b:a", 22, "com.example.shop.Item:price");
    ASK(plain, "com.example.shop.b:b", 18, "com.example.shop.Item:price");
    ASK(plain, "com.example.shop.b:a", 0, "com.example.shop.Item:name");
    ASK(plain, "com.example.shop.Main:b", 43, "com.example.shop.Main:crash");

    ASK(nolines, "com.example.shop.b:a", 22, "com.example.shop.Item:name");
    ASK(nolines, "com.example.shop.b:b", 0, "com.example.shop.Item:price");

    /* The same mapping with CRLF line ends, or a BOM, answers the same. */
    lsm_proguard_t *crlf = load_file("hostile/crlf.txt", LSM_PROGUARD_STRICT);
    if (crlf) {
        same_answers(opt, crlf, "crlf");
        CHECK_EQ(lsm_proguard_class_count(crlf), 6);
    }
    lsm_proguard_free(crlf);
    lsm_proguard_t *bom = load_file("hostile/bom.txt", LSM_PROGUARD_STRICT);
    if (bom) {
        same_answers(plain, bom, "bom");
        CHECK_EQ(lsm_proguard_class_count(bom), 6);
        ASK(bom, "com.example.shop.a", 0, "com.example.shop.Inventory");
    }
    lsm_proguard_free(bom);
    lsm_proguard_t *r8 = load_file("hostile/r8-header.txt", LSM_PROGUARD_STRICT);
    if (r8) {
        same_answers(opt, r8, "r8 header");
        CHECK_EQ(lsm_proguard_class_count(r8), 7);
        ASK(r8, "com.example.shop.f:run", 1, "com.example.shop.Order$$ExternalSyntheticLambda0:run");
    }
    lsm_proguard_free(r8);
done:
    lsm_proguard_free(opt);
    lsm_proguard_free(plain);
    lsm_proguard_free(nolines);
}

static void test_hostile_lenient(void) {
    lsm_proguard_t *pg = load_file("hostile/garbage-lines.txt", 0);
    if (pg) {
        CHECK_EQ(lsm_proguard_class_count(pg), 2);
        CHECK_EQ(lsm_proguard_has_line_info(pg), 1);
        ASK(pg, "a:o", 1, "com.example.Foo:ok");
        ASK(pg, "a:o", 3, "com.example.Foo:o");  /* trailing space: skipped */
        ASK(pg, "a:o", 5, "com.example.Foo:later");
        ASK(pg, "a:t", 0, "com.example.Foo:t");
        ASK(pg, "a:e", 0, "com.example.Foo:e");
        ASK(pg, "a:d", 1, "com.example.Foo:d");
        ASK(pg, "b", 0, "b");
        ASK(pg, "c:z", 0, "com.example.Baz:baz");
    }
    lsm_proguard_free(pg);
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_proguard_from_path(fixture("hostile/garbage-lines.txt"), LSM_PROGUARD_STRICT,
                                 &err) == NULL);
    CHECK_ERR(err, LSM_ERR_PROGUARD_SYNTAX);
    CHECK_CSTR(err.message, "line 1: expected a class line 'name -> obfuscated:'");

    pg = load_file("hostile/duplicates.txt", 0);
    if (pg) {
        ASK(pg, "a", 0, "First");
        ASK(pg, "a:x", 0, "First:f");
        ASK(pg, "a$b:x", 5, "Third:j");
        ASK(pg, "a$b:x", 2, "Third:h");
        ASK(pg, "a$b:x", 8, "Third:i");
        ASK(pg, "a$b:x", 0, "Third:h");
        ASK(pg, "a$b:y", 0, "Third:zero");
        ASK(pg, "a$b:z", 5, "Third:z");
        ASK(pg, "a$b:z", 0, "Third:backwards");
    }
    lsm_proguard_free(pg);

    pg = load_file("hostile/truncated.txt", 0);
    if (pg) {
        ASK(pg, "com.example.shop.Main:a", 25, "com.example.shop.Main:stock");
        ASK(pg, "com.example.shop.Main:a", 30, "com.example.shop.Main:a");
        ASK(pg, "com.example.shop.c", 0, "com.example.shop.c");
    }
    lsm_proguard_free(pg);
    pg = load_file("hostile/no-trailing-newline.txt", LSM_PROGUARD_STRICT);
    if (pg)
        ASK(pg, "a:x", 2, "A:f");
    lsm_proguard_free(pg);
}

/* SQLite style: the Nth allocation fails, for N = 1, 2, ... until the call
 * gets through. Each failure must be LSM_ERR_NOMEM (or the input's own
 * error) and leave nothing allocated. */
static void oom_input(const char *name, const char *text, size_t len, uint32_t flags,
                      int expected) {
    int64_t live = lsm_alloc_live();
    for (uint64_t n = 1; n < 10000; n++) {
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_proguard_t *pg = lsm_proguard_from_bytes(text, len, flags, &err);
        /* Whether the armed failure was used: if not, one of the next n
         * allocations fails. */
        bool reached = true;
        for (uint64_t i = 0; i < n && reached; i++) {
            void *probe = lsm_malloc(1);
            reached = probe != NULL;
            lsm_free(probe);
        }
        lsm_alloc_fail_after(0);
        if (pg) {
            CHECK_OK(err);
            if (expected != LSM_OK)
                check_fail(__FILE__, __LINE__, "%s N=%llu: a bad input loaded", name,
                           (unsigned long long)n);
            lsm_proguard_result_t r;
            CHECK(lsm_proguard_lookup(pg, "a", 1, 0, &r, NULL) >= 0);
            lsm_proguard_free(pg);
        } else if (err.code == LSM_ERR_NOMEM) {
            CHECK_ERR(err, LSM_ERR_NOMEM);
            if (!reached)
                check_fail(__FILE__, __LINE__, "%s N=%llu: NOMEM without a failure", name,
                           (unsigned long long)n);
        } else {
            CHECK_ERR(err, expected);
        }
        if (lsm_alloc_live() != live)
            check_fail(__FILE__, __LINE__, "%s N=%llu: %lld allocations leaked", name,
                       (unsigned long long)n, (long long)(lsm_alloc_live() - live));
        if (!reached) {
            /* The call needed fewer than n allocations: done. Every input
             * here needs at least the mapping and its copy of the text. */
            if (n < 3)
                check_fail(__FILE__, __LINE__, "%s: only %llu allocations", name,
                           (unsigned long long)n - 1);
            return;
        }
        if (check_state.current_failures)
            return;
    }
    check_fail(__FILE__, __LINE__, "%s: never got through", name);
}

static void test_allocation_failures(void) {
    const char *files[] = {"mapping-optimized.txt", "hostile/crlf.txt", "hostile/r8-header.txt",
                           "hostile/invalid-utf8.txt", "hostile/empty.txt"};
    const int expected[] = {LSM_OK, LSM_OK, LSM_OK, LSM_ERR_PROGUARD_UTF8,
                            LSM_ERR_PROGUARD_NO_CLASSES};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *text = read_file(fixture(files[i]), &len);
        if (!text) {
            check_fail(__FILE__, __LINE__, "cannot read %s", files[i]);
            continue;
        }
        oom_input(files[i], text, len, 0, expected[i]);
        free(text);
    }
    /* Many classes: the buffers grow several times. */
    sb_t sb = {0};
    for (int i = 0; i < 300; i++)
        sb_printf(&sb, "com.example.C%d -> c%d:\n    %d:%d:void m%d() -> a\n", i, i, i + 1,
                  i + 2, i);
    oom_input("300 classes", sb_str(&sb), sb.len, LSM_PROGUARD_STRICT, LSM_OK);
    sb_free(&sb);
}

static void test_many_classes(void) {
    /* Sorted lookups over many classes, inserted in an order unlike the
     * sorted one, with duplicate obfuscated names (the first wins). */
    sb_t sb = {0};
    for (int i = 2999; i >= 0; i--)
        sb_printf(&sb, "com.example.C%d -> o%d:\n    %d:%d:void m%d() -> a\n", i, i * 7 % 3000,
                  i + 1, i + 1, i);
    sb_puts(&sb, "com.example.Late -> o0:\n");
    lsm_proguard_t *pg = load(sb_str(&sb), LSM_PROGUARD_STRICT);
    if (pg) {
        CHECK_EQ(lsm_proguard_class_count(pg), 3001);
        for (int i = 0; i < 3000; i++) {
            char path[64], want[96];
            snprintf(path, sizeof path, "o%d:a", i * 7 % 3000);
            snprintf(want, sizeof want, "com.example.C%d:m%d", i, i);
            const char *got = ask(pg, path, (uint32_t)i + 1, NULL);
            if (strcmp(got, want) != 0) {
                check_fail(__FILE__, __LINE__, "%s: %s, want %s", path, got, want);
                break;
            }
        }
        ASK(pg, "o", 0, "o");
        ASK(pg, "o00", 0, "o00");
    }
    lsm_proguard_free(pg);
    sb_free(&sb);
}

int main(void) {
    RUN(test_lookup);
    RUN(test_misuse);
    RUN(test_errors);
    RUN(test_too_large);
    RUN(test_real_proguard);
    RUN(test_hostile_lenient);
    RUN(test_allocation_failures);
    RUN(test_many_classes);
    return check_finish();
}
