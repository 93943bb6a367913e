/* JavaScript scanning: function scopes and their names on tricky input
 * (regular expressions against division, nested templates, comments and
 * strings holding braces, Unicode identifiers, JSX, TypeScript), original
 * function names through a source map, the sourceMappingURL and debugId
 * comments, data: URLs, argument and error handling, allocation failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

/* ---------------------------------------------------------------- helpers */

/* The scopes of `src` as "name@L:C-L:C" joined by "; " (1-based lines,
 * 0-based UTF-16 columns; "?" for an anonymous scope). */
static void describe_scopes(const char *src, size_t len, uint32_t flags, sb_t *out) {
    lsm_error_t err;
    POISON(err);
    lsm_js_scopes_t *s = lsm_js_scopes_build_ex(src, len, flags, &err);
    if (!CHECK_CALL(s != NULL, err))
        return;
    CHECK_OK(err);
    uint32_t n = lsm_js_scopes_count(s);
    for (uint32_t i = 0; i < n; i++) {
        lsm_js_scope_t sc;
        POISON(err);
        CHECK_EQ(lsm_js_scopes_get(s, i, &sc, &err), 0);
        CHECK_OK(err);
        CHECK_EQ(sc.index, i);
        if (i)
            sb_puts(out, "; ");
        if (sc.name)
            sb_append(out, sc.name, sc.name_len);
        else
            sb_puts(out, "?");
        sb_printf(out, "@%u:%u-%u:%u", sc.start_line + 1, sc.start_col, sc.end_line + 1,
                  sc.end_col);
        /* scopes are sorted by start and nest in their parents */
        if (sc.parent != LSM_NO_ID) {
            lsm_js_scope_t p;
            CHECK_EQ(lsm_js_scopes_get(s, sc.parent, &p, NULL), 0);
            CHECK(sc.parent < i);
            CHECK(p.start_line < sc.start_line ||
                  (p.start_line == sc.start_line && p.start_col <= sc.start_col));
        }
    }
    lsm_js_scopes_free(s);
}

#define CHECK_SCOPES_F(src, flags, want)                                                  \
    do {                                                                                  \
        sb_t got_ = {0};                                                                  \
        describe_scopes((src), strlen(src), (flags), &got_);                              \
        CHECK_STR(sb_str(&got_), got_.len, (want));                                       \
        sb_free(&got_);                                                                   \
    } while (0)
#define CHECK_SCOPES(src, want) CHECK_SCOPES_F(src, LSM_JS_DEFAULT, want)

/* The name of the innermost scope at the first occurrence of `marker` in
 * `src` (NULL when none). */
static char name_buf[256];
static const char *name_at_marker(const char *src, const char *marker) {
    const char *at = strstr(src, marker);
    if (!at)
        check_bail("marker not in source");
    uint32_t line = 0, col = 0;
    for (const char *p = src; p < at; p++) {
        if (*p == '\n')
            line++, col = 0;
        else if (((unsigned char)*p & 0xC0) != 0x80)
            col += ((unsigned char)*p >= 0xF0) ? 2 : 1;
    }
    lsm_js_scopes_t *s = lsm_js_scopes_build(src, strlen(src), NULL);
    const char *name = NULL;
    size_t len = 0;
    lsm_error_t err;
    POISON(err);
    int rc = lsm_js_scope_name_at(s, line, col, &name, &len, &err);
    CHECK_OK(err);
    CHECK(rc == 0 || rc == 1);
    const char *result = NULL;
    if (rc == 1) {
        snprintf(name_buf, sizeof name_buf, "%.*s", (int)len, name);
        result = name_buf;
    } else {
        CHECK(name == NULL && len == 0);
    }
    lsm_js_scopes_free(s);
    return result;
}

#define CHECK_NAME_AT(src, marker, want)                                                  \
    do {                                                                                  \
        const char *got_ = name_at_marker((src), (marker));                               \
        const char *want_ = (want);                                                       \
        check_state.total_checks++;                                                       \
        if ((got_ == NULL) != (want_ == NULL) || (got_ && strcmp(got_, want_) != 0))      \
            check_fail(__FILE__, __LINE__, "name at %s: got %s, want %s", (marker),       \
                       got_ ? got_ : "(none)", want_ ? want_ : "(none)");                 \
    } while (0)

/* ----------------------------------------------------------------- names */

static void test_declarations_and_expressions(void) {
    CHECK_SCOPES("function f() { return function g() {}; }",
                 "f@1:0-1:40; g@1:22-1:37");
    CHECK_SCOPES("var a = function () {}; let b = () => {}; const c = async x => x;",
                 "a@1:8-1:22; b@1:32-1:40; c@1:52-1:64");
    CHECK_SCOPES("x = function () {}; a.b.c = () => 1; this.d = function () {};",
                 "x@1:4-1:18; a.b.c@1:28-1:35; d@1:46-1:60");
    CHECK_SCOPES("Foo.prototype.bar = function () {};", "Foo.bar@1:20-1:34");
    CHECK_SCOPES("export default function () {}", "default@1:15-1:29");
    CHECK_SCOPES("async function* gen() { yield 1; }", "gen@1:0-1:34");
    CHECK_SCOPES("const f = (function () { return 1; });", "f@1:11-1:36");
    CHECK_SCOPES("x ||= function () {}; y ?\?= () => 0;", "x@1:6-1:20; y@1:28-1:35");
    /* callbacks stay anonymous */
    CHECK_SCOPES("list.map(function (x) { return x; }).forEach((y) => y);",
                 "?@1:9-1:35; ?@1:45-1:53");
    /* keys that are keywords, and `function`/`class` used as properties */
    CHECK_SCOPES("a.function(); b = {class: 1, function: 2};", "");
}

static void test_classes(void) {
    const char *src =
        "class Cart {\n"
        "  constructor(o) { this.o = o; }\n"
        "  static from(d) { return new Cart(d); }\n"
        "  total() { return 1; }\n"
        "  get size() { return 0; }\n"
        "  set size(v) {}\n"
        "  #secret() {}\n"
        "  async *items() {}\n"
        "  [Symbol.iterator]() {}\n"
        "  'quoted key'() {}\n"
        "  handler = () => { throw 1; };\n"
        "}\n";
    CHECK_SCOPES(src,
                 "new Cart@1:0-12:1; new Cart@2:2-2:32; Cart.from@3:2-3:40; "
                 "Cart.total@4:2-4:23; Cart.get size@5:2-5:26; Cart.set size@6:2-6:16; "
                 "Cart.#secret@7:2-7:14; Cart.items@8:2-8:19; Cart.[Symbol.iterator]@9:2-9:24; "
                 "Cart.quoted key@10:2-10:19; Cart.handler@11:12-11:30");
    CHECK_SCOPES("const A = class { m() {} }; b.C = class extends Base { n() {} };",
                 "new A@1:10-1:26; A.m@1:18-1:24; new b.C@1:34-1:63; b.C.n@1:55-1:61");
    /* a class without a name: its methods are not qualified */
    CHECK_SCOPES("f(class { m() {} });", "?@1:2-1:18; m@1:10-1:16");
    /* the name token of a method is its key */
    lsm_js_scopes_t *s = lsm_js_scopes_build(src, strlen(src), NULL);
    lsm_js_scope_t sc;
    CHECK_EQ(lsm_js_scope_at(s, 3, 12, &sc, NULL), 1);
    CHECK_STR(sc.name, sc.name_len, "Cart.total");
    CHECK_EQ(sc.name_line, 3);
    CHECK_EQ(sc.name_col, 2);
    CHECK_EQ(lsm_js_scope_at(s, 1, 20, &sc, NULL), 1);
    CHECK_STR(sc.name, sc.name_len, "new Cart");
    CHECK_EQ(sc.name_line, 0); /* the class's name */
    CHECK_EQ(sc.name_col, 6);
    lsm_js_scopes_free(s);
}

static void test_object_literals(void) {
    CHECK_SCOPES("const o = { a: function () {}, b: () => 1, c() {}, 'd-e': x => x,"
                 " inner: { f() {} }, g: function named() {} };",
                 "o.a@1:15-1:29; o.b@1:34-1:41; o.c@1:43-1:49; o.d-e@1:58-1:64; "
                 "o.inner.f@1:75-1:81; named@1:88-1:107");
    /* an object literal without a name, and getters */
    CHECK_SCOPES("return { get x() { return 1; }, set x(v) {} };",
                 "get x@1:9-1:30; set x@1:32-1:43");
    /* a ternary's `:` is not a key */
    CHECK_SCOPES("v = c ? function () {} : () => 2;", "?@1:8-1:22; ?@1:25-1:32");
}

static void test_arrow_extent(void) {
    /* an expression body ends at its level's , ; or closing bracket */
    CHECK_SCOPES("f(a => a + 1, b => (b, 2)); g = x => y => x + y; h();",
                 "?@1:2-1:12; ?@1:14-1:25; g@1:32-1:47; ?@1:37-1:47");
    /* a conditional inside the body, and a body inside a conditional */
    CHECK_SCOPES("p = x => x ? 1 : 2; q = c ? y => y : z;",
                 "p@1:4-1:18; ?@1:28-1:34");
    /* a new statement on the next line ends it (no semicolons) */
    CHECK_SCOPES("const f = () => 1\nconst g = 2\nfoo()\n", "f@1:10-1:17");
    /* but a body may start on the next line and continue with operators */
    CHECK_SCOPES("const f = (a) =>\n  a\n    .b()\nrun()\n", "f@1:10-3:8");
    CHECK_NAME_AT("const f = () => 1\nconst g = 2; /*here*/", "/*here*/", NULL);
}

/* ------------------------------------------------------------ tokenizing */

static void test_regex_or_division(void) {
    /* a regular expression holding braces must not close the function */
    CHECK_SCOPES("function a() { return /}/.test(s); } function b() {}",
                 "a@1:0-1:36; b@1:37-1:52");
    CHECK_SCOPES("function a() { return /[/}]{/g; }", "a@1:0-1:33");
    /* division, even several, is not a regular expression */
    CHECK_SCOPES("function a() { return x / y / z; } function b() {}",
                 "a@1:0-1:34; b@1:35-1:50");
    CHECK_SCOPES("function a() { return (x) / 2 / (y); }", "a@1:0-1:38");
    CHECK_SCOPES("function a() { return arr[0] / 2 + 1 / arr[1]; } function b() {}",
                 "a@1:0-1:48; b@1:49-1:64");
    CHECK_SCOPES("function a() { i++ / 2; return i-- / 3; } function b() {}",
                 "a@1:0-1:41; b@1:42-1:57");
    /* after `)` of if/while/for a statement starts: a regular expression */
    CHECK_SCOPES("function a() { if (x) /}/.exec(y); } function b() {}",
                 "a@1:0-1:36; b@1:37-1:52");
    /* after a block's `}` too; after an object literal's it is division */
    CHECK_SCOPES("function a() { {} /}/.exec(y); } function b() {}",
                 "a@1:0-1:32; b@1:33-1:48");
    CHECK_SCOPES("function a() { x = {} / 2; } function b() {}", "a@1:0-1:28; b@1:29-1:44");
    /* after keywords that take an expression */
    CHECK_SCOPES("function a() { return typeof /}/; } function b() {}",
                 "a@1:0-1:35; b@1:36-1:51");
    /* `=>` inside a regular expression is not an arrow */
    CHECK_SCOPES("var r = /=>/;", "");
}

static void test_templates_strings_comments(void) {
    /* nested substitutions with object literals and braces in text */
    CHECK_SCOPES("function a() { return `${`${ {k: 1}.k }}`}{`; } function b() {}",
                 "a@1:0-1:47; b@1:48-1:63");
    /* a function inside a substitution */
    CHECK_SCOPES("t = `x${list.map(function f() { return `}`; })}y`;", "f@1:17-1:45");
    /* escaped backquote and ${ in a template, braces in strings */
    CHECK_SCOPES("function a() { s = `\\`}\\${`; t = \"}\" + '{'; } function b() {}",
                 "a@1:0-1:45; b@1:46-1:61");
    /* comments holding braces, quotes and slashes */
    CHECK_SCOPES("function a() { /* } ' \" */ // } `\n return 1; } function b() {}",
                 "a@1:0-2:12; b@2:13-2:28");
    /* an unterminated string ends with its line */
    CHECK_SCOPES("function a() { x = 'oops\n } function b() {}", "a@1:0-2:2; b@2:3-2:18");
    /* hashbang and byte order mark */
    CHECK_SCOPES("#!/usr/bin/env node\nfunction a() {}", "a@2:0-2:15");
    CHECK_SCOPES("\xEF\xBB\xBF" "function a() {}", "a@1:0-1:15");
}

static void test_unicode(void) {
    /* Unicode identifiers; an astral character is two UTF-16 columns */
    CHECK_SCOPES("const gr\xC3\xBC\xC3\x9F" "e = () => 1;", "gr\xC3\xBC\xC3\x9F" "e@1:14-1:21");
    CHECK_SCOPES("const \xF0\x9D\x92\xB3 = 1, f = () => 2;", "f@1:18-1:25");
    CHECK_SCOPES("const \xCE\xB9\xCC\x87 = function () {};", "\xCE\xB9\xCC\x87@1:11-1:25");
    /* escapes in identifiers */
    CHECK_SCOPES("function \\u0061b() {}", "\\u0061b@1:0-1:21");
    /* line terminators: CR LF, CR, U+2028 */
    CHECK_SCOPES("\r\nfunction a() {}\rfunction b() {}\xE2\x80\xA8" "function c() {}",
                 "a@2:0-2:15; b@3:0-3:15; c@4:0-4:15");
    /* invalid UTF-8 is one column per byte and never fails */
    CHECK_SCOPES("x = '\xFF\xFE'; function a() {}", "a@1:10-1:25");
}

static void test_jsx(void) {
    const char *src =
        "export function Greeting({ name }) {\n"
        "  const onClick = () => alert(\"hi\");\n"
        "  return (\n"
        "    <div className=\"x\" onClick={() => onClick()}>\n"
        "      Don't {name}! It's {items.map(i => <b key={i}>{i}</b>)}\n"
        "      <>fragment's text</>\n"
        "    </div>\n"
        "  );\n"
        "}\n"
        "function after() {}\n";
    CHECK_SCOPES(src,
                 "Greeting@1:7-9:1; onClick@2:18-2:35; ?@4:32-4:47; ?@5:36-5:59; after@10:0-10:19");
    CHECK_NAME_AT(src, "alert", "onClick");
    CHECK_NAME_AT(src, "Don't", "Greeting");
    /* TypeScript that looks like JSX: tried, abandoned, read as code */
    CHECK_SCOPES("const id = <T>(x: T): T => x;\nfunction b() {}", "id@1:11-1:28; b@2:0-2:15");
    CHECK_SCOPES("const c = <any>window;\nfunction b() {}", "b@2:0-2:15");
    CHECK_SCOPES_F("const id = <T>(x: T): T => x;\nfunction b() {}", LSM_JS_NO_JSX,
                   "id@1:11-1:28; b@2:0-2:15");
    /* a comparison is never JSX */
    CHECK_SCOPES("function a() { return x < y && y > z; } function b() {}",
                 "a@1:0-1:39; b@1:40-1:55");
}

static void test_typescript(void) {
    const char *src =
        "interface Props { name: string; onClick(): void }\n"
        "function greet<T extends object>(p: Props, t: T): Promise<Array<T>> { return null; }\n"
        "const handle = (e: Event): void => { use(e); };\n"
        "class Store<T> implements Base<{ a: number }> {\n"
        "  private items: Map<string, T> = new Map();\n"
        "  public async load(id: string): Promise<T | undefined> { return undefined; }\n"
        "  handler: (x: number) => void = (x) => { throw x; };\n"
        "  overload(a: string): void;\n"
        "}\n"
        "let typed: Handler<string> = function (s) { return s; };\n"
        "function ret(): { a: number } { return { a: 1 }; }\n";
    CHECK_SCOPES(src,
                 "greet@2:0-2:84; handle@3:15-3:46; new Store@4:0-9:1; Store.load@6:2-6:77; "
                 "Store.handler@7:33-7:52; typed@10:29-10:55; ret@11:0-11:50");
}

static void test_top_level_and_lookup(void) {
    const char *src = "a();\nfunction f() {\n  g();\n}\nb();\n";
    lsm_js_scopes_t *s = lsm_js_scopes_build(src, strlen(src), NULL);
    lsm_js_scope_t sc;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_js_scope_at(s, 0, 0, &sc, &err), 0);
    CHECK_OK(err);
    CHECK(sc.name == NULL && sc.name_len == 0);
    CHECK_EQ(sc.start_line, LSM_NO_ID);
    CHECK_EQ(sc.parent, LSM_NO_ID);
    CHECK_EQ(sc.index, LSM_NO_ID);
    CHECK_EQ(lsm_js_scope_at(s, 2, 2, &sc, NULL), 1);
    CHECK_STR(sc.name, sc.name_len, "f");
    /* the first token is inside, the position after the `}` is not */
    CHECK_EQ(lsm_js_scope_at(s, 1, 0, &sc, NULL), 1);
    CHECK_EQ(lsm_js_scope_at(s, 3, 0, &sc, NULL), 1);
    CHECK_EQ(lsm_js_scope_at(s, 3, 1, &sc, NULL), 0);
    CHECK_EQ(lsm_js_scope_at(s, 4, 0, &sc, NULL), 0);
    CHECK_EQ(lsm_js_scope_at(s, UINT32_MAX, UINT32_MAX, &sc, NULL), 0);
    const char *name = (const char *)1;
    size_t len = 99;
    CHECK_EQ(lsm_js_scope_name_at(s, 4, 0, &name, &len, NULL), 0);
    CHECK(name == NULL && len == 0);
    CHECK_EQ(lsm_js_scope_name_at(s, 2, 3, &name, NULL, NULL), 1);
    CHECK_CSTR(name, "f");
    lsm_js_scopes_free(s);

    /* nested: the innermost wins, outside it its parent */
    const char *nested = "function outer() { x(); function inner() { y(); } z(); }";
    CHECK_NAME_AT(nested, "x()", "outer");
    CHECK_NAME_AT(nested, "y()", "inner");
    CHECK_NAME_AT(nested, "z()", "outer");
    /* an anonymous innermost scope has no name (its parent's is not used) */
    CHECK_NAME_AT("function f() { list.map(() => { boom(); }); }", "boom", NULL);
}

static void test_scopes_errors(void) {
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_js_scopes_build(NULL, 3, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_js_scopes_build_ex("x", 1, 0x80, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    /* empty input is fine, NULL with 0 too */
    POISON(err);
    lsm_js_scopes_t *s = lsm_js_scopes_build(NULL, 0, &err);
    CHECK(s != NULL);
    CHECK_OK(err);
    CHECK_EQ(lsm_js_scopes_count(s), 0);
    lsm_js_scope_t sc;
    POISON(err);
    CHECK_EQ(lsm_js_scopes_get(s, 0, &sc, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    POISON(err);
    CHECK_EQ(lsm_js_scopes_get(NULL, 0, &sc, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_js_scope_at(s, 0, 0, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_js_scope_name_at(NULL, 0, 0, NULL, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_EQ(lsm_js_scopes_count(NULL), 0);
    lsm_js_scopes_free(s);
    lsm_js_scopes_free(NULL);
    /* unbalanced and deeply nested input never fails */
    sb_t deep = {0};
    for (int i = 0; i < 200000; i++)
        sb_puts(&deep, "({[`${");
    sb_puts(&deep, ")))]]]}}} function f() {}");
    POISON(err);
    s = lsm_js_scopes_build(sb_str(&deep), deep.len, &err);
    CHECK(s != NULL);
    CHECK_OK(err);
    lsm_js_scopes_free(s);
    sb_free(&deep);
}

/* Inputs the fuzzer found (tests/fuzz/corpus/jsscan/found-*), in short. */
static void test_regressions(void) {
    /* `function` or `class` as the last token: reading past the tokens */
    CHECK_SCOPES("x = function", "");
    CHECK_SCOPES("x = class", "");
    CHECK_SCOPES("=> =>", "");
    /* a non-ASCII space inside a JSX tag: no progress, forever */
    CHECK_SCOPES("f(<div\xC2\xA0\xE2\x80\xA8" "a={() => 1}>t</div>); function g() {}",
                 "?@2:3-2:10; g@2:22-2:37");
    /* a NUL byte in a name (a string key): names are (pointer, length) */
    static const char nul[] = "o = { 'a\0b': () => 1 };";
    sb_t got = {0};
    describe_scopes(nul, sizeof nul - 1, LSM_JS_DEFAULT, &got);
    CHECK_MEM(sb_str(&got), got.len, "o.a\0b@1:13-1:20", 15);
    sb_free(&got);
}

/* Every prefix of tricky sources scans, with well-formed scopes. */
static void test_every_prefix(void) {
    const char *srcs[] = {
        "class A extends B { #p = 1; static { x(); } get [k]() { return `${`${/}/}`}`; } }\n"
        "const f = async (a: T<U>): Promise<V> => { return <div a={b}>{c}</div>; };",
        "x = y / z /* } */ + /[/]/.test('}') ? {a: () => 1} : function g(){} // {\n"
        "label: { if (a) /re/g.exec(b); } obj.m = function () { return x => y => z; };",
    };
    for (size_t k = 0; k < sizeof srcs / sizeof srcs[0]; k++) {
        size_t n = strlen(srcs[k]);
        for (size_t len = 0; len <= n; len++) {
            for (uint32_t flags = 0; flags <= LSM_JS_NO_JSX; flags++) {
                lsm_error_t err;
                POISON(err);
                lsm_js_scopes_t *s = lsm_js_scopes_build_ex(srcs[k], len, flags, &err);
                if (!CHECK_CALL(s != NULL, err))
                    continue;
                CHECK_OK(err);
                uint32_t c = lsm_js_scopes_count(s);
                for (uint32_t i = 0; i < c; i++) {
                    lsm_js_scope_t sc;
                    CHECK_EQ(lsm_js_scopes_get(s, i, &sc, NULL), 0);
                    CHECK(sc.end_line > sc.start_line ||
                          (sc.end_line == sc.start_line && sc.end_col >= sc.start_col));
                    CHECK(sc.parent == LSM_NO_ID || sc.parent < i);
                    if (sc.name)
                        CHECK_EQ(sc.name[sc.name_len], 0);
                }
                lsm_js_scopes_free(s);
            }
        }
    }
}

/* ------------------------------------------------------ comments, data: */

static const char *find_url(const char *src, int *rc) {
    static char buf[256];
    const char *url = (const char *)1;
    size_t len = 7;
    lsm_error_t err;
    POISON(err);
    *rc = lsm_js_source_mapping_url(src, strlen(src), &url, &len, &err);
    CHECK_OK(err);
    if (*rc != 1) {
        CHECK(url == NULL && len == 0);
        return NULL;
    }
    CHECK(url >= src && url + len <= src + strlen(src));
    snprintf(buf, sizeof buf, "%.*s", (int)len, url);
    return buf;
}

#define CHECK_URL(src, want)                                                              \
    do {                                                                                  \
        int rc_;                                                                          \
        const char *got_ = find_url((src), &rc_);                                         \
        const char *want_ = (want);                                                       \
        check_state.total_checks++;                                                       \
        if ((got_ == NULL) != (want_ == NULL) || (got_ && strcmp(got_, want_) != 0))      \
            check_fail(__FILE__, __LINE__, "sourceMappingURL of %s: got %s, want %s",     \
                       #src, got_ ? got_ : "(none)", want_ ? want_ : "(none)");           \
    } while (0)

static void test_source_mapping_url(void) {
    CHECK_URL("x();\n//# sourceMappingURL=app.js.map", "app.js.map");
    CHECK_URL("x();\n//# sourceMappingURL=app.js.map\n", "app.js.map");
    CHECK_URL("x();\n//@ sourceMappingURL=legacy.map", "legacy.map");
    CHECK_URL("x();\n/*# sourceMappingURL=block.map */", "block.map");
    CHECK_URL("x(); //# sourceMappingURL=same-line.map", "same-line.map");
    CHECK_URL("x();\n//#   sourceMappingURL=spaced.map   \t", "spaced.map");
    CHECK_URL("x();\n//# sourceMappingURL=", "");
    /* the last one wins; comments and white space may follow */
    CHECK_URL("//# sourceMappingURL=a.map\n//# sourceMappingURL=b.map\n// end\n/* x */\n\n",
              "b.map");
    /* code after it cancels it */
    CHECK_URL("//# sourceMappingURL=a.map\nx();\n", NULL);
    CHECK_URL("//# sourceMappingURL=a.map\n/", NULL);
    /* a block comment not closed on its line: the rest of the line is ignored */
    CHECK_URL("//# sourceMappingURL=a.map\n/* open\n", "a.map");
    /* not the pattern */
    CHECK_URL("x();\n// # sourceMappingURL=a.map", NULL);
    CHECK_URL("x();\n//# sourceMappingURL=a b.map", NULL);
    CHECK_URL("x();\n//# sourceMappingUrl=a.map", NULL);
    CHECK_URL("x();\n//! sourceMappingURL=a.map", NULL);
    /* lines end at CR and U+2028 too; U+00A0 is white space */
    CHECK_URL("//# sourceMappingURL=a.map\rx();", NULL);
    CHECK_URL("x();\xE2\x80\xA8//# sourceMappingURL=u.map\xC2\xA0", "u.map");
    /* a data: URL is returned as it is */
    CHECK_URL("x();\n//# sourceMappingURL=data:application/json;base64,e30=",
              "data:application/json;base64,e30=");
    CHECK_URL("", NULL);

    lsm_error_t err;
    POISON(err);
    const char *u;
    CHECK_EQ(lsm_js_source_mapping_url(NULL, 1, &u, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_js_source_mapping_url("x", 1, NULL, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_js_source_mapping_url(NULL, 0, &u, NULL, &err), 0);
    CHECK_OK(err);
}

static void test_debug_id(void) {
    const char *src = "x();\n//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n"
                      "//# sourceMappingURL=x.map\n";
    const char *id;
    size_t len;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_js_debug_id(src, strlen(src), &id, &len, &err), 1);
    CHECK_OK(err);
    CHECK(len == 36 && memcmp(id, "85314830-023f-4cf1-a267-535f4e37bb17", 36) == 0);
    const char *none = "//# debugId=abc\nx();";
    CHECK_EQ(lsm_js_debug_id(none, strlen(none), &id, &len, NULL), 0);
    CHECK(id == NULL);
}

static void check_data_url(const char *url, const char *want) {
    uint8_t *out = (uint8_t *)1;
    size_t len = 99;
    lsm_error_t err;
    POISON(err);
    int rc = lsm_data_url_decode(url, strlen(url), &out, &len, &err);
    if (want) {
        if (!CHECK_CALL(rc == 0, err))
            return;
        CHECK_OK(err);
        CHECK_STR((const char *)out, len, want);
    } else {
        CHECK_EQ(rc, -1);
        CHECK_ERR(err, LSM_ERR_BAD_DATA_URL);
        CHECK(out == NULL && len == 0);
    }
    lsm_buffer_free(out);
}

static void test_data_urls(void) {
    check_data_url("data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==", "{\"version\":3}");
    check_data_url("data:application/json;base64,eyJ2ZXJzaW9uIjozfQ", "{\"version\":3}");
    check_data_url("data:application/json;charset=utf-8;base64,eyJ2ZXJzaW9uIjozfQ==",
                   "{\"version\":3}");
    check_data_url("DATA:Application/JSON;Charset=UTF-8;BASE64,eyJ2ZXJzaW9uIjozfQ==",
                   "{\"version\":3}");
    check_data_url("data:application/json;base64, eyJ2 ZXJz\naW9uIjozfQ==", "{\"version\":3}");
    check_data_url("data:application/json,%7B%22a%22%3A1%7D", "{\"a\":1}");
    check_data_url("data:application/json,{\"a\":\"%zz%\"}", "{\"a\":\"%zz%\"}");
    check_data_url("data:text/json,{}", "{}");
    check_data_url("data:application/source-map+json;base64,e30=", "{}");
    check_data_url("data:application/json;charset=\"utf-8\",{}", "{}");
    check_data_url("data:application/json;base64,", "");
    /* failures */
    check_data_url("data:text/plain;base64,e30=", NULL);
    check_data_url("data:;base64,e30=", NULL);
    check_data_url("data:application/json;charset=latin1,{}", NULL);
    check_data_url("data:application/json;base64,e30", "{}"); /* padding is optional */
    check_data_url("data:application/json;base64,e3*=", NULL);
    check_data_url("data:application/json;base64,e", NULL);
    check_data_url("data:application/json", NULL);
    check_data_url("http://x/app.js.map", NULL);
    check_data_url("", NULL);

    lsm_error_t err;
    POISON(err);
    uint8_t *out;
    size_t len;
    CHECK_EQ(lsm_data_url_decode("data:,", 6, NULL, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_data_url_decode(NULL, 3, &out, &len, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    CHECK_CSTR(lsm_error_name(LSM_ERR_BAD_DATA_URL), "LSM_ERR_BAD_DATA_URL");
}

/* ---------------------------------------------------------- function names */

/* A map from `gen` to `orig` (source "orig.js") with one segment per
 * (generated marker, original marker, name) triple; markers are located
 * with strstr. `contents`: include sourcesContent. */
typedef struct seg {
    const char *gen_marker;
    const char *orig_marker;
    const char *name; /* or NULL */
} seg_t;

static void position_of(const char *text, const char *marker, uint32_t *line, uint32_t *col) {
    const char *at = strstr(text, marker);
    if (!at)
        check_bail("marker missing in test source");
    *line = 0, *col = 0;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n')
            (*line)++, *col = 0;
        else
            (*col)++;
    }
}

static lsm_view_t *make_map(const char *gen, const char *orig, const seg_t *segs, size_t n,
                            bool contents) {
    mappings_writer_t mw = {0};
    sb_t names = {0};
    uint32_t name_count = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t gl, gc, ol, oc;
        position_of(gen, segs[i].gen_marker, &gl, &gc);
        position_of(orig, segs[i].orig_marker, &ol, &oc);
        if (segs[i].name) {
            if (name_count)
                sb_puts(&names, ",");
            sb_json_string(&names, segs[i].name, strlen(segs[i].name));
            mw_segment(&mw, gl, gc, 5, 0, ol, oc, name_count++);
        } else {
            mw_segment(&mw, gl, gc, 4, 0, ol, oc, 0);
        }
    }
    sb_t json = {0};
    sb_puts(&json, "{\"version\":3,\"sources\":[\"orig.js\"],\"names\":[");
    sb_puts(&json, sb_str(&names));
    sb_puts(&json, "],\"mappings\":");
    sb_json_string(&json, sb_str(&mw.sb), mw.sb.len);
    if (contents) {
        sb_puts(&json, ",\"sourcesContent\":[");
        sb_json_string(&json, orig, strlen(orig));
        sb_puts(&json, "]");
    }
    sb_puts(&json, "}");
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(sb_str(&json), json.len, &err);
    if (!view) {
        check_print_error(&err);
        check_bail("test map does not parse");
    }
    sb_free(&json);
    sb_free(&names);
    sb_free(&mw.sb);
    return view;
}

/* The helper was inlined into `a` by the minifier: the throw maps into the
 * helper's original text. */
static const char INLINE_ORIG[] = "function helper() {\n"
                                  "  throw new Error(\"x\");\n"
                                  "}\n"
                                  "function caller() {\n"
                                  "  return helper();\n"
                                  "}\n"
                                  "caller();\n";
static const char INLINE_GEN[] = "function a(){throw new Error(\"x\")}a();";
static const seg_t INLINE_SEGS[] = {
    {"function a", "function caller", NULL},
    {"a(){", "caller()", "caller"},
    {"throw", "throw", NULL},
    {"a();", "caller();", "caller"},
};

static int name_at(lsm_js_namer_t *N, const char *gen, const char *marker, char *buf,
                   size_t size, size_t *len, int *how) {
    uint32_t line, col;
    position_of(gen, marker, &line, &col);
    lsm_error_t err;
    POISON(err);
    int rc = lsm_js_namer_name_at(N, line, col, buf, size, len, how, &err);
    CHECK_OK(err);
    return rc;
}

static void test_namer_original_side(void) {
    lsm_view_t *view = make_map(INLINE_GEN, INLINE_ORIG, INLINE_SEGS, 4, true);
    lsm_error_t err;
    POISON(err);
    lsm_js_namer_t *N = lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN), 0, &err);
    CHECK_CALL(N != NULL, err);
    CHECK_OK(err);
    char buf[64];
    size_t len;
    int how;
    /* the original text knows the throw is in helper(), inlined into a() */
    CHECK_EQ(name_at(N, INLINE_GEN, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "helper");
    CHECK_EQ(how, LSM_NAME_FROM_ORIGINAL);
    /* top-level code: no name, decided by the original */
    CHECK_EQ(name_at(N, INLINE_GEN, "a();", buf, sizeof buf, &len, &how), 0);
    CHECK_EQ(how, LSM_NAME_FROM_ORIGINAL);
    CHECK_EQ(len, 0);
    lsm_js_namer_free(N);

    /* generated side only: the generated function's name token, mapped */
    N = lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN), LSM_NAMES_GENERATED_ONLY, NULL);
    CHECK_EQ(name_at(N, INLINE_GEN, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "caller");
    CHECK_EQ(how, LSM_NAME_FROM_GENERATED);
    lsm_js_namer_free(N);

    /* the one-shot call agrees */
    uint32_t line, col;
    position_of(INLINE_GEN, "throw", &line, &col);
    POISON(err);
    CHECK_EQ(lsm_js_namer_name_once(view, INLINE_GEN, strlen(INLINE_GEN), line, col,
                                             buf, sizeof buf, &len, &err),
             1);
    CHECK_OK(err);
    CHECK_STR(buf, len, "helper");
    lsm_view_free(view);
}

static void test_namer_without_contents(void) {
    lsm_view_t *view = make_map(INLINE_GEN, INLINE_ORIG, INLINE_SEGS, 4, false);
    lsm_js_namer_t *N = lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN), 0, NULL);
    char buf[64];
    size_t len;
    int how;
    /* no original text: the generated side, with the mapping's name */
    CHECK_EQ(name_at(N, INLINE_GEN, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "caller");
    CHECK_EQ(how, LSM_NAME_FROM_GENERATED);
    /* once the caller gives the text, the original side */
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_js_namer_set_source(N, 0, INLINE_ORIG, strlen(INLINE_ORIG), &err), 0);
    CHECK_OK(err);
    CHECK_EQ(name_at(N, INLINE_GEN, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "helper");
    CHECK_EQ(how, LSM_NAME_FROM_ORIGINAL);
    POISON(err);
    CHECK_EQ(lsm_js_namer_set_source(N, 1, "x", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_OUT_OF_RANGE);
    POISON(err);
    CHECK_EQ(lsm_js_namer_set_source(NULL, 0, "x", 1, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_js_namer_free(N);

    /* nothing at all: no generated text and no original text */
    N = lsm_js_namer_new(view, NULL, 0, 0, NULL);
    CHECK_EQ(name_at(N, INLINE_GEN, "throw", buf, sizeof buf, &len, &how), 0);
    CHECK_EQ(how, LSM_NAME_NONE);
    lsm_js_namer_free(N);
    lsm_view_free(view);
}

static void test_namer_generated_names(void) {
    /* esbuild-like output: a class whose name token maps to the original
     * class name, methods keep their keys */
    const char *orig = "class Basket {\n"
                       "  total() {\n"
                       "    throw new Error(\"t\");\n"
                       "  }\n"
                       "}\n";
    const char *gen = "var o=class s{total(){throw new Error(\"t\")}};";
    const seg_t segs[] = {
        {"class s", "class Basket", NULL},
        {"s{", "Basket {", "_Basket"},
        {"total", "total", NULL},
        {"throw", "throw", NULL},
    };
    lsm_view_t *view = make_map(gen, orig, segs, 4, true);
    lsm_js_namer_t *N = lsm_js_namer_new(view, gen, strlen(gen), LSM_NAMES_GENERATED_ONLY, NULL);
    char buf[64];
    size_t len;
    int how;
    /* the original text at the mapped position wins over the map's name */
    CHECK_EQ(name_at(N, gen, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "Basket.total");
    /* a small buffer truncates, and the length says how much is needed */
    char small[5];
    CHECK_EQ(name_at(N, gen, "throw", small, sizeof small, &len, &how), 1);
    CHECK_EQ(len, 12);
    CHECK_CSTR(small, "Bask");
    CHECK_EQ(name_at(N, gen, "throw", NULL, 0, &len, NULL), 1);
    CHECK_EQ(len, 12);
    lsm_js_namer_free(N);

    /* without contents the map's name is used */
    lsm_view_t *bare = make_map(gen, orig, segs, 4, false);
    N = lsm_js_namer_new(bare, gen, strlen(gen), 0, NULL);
    CHECK_EQ(name_at(N, gen, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "_Basket.total");
    lsm_js_namer_free(N);
    lsm_view_free(bare);

    /* libsourcemap 0.8's call: the minified name's last component */
    uint32_t line, col;
    position_of(gen, "throw", &line, &col);
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_view_get_original_function_name(view, line, col, "s.total", 7, gen, strlen(gen),
                                                 buf, sizeof buf, &len, &err),
             1);
    CHECK_OK(err);
    CHECK_STR(buf, len, "total");
    CHECK_EQ(lsm_view_get_original_function_name(view, line, col, "new s", 5, gen, strlen(gen),
                                                 buf, sizeof buf, &len, NULL),
             1);
    CHECK_STR(buf, len, "Basket");
    CHECK_EQ(lsm_view_get_original_function_name(view, line, col, "zz", 2, gen, strlen(gen), buf,
                                                 sizeof buf, &len, NULL),
             0);
    CHECK_EQ(len, 0);
    POISON(err);
    CHECK_EQ(lsm_view_get_original_function_name(view, line, col, "s", 1, NULL, 0, buf,
                                                 sizeof buf, &len, &err),
             -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_view_free(view);
}

/* UglifyJS puts a function's name mapping on the space before the name,
 * tsc and Closure on the `function` keyword: the name is read through the
 * nearest token before it when only white space and such keywords lie
 * between (issue 10, item 1; libsourcemap 0.8.2 answers "onFailure"). */
static void test_name_token_before_identifier(void) {
    const char *gen = "function e(n){throw new Error(1)}";
    struct {
        const char *mappings;
        int rc;
        const char *want;
    } cases[] = {
        {"AAAA,QAAQA,MACN", 1, "onFailure"}, /* on the space: UglifyJS */
        {"AAAA,SAASA,KACT", 1, "onFailure"}, /* on the identifier */
        {"AAAAA,UACA", 1, "onFailure"},      /* on `function`, no token on the name */
        {"AAAA,UACA", 1, "e"},               /* no name anywhere: the minified text */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"onFailure\"],"
                 "\"mappings\":\"%s\"}",
                 cases[i].mappings);
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_json(json, strlen(json), &err);
        CHECK_CALL(view != NULL, err);
        if (!view)
            continue;
        char buf[64];
        size_t len = 99;
        POISON(err);
        CHECK_EQ(lsm_view_get_original_function_name(view, 0, 14, "e", 1, gen, strlen(gen), buf,
                                                     sizeof buf, &len, &err),
                 cases[i].rc);
        CHECK_OK(err);
        CHECK_STR(buf, len, cases[i].want);
        /* the namer's generated-code path reads the name the same way */
        lsm_js_namer_t *N = lsm_js_namer_new(view, gen, strlen(gen), LSM_NAMES_GENERATED_ONLY,
                                             &err);
        CHECK_CALL(N != NULL, err);
        int how = -1;
        CHECK_EQ(lsm_js_namer_name_at(N, 0, 14, buf, sizeof buf, &len, &how, &err), 1);
        CHECK_STR(buf, len, cases[i].want);
        CHECK_EQ(how, LSM_NAME_FROM_GENERATED);
        lsm_js_namer_free(N);
        lsm_view_free(view);
    }

    /* Something other than white space or those keywords between: the
     * token describes other code. `x=function e` with the token on `=`. */
    const char *gen2 = "x=function e(n){throw 1}";
    const char *json2 = "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"onFailure\"],"
                        "\"mappings\":\"AAAA,CAACA,eACD\"}";
    lsm_view_t *view = lsm_view_from_json(json2, strlen(json2), NULL);
    CHECK(view != NULL);
    char buf[64];
    size_t len = 99;
    CHECK_EQ(lsm_view_get_original_function_name(view, 0, 16, "e", 1, gen2, strlen(gen2), buf,
                                                 sizeof buf, &len, NULL),
             1);
    CHECK_STR(buf, len, "e");
    lsm_view_free(view);

    /* A keyword run: `async function*` and a getter. */
    const char *gen3 = "async function* g(){} class C{get v(){return 1}}";
    const char *json3 = "{\"version\":3,\"sources\":[\"a.js\"],\"names\":[\"gen\",\"value\"],"
                        "\"mappings\":\"AAAAA,kBAAA,YACAC,QAAI\"}";
    view = lsm_view_from_json(json3, strlen(json3), NULL);
    CHECK(view != NULL);
    CHECK_EQ(lsm_view_get_original_function_name(view, 0, 19, "g", 1, gen3, strlen(gen3), buf,
                                                 sizeof buf, &len, NULL),
             1);
    CHECK_STR(buf, len, "gen");
    CHECK_EQ(lsm_view_get_original_function_name(view, 0, 38, "v", 1, gen3, strlen(gen3), buf,
                                                 sizeof buf, &len, NULL),
             1);
    CHECK_STR(buf, len, "value");
    lsm_view_free(view);
}

static void test_namer_lookup(void) {
    /* a bundler's wrapper: the call of (()=>{...})() has no mapping; the
     * nearest one before it is inside the arrow, which ends before it */
    const char *orig = "run();\n";
    const char *gen = "(()=>{run()})();";
    const seg_t segs[] = {{"run()}", "run()", "run"}};
    lsm_view_t *view = make_map(gen, orig, segs, 1, true);
    lsm_js_namer_t *N = lsm_js_namer_new(view, gen, strlen(gen), 0, NULL);
    lsm_token_t tok;
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_js_namer_lookup(N, 0, 6, &tok, &err), 1); /* at `run` */
    CHECK_OK(err);
    CHECK_EQ(tok.src_line, 0);
    CHECK_EQ(lsm_js_namer_lookup(N, 0, 9, &tok, NULL), 1); /* inside the arrow */
    CHECK_EQ(lsm_js_namer_lookup(N, 0, 13, &tok, NULL), 2); /* the wrapper's call */
    CHECK_EQ(tok.dst_col, 6);
    CHECK_EQ(lsm_js_namer_lookup(N, 0, 0, &tok, NULL), 0); /* before any mapping */
    /* the view alone (plain same-line rule) would have mapped it */
    CHECK_EQ(lsm_lookup_ex(view, 0, 13, LSM_RULE_SAME_LINE, &tok, NULL), 1);
    POISON(err);
    CHECK_EQ(lsm_js_namer_lookup(NULL, 0, 0, &tok, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_js_namer_free(N);

    POISON(err);
    CHECK(lsm_js_namer_new(NULL, gen, 1, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK(lsm_js_namer_new(view, gen, 1, 7, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    POISON(err);
    CHECK_EQ(lsm_js_namer_name_at(NULL, 0, 0, NULL, 0, NULL, NULL, &err), -1);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_js_namer_free(NULL);
    lsm_view_free(view);
}

/* --------------------------------------------------------------- failure */

/* Every allocation of each call fails in turn: the call reports
 * LSM_ERR_NOMEM and leaks nothing, until it gets through. */
static void test_allocation_failures(void) {
    const char *src = "class A { m() { return x => `${ {a: () => 1} }` / 2; } }\n"
                      "const f = function () {}; <div onClick={() => 1}>t</div>;";
    lsm_view_t *view = make_map(INLINE_GEN, INLINE_ORIG, INLINE_SEGS, 4, true);
    /* The view unescapes contents on first access and keeps them: read
     * them once first, so that every later round must end where it began
     * (tests/c/test_contents.c fails that first unescaping). */
    for (uint32_t i = 0; i < lsm_view_source_count(view); i++)
        (void)lsm_view_source_contents(view, i, NULL, NULL);
    int64_t base = lsm_alloc_live();
    int rounds = 0;
    for (uint64_t n = 1; n < 10000; n++, rounds++) {
        lsm_error_t err;
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_js_scopes_t *s = lsm_js_scopes_build(src, strlen(src), &err);
        lsm_alloc_fail_after(0);
        if (s) {
            CHECK_OK(err);
            lsm_js_scopes_free(s);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), base);
    }
    CHECK(rounds > 3);
    for (uint64_t n = 1; n < 10000; n++) {
        lsm_error_t err;
        char buf[64];
        size_t len;
        uint32_t line, col;
        position_of(INLINE_GEN, "throw", &line, &col);
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_js_namer_t *N = lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN), 0, &err);
        int rc = N ? lsm_js_namer_name_at(N, line, col, buf, sizeof buf, &len, NULL, &err) : -1;
        lsm_alloc_fail_after(0);
        lsm_js_namer_free(N);
        CHECK_EQ(lsm_alloc_live(), base);
        if (rc == 1) {
            CHECK_OK(err);
            CHECK_STR(buf, len, "helper");
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
    }
    /* A source given by the caller, then replaced; a generated-only
     * namer (the original's line starts); the 0.8 call. */
    bool succeeded = false;
    for (uint64_t n = 1; n < 10000 && !succeeded; n++) {
        lsm_error_t err;
        char buf[64];
        size_t len = 0, len2 = 0, len3 = 0;
        uint32_t line, col;
        position_of(INLINE_GEN, "throw", &line, &col);
        POISON(err);
        lsm_alloc_fail_after(n);
        lsm_js_namer_t *N = lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN), 0, &err);
        int rc = N ? lsm_js_namer_set_source(N, 0, INLINE_ORIG, strlen(INLINE_ORIG), &err) : -1;
        rc = rc == 0 ? lsm_js_namer_name_at(N, line, col, buf, sizeof buf, &len, NULL, &err) : -1;
        rc = rc == 1 ? lsm_js_namer_set_source(N, 0, INLINE_ORIG, strlen(INLINE_ORIG), &err) : -1;
        rc = rc == 0 ? lsm_js_namer_name_at(N, line, col, buf, sizeof buf, &len, NULL, &err) : -1;
        lsm_js_namer_t *G = rc == 1 ? lsm_js_namer_new(view, INLINE_GEN, strlen(INLINE_GEN),
                                                       LSM_NAMES_GENERATED_ONLY, &err)
                                    : NULL;
        int rg = G ? lsm_js_namer_name_at(G, line, col, buf, sizeof buf, &len2, NULL, &err) : -1;
        int r8 = rg >= 0 ? lsm_view_get_original_function_name(view, line, col, "x", 1, INLINE_GEN,
                                                               strlen(INLINE_GEN), buf,
                                                               sizeof buf, &len3, &err)
                         : -1;
        lsm_alloc_fail_after(0);
        lsm_js_namer_free(N);
        lsm_js_namer_free(G);
        CHECK_EQ(lsm_alloc_live(), base);
        if (r8 >= 0) {
            CHECK_OK(err);
            CHECK_EQ(rc, 1);
            CHECK_EQ(len, 6); /* "helper" */
            succeeded = true;
            continue;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
    }
    CHECK(succeeded);
    for (uint64_t n = 1; n < 100; n++) {
        lsm_error_t err;
        uint8_t *out;
        size_t len;
        const char *url = "data:application/json;base64,e30=";
        POISON(err);
        lsm_alloc_fail_after(n);
        int rc = lsm_data_url_decode(url, strlen(url), &out, &len, &err);
        lsm_alloc_fail_after(0);
        if (rc == 0) {
            lsm_buffer_free(out);
            CHECK_EQ(lsm_alloc_live(), base);
            break;
        }
        CHECK_ERR(err, LSM_ERR_NOMEM);
        CHECK_EQ(lsm_alloc_live(), base);
    }
    lsm_view_free(view);
}

/* esbuild's lazy module initialisers and other names issue 13 asks for. */
static void test_wrapper_and_default_names(void) {
    /* unminified esbuild output: the method is named by its variable */
    const char *esm = "var init_themes = __esm({\n"
                      "  \"src/themes.ts\"() {\n"
                      "    dark = load();\n"
                      "  }\n"
                      "});\n"
                      "var require_x = __commonJS({\n"
                      "  \"x.js\"(exports, module) { module.exports = 1; }\n"
                      "});\n";
    CHECK_NAME_AT(esm, "dark", "init_themes");
    CHECK_NAME_AT(esm, "module.exports", "require_x");
    /* any other call keeps the object member's own name */
    CHECK_NAME_AT("var v = other({ \"k\"() { here(); } });", "here", "k");
    /* two members: not a wrapper */
    CHECK_NAME_AT("var v = __esm({ \"a\"() { here(); }, b() {} });", "here", "a");
    /* TypeScript's helpers: named through `||`, as V8 infers */
    CHECK_NAME_AT("var __decorate = (this && this.__decorate) || function (d) { here(); };",
                  "here", "__decorate");
    CHECK_NAME_AT("o.f = o.f ?? function () { here(); };", "here", "o.f");
    CHECK_NAME_AT("g(a || function () { here(); });", "here", NULL);
    /* a callback passed to a call is anonymous, even when the call is assigned */
    CHECK_NAME_AT("const sorted = edits.sort(() => { here(); });", "here", NULL);
}

/* The minified form, `var v=f(()=>{…})` with `f` mapped to esbuild's
 * __esmMin and `v` to init_themes: top-level code of the original, named
 * from the generated side. */
static void test_namer_esbuild_initialisers(void) {
    const char *orig = "export const dark = load();\n"
                       "[1].forEach(function () { boom(); });\n";
    const char *gen = "var o,t=e(()=>{o=l();[1].forEach(function(){b()})});";
    const seg_t segs[] = {
        {"t=e", "export", "init_themes"},
        {"e(()", "export", "__esmMin"},
        {"o=l", "dark", "dark"},
        {"l()", "load", "load"},
        {"[1]", "[1]", NULL},
        {"b()", "boom", "boom"},
    };
    lsm_view_t *view = make_map(gen, orig, segs, 6, true);
    lsm_error_t err;
    POISON(err);
    lsm_js_namer_t *N = lsm_js_namer_new(view, gen, strlen(gen), 0, &err);
    CHECK_CALL(N != NULL, err);
    char buf[64];
    size_t len;
    int how;
    CHECK_EQ(name_at(N, gen, "l()", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "init_themes");
    CHECK_EQ(how, LSM_NAME_FROM_GENERATED);
    /* inside the anonymous callback: the original says anonymous */
    CHECK_EQ(name_at(N, gen, "b()", buf, sizeof buf, &len, &how), 0);
    CHECK_EQ(how, LSM_NAME_ANONYMOUS);
    CHECK_EQ(len, 0);
    lsm_js_namer_free(N);
    lsm_view_free(view);

    /* the same call not mapped to __esmMin is no initialiser: top level */
    const seg_t plain[] = {
        {"t=e", "export", "init_themes"},
        {"e(()", "export", "memo"},
        {"o=l", "dark", "dark"},
        {"l()", "load", "load"},
    };
    view = make_map(gen, orig, plain, 4, true);
    N = lsm_js_namer_new(view, gen, strlen(gen), 0, NULL);
    CHECK_EQ(name_at(N, gen, "l()", buf, sizeof buf, &len, &how), 0);
    CHECK_EQ(how, LSM_NAME_FROM_ORIGINAL);
    lsm_js_namer_free(N);
    lsm_view_free(view);
}

static void test_namer_with_scopes(void) {
    /* The generated scopes built apart (as on another thread) name as the
     * namer that scans the text itself. */
    const char *orig = "class Basket {\n  total() {\n    throw new Error(\"t\");\n  }\n}\n";
    const char *gen = "var o=class s{total(){throw new Error(\"t\")}};";
    const seg_t segs[] = {
        {"class s", "class Basket", NULL},
        {"s{", "Basket {", "_Basket"},
        {"total", "total", NULL},
        {"throw", "throw", NULL},
    };
    lsm_view_t *bare = make_map(gen, orig, segs, 4, false);
    lsm_error_t err;
    POISON(err);
    lsm_js_scopes_t *S = lsm_js_scopes_build(gen, strlen(gen), &err);
    CHECK(S != NULL);
    POISON(err);
    lsm_js_namer_t *N = lsm_js_namer_new_with_scopes(bare, S, 0, &err);
    CHECK_OK(err);
    char buf[64];
    size_t len;
    int how;
    CHECK_EQ(name_at(N, gen, "throw", buf, sizeof buf, &len, &how), 1);
    CHECK_STR(buf, len, "_Basket.total");
    CHECK_EQ(how, LSM_NAME_FROM_GENERATED);
    lsm_js_namer_free(N);

    /* NULL scopes: no generated side, as lsm_js_namer_new() without text */
    N = lsm_js_namer_new_with_scopes(bare, NULL, 0, NULL);
    CHECK(N != NULL);
    CHECK_EQ(name_at(N, gen, "throw", buf, sizeof buf, &len, &how), 0);
    lsm_js_namer_free(N);

    /* on failure the scopes are freed by the call (no leak under ASan) */
    S = lsm_js_scopes_build(gen, strlen(gen), NULL);
    POISON(err);
    CHECK(lsm_js_namer_new_with_scopes(NULL, S, 0, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    S = lsm_js_scopes_build(gen, strlen(gen), NULL);
    POISON(err);
    CHECK(lsm_js_namer_new_with_scopes(bare, S, 99, &err) == NULL);
    CHECK_ERR(err, LSM_ERR_INVALID_ARGUMENT);
    lsm_view_free(bare);
}

int main(void) {
    RUN(test_declarations_and_expressions);
    RUN(test_classes);
    RUN(test_object_literals);
    RUN(test_arrow_extent);
    RUN(test_regex_or_division);
    RUN(test_templates_strings_comments);
    RUN(test_unicode);
    RUN(test_jsx);
    RUN(test_typescript);
    RUN(test_top_level_and_lookup);
    RUN(test_scopes_errors);
    RUN(test_regressions);
    RUN(test_every_prefix);
    RUN(test_source_mapping_url);
    RUN(test_debug_id);
    RUN(test_data_urls);
    RUN(test_namer_original_side);
    RUN(test_namer_without_contents);
    RUN(test_namer_generated_names);
    RUN(test_name_token_before_identifier);
    RUN(test_namer_lookup);
    RUN(test_allocation_failures);
    RUN(test_wrapper_and_default_names);
    RUN(test_namer_esbuild_initialisers);
    RUN(test_namer_with_scopes);
    return check_finish();
}
