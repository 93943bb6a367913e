/* The JSON string scanner (src/jsontext.c) and the reader's use of it:
 * long string values are read in place, every string is validated by it,
 * and errors point at the exact byte of the caller's input. */
#include "check.h"
#include "util.h"

#include "jsontext.h"

/* Bytes compared without the NUL that CHECK_MEM expects. */
#define CHECK_BYTES(got, got_len, want, want_len)                                            \
    CHECK((got_len) == (want_len) && memcmp((got), (want), (want_len)) == 0)

static lsm_json_scan_t scan_text(const char *text, size_t min_len) {
    lsm_json_scan_t scan;
    memset(&scan, 0, sizeof scan);
    CHECK_EQ(lsm_json_scan((const uint8_t *)text, strlen(text), min_len, &scan), 0);
    return scan;
}

static const lsm_json_long_t *items_of(const lsm_json_scan_t *scan, size_t *count) {
    *count = scan->strings.len / sizeof(lsm_json_long_t);
    return (const lsm_json_long_t *)(const void *)scan->strings.data;
}

/* Values of at least min_len bytes are listed, keys never. */
static void test_long_values_are_listed(void) {
    const char *text = "{\"key-that-is-long-enough\" : \"value-that-is-long-enough\", "
                       "\"k\":[\"short\",\"also-long-enough\\n\\u00e9\"],\"x\":\"\"}";
    lsm_json_scan_t scan = scan_text(text, 16);
    CHECK_EQ(scan.code, 0);
    size_t n;
    const lsm_json_long_t *it = items_of(&scan, &n);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK_BYTES(text + it[0].start, it[0].len, "value-that-is-long-enough", 25);
        CHECK_EQ(it[0].escaped, false);
        CHECK_BYTES(text + it[1].start, it[1].len, "also-long-enough\\n\\u00e9", 24);
        CHECK_EQ(it[1].escaped, true);
    }
    lsm_free(scan.strings.data);
}

/* Each bad string: its code and the offset of the offending byte. */
static void test_bad_strings(void) {
    static const struct {
        const char *text;
        int code;
        const char *at; /* the offending byte is the first byte of this */
    } cases[] = {
        {"[\"ab\x01" "c\"]", LSM_ERR_JSON, "\x01"},
        {"[\"ab\\xc\"]", LSM_ERR_JSON, "\\x"},
        {"[\"ab\\u12G4\"]", LSM_ERR_JSON, "\\u12G4"},
        {"[\"ab\\u12\"]", LSM_ERR_JSON, "\\u12"},
        {"[\"ab\\udc00\"]", LSM_ERR_INVALID_UTF8, "\\udc00"},
        {"[\"ab\\ud800x\"]", LSM_ERR_INVALID_UTF8, "\\ud800"},
        {"[\"ab\\ud800\\u0041\"]", LSM_ERR_INVALID_UTF8, "\\ud800"},
        {"[\"ab\\ud800\\n\"]", LSM_ERR_INVALID_UTF8, "\\ud800"},
        {"[\"ab\xc0\x80\"]", LSM_ERR_INVALID_UTF8, "\xc0"},
        {"[\"ab\xe0\x80\x80\"]", LSM_ERR_INVALID_UTF8, "\xe0"},
        {"[\"ab\xed\xa0\x80\"]", LSM_ERR_INVALID_UTF8, "\xed"},
        {"[\"ab\xf4\x90\x80\x80\"]", LSM_ERR_INVALID_UTF8, "\xf4"},
        {"[\"ab\xe2\x82\"]", LSM_ERR_INVALID_UTF8, "\xe2"},
        {"[\"ab\xff\"]", LSM_ERR_INVALID_UTF8, "\xff"},
        {"[\"ok\", \"ab\x80\"]", LSM_ERR_INVALID_UTF8, "\x80"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lsm_json_scan_t scan = scan_text(cases[i].text, 1);
        const char *at = strstr(cases[i].text, cases[i].at);
        if (scan.code != cases[i].code || (int64_t)scan.error_offset != at - cases[i].text)
            check_fail(__FILE__, __LINE__, "case %zu: code %d at %zu, want %d at %td", i,
                       scan.code, scan.error_offset, cases[i].code, at - cases[i].text);
        lsm_free(scan.strings.data);
    }
    /* An unterminated string ends the text. */
    lsm_json_scan_t scan = scan_text("[\"abc", 1);
    CHECK_EQ(scan.code, LSM_ERR_JSON);
    CHECK_EQ(scan.error_offset, 5);
    lsm_free(scan.strings.data);
    /* Every byte position of a long run, so the wide loads see the bad byte
     * in every lane. */
    for (size_t pos = 0; pos < 40; pos++) {
        char text[64];
        memset(text, 'a', sizeof text);
        text[0] = '"';
        text[1 + pos] = '\x1f';
        text[50] = '"';
        text[51] = 0;
        scan = scan_text(text, 1);
        CHECK_EQ(scan.code, LSM_ERR_JSON);
        CHECK_EQ(scan.error_offset, 1 + pos);
        lsm_free(scan.strings.data);
    }
}

/* One-character escapes are stepped over inside the wide loads: put
 * them in every lane, the escaped byte in the next block too, and check
 * where the string ends, that it is marked escaped, and that a bad escape
 * or a raw control byte after them is still found at its exact byte. */
static void test_escapes_in_every_lane(void) {
    static const char kinds[] = "\"\\/bfnrt";
    for (size_t pos = 0; pos < 40; pos++) {
        for (size_t k = 0; k < 8; k++) {
            char text[96];
            memset(text, 'a', sizeof text);
            text[0] = '[';
            text[1] = '"';
            /* Two escapes in a row at pos, then the closing quote. */
            text[2 + pos] = '\\';
            text[3 + pos] = kinds[k];
            text[4 + pos] = '\\';
            text[5 + pos] = kinds[(k + 3) % 8];
            text[70] = '"';
            text[71] = ']';
            text[72] = 0;
            lsm_json_scan_t scan = scan_text(text, 1);
            size_t n;
            const lsm_json_long_t *it = items_of(&scan, &n);
            CHECK_EQ(scan.code, 0);
            CHECK_EQ(n, 1);
            if (n == 1) {
                CHECK_EQ(it[0].start, 2);
                CHECK_EQ(it[0].len, 68);
                CHECK_EQ(it[0].escaped, true);
            }
            lsm_free(scan.strings.data);
            /* A bad escape, then a control byte, right after them. */
            text[6 + pos] = '\\';
            text[7 + pos] = 'x';
            scan = scan_text(text, 1);
            CHECK_EQ(scan.code, LSM_ERR_JSON);
            CHECK_EQ(scan.error_offset, 6 + pos);
            lsm_free(scan.strings.data);
            text[6 + pos] = '\x1f';
            scan = scan_text(text, 1);
            CHECK_EQ(scan.code, LSM_ERR_JSON);
            CHECK_EQ(scan.error_offset, 6 + pos);
            lsm_free(scan.strings.data);
        }
        /* A text that ends in an escape's backslash. */
        char cut[64];
        memset(cut, 'a', sizeof cut);
        cut[0] = '"';
        cut[1 + pos] = '\\';
        cut[2 + pos] = 0;
        lsm_json_scan_t scan = scan_text(cut, 1);
        CHECK_EQ(scan.code, LSM_ERR_JSON);
        CHECK_EQ(scan.error_offset, 2 + pos);
        lsm_free(scan.strings.data);
    }
}

static void test_unescape(void) {
    const char *raw = "a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00z";
    uint8_t out[64];
    size_t n = lsm_json_unescape((const uint8_t *)raw, strlen(raw), out);
    const char want[] = "a\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    CHECK_BYTES((const char *)out, n, want, sizeof want - 1);
    /* In place. */
    char copy[64];
    strcpy(copy, raw);
    n = lsm_json_unescape((const uint8_t *)copy, strlen(copy), (uint8_t *)copy);
    CHECK_BYTES(copy, n, want, sizeof want - 1);
}

/* Builds `count` copies of `unit`. */
static char *repeat(const char *unit, size_t count) {
    size_t n = strlen(unit);
    char *s = malloc(n * count + 1);
    for (size_t i = 0; i < count; i++)
        memcpy(s + i * n, unit, n);
    s[n * count] = 0;
    return s;
}

/* Long values of every field the reader keeps come out unescaped. */
static void test_reader_takes_long_strings_in_place(void) {
    char *content = repeat("line \\\"one\\\"\\n\\u00e9\\ud83d\\ude00 ", 20);
    char *want_content = repeat("line \"one\"\n\xc3\xa9\xf0\x9f\x98\x80 ", 20);
    char *name = repeat("n\\u0061me", 12);
    char *want_name = repeat("name", 12);
    char *source = repeat("dir/", 30);
    char *mappings = repeat("AAAA,\\u0043AAA;", 20); /* \u0043 is C */
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,\"file\":\"%s\",\"sources\":[\"%s\"],\"sourcesContent\":[\"%s\"],"
                   "\"names\":[\"%s\"],\"mappings\":\"%s\"}",
              source, source, content, name, mappings);
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(sb.s, sb.len, &err);
    CHECK_CALL(view != NULL, err);
    if (view) {
        size_t len;
        const char *s = lsm_view_source_contents(view, 0, &len, &err);
        CHECK_MEM(s, len, want_content, strlen(want_content));
        s = lsm_view_name(view, 0, &len, &err);
        CHECK_MEM(s, len, want_name, strlen(want_name));
        s = lsm_view_source_name(view, 0, &len, &err);
        CHECK_MEM(s, len, source, strlen(source));
        s = lsm_view_file(view, &len);
        CHECK_MEM(s, len, source, strlen(source));
        CHECK_EQ(lsm_view_token_count(view), 40);
        lsm_token_t t;
        CHECK_EQ(lsm_view_get_token(view, 1, &t, &err), 0);
        CHECK_EQ(t.dst_col, 1);
        CHECK_EQ(t.dst_line, 0);
    }
    lsm_view_free(view);
    sb_free(&sb);
    free(content);
    free(want_content);
    free(name);
    free(want_name);
    free(source);
    free(mappings);
}

/* A bad byte in a long value is reported at its exact offset; an error in
 * the text before it is reported first. */
static void test_reader_errors_in_long_strings(void) {
    char *content = repeat("abcdefgh", 20);
    size_t bad = 77;
    content[bad] = '\xff';
    sb_t sb = {0};
    sb_printf(&sb, "{\"version\":3,\"sources\":[\"a\"],\"sourcesContent\":[\"%s\"],\"mappings\":\"\"}",
              content);
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_INVALID_UTF8);
    CHECK_EQ(err.offset, (int64_t)(strstr(sb.s, content) - sb.s + bad));
    CHECK_EQ(err.line, -1);
    sb_free(&sb);

    /* "version" is wrong before the bad string: that error wins. */
    sb_printf(&sb, "{\"version\":4,\"sources\":[\"a\"],\"sourcesContent\":[\"%s\"],\"mappings\":\"\"}",
              content);
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_UNSUPPORTED_VERSION);
    sb_free(&sb);

    /* A structural error before it wins too, at its own offset. */
    sb_printf(&sb, "{\"version\":3,,\"sourcesContent\":[\"%s\"]}", content);
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_JSON);
    CHECK(err.offset <= (int64_t)(strstr(sb.s, ",,") - sb.s + 2));
    sb_free(&sb);

    /* After a long string that was fine, offsets still count from the
     * caller's first byte. */
    content[bad] = 'x';
    sb_printf(&sb, ")]}'\n{\"version\":3,\"sources\":[\"a\"],\"sourcesContent\":[\"%s\"],"
                   "\"mappings\":\"AAAA,A!\"}", content);
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_VLQ_INVALID_DIGIT);
    CHECK_EQ(err.offset, (int64_t)(strchr(sb.s, '!') - sb.s));
    sb_free(&sb);

    /* A structural error after a long string, at its offset. */
    sb_printf(&sb, "{\"version\":3,\"sources\":[\"a\"],\"sourcesContent\":[\"%s\"] \"x\":1}", content);
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_JSON);
    int64_t at = strstr(sb.s, "] \"x\"") - sb.s;
    CHECK(err.offset >= at && err.offset <= at + 5);
    sb_free(&sb);
    free(content);
}

/* yajl takes \v and \f as white space; JSON does not, and neither does
 * any peer. Were they allowed, a long key followed by "\f:" would be
 * listed as a long value (the scan would not see the colon) and yajl
 * would read it as a key: the case the fuzzer found. */
static void test_vertical_tab_and_form_feed(void) {
    char *key = repeat("k", 80);
    const char *spaces[] = {"\v", "\f", "\n\f\n"};
    for (size_t i = 0; i < sizeof spaces / sizeof *spaces; i++) {
        sb_t sb = {0};
        sb_printf(&sb, "{\"version\":3,\"sources\":[],\"mappings\":\"\",\"%s\"%s: 3}", key,
                  spaces[i]);
        lsm_error_t err;
        POISON(err);
        CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
        CHECK_EQ(err.code, LSM_ERR_JSON);
        CHECK_EQ(err.offset, (int64_t)(strpbrk(sb.s, "\v\f") - sb.s));
        CHECK_CSTR(err.message, "a vertical tab or form feed outside a string");
        sb_free(&sb);
    }
    /* The fuzzer's input itself: a long key, "\f", and a value that ends
     * only at yajl's final flush, with no closing brace. */
    sb_t sb = {0};
    sb_printf(&sb, "{\"%s\"\n\f\n: 3", key);
    lsm_error_t err;
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_JSON);
    CHECK_EQ(err.offset, (int64_t)(strchr(sb.s, '\f') - sb.s));
    sb_free(&sb);
    /* The same key without the form feed: a top-level number kept as
     * text, ending at the end of the input, and the missing brace
     * reported there. */
    sb_printf(&sb, "{\"%s\"\n\n: 3", key);
    POISON(err);
    CHECK(lsm_view_from_json(sb.s, sb.len, &err) == NULL);
    CHECK_EQ(err.code, LSM_ERR_JSON);
    CHECK_EQ(err.offset, (int64_t)sb.len);
    sb_free(&sb);
    /* Inside a string the escape \f stays fine. */
    const char ok[] = "{\"version\":3,\"sources\":[\"a\\fb\"],\"mappings\":\"\"}";
    lsm_view_t *view = lsm_view_from_json(ok, sizeof ok - 1, &err);
    if (CHECK_CALL(view != NULL, err))
        lsm_view_free(view);
    free(key);
}

/* The wide paths (64-bit words, SSE2, AVX2 in 64-byte blocks) at every
 * alignment and across every block edge: a run of 1 to 4 backslashes
 * placed at each offset of the first blocks, then a byte that the run
 * escapes or not by its parity, each checked for where the string ends,
 * whether it is marked escaped, and which error at which byte. */
static void test_wide_paths_at_block_edges(void) {
    static const int paths[] = {LSM_SCAN_WORDS, LSM_SCAN_SSE2, LSM_SCAN_AVX2};
    static const char *followers[] = {"\"", "n", "u0041", "x", "\x01", "\xc3\xa9", "\xff"};
    enum { CLOSE = 200 };
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        if (!lsm_json_scan_path_available(paths[p]))
            continue;
        for (size_t lead = 0; lead < 3; lead++) {
            for (size_t pos = 0; pos < 140; pos++) {
                for (size_t run = 1; run <= 4; run++) {
                    for (size_t f = 0; f < sizeof followers / sizeof *followers; f++) {
                        char text[CLOSE + 16];
                        memset(text, 'a', sizeof text);
                        size_t open = lead + 1, at = open + 1 + pos;
                        text[lead] = '[';
                        text[open] = '"';
                        memset(text + at, '\\', run);
                        memcpy(text + at + run, followers[f], strlen(followers[f]));
                        text[CLOSE] = '"';
                        text[CLOSE + 1] = ']';
                        text[CLOSE + 2] = 0;
                        bool escapes = run % 2 == 1;
                        char c = followers[f][0];
                        /* What the reader must say. */
                        int code = 0;
                        size_t where = 0, end = CLOSE;
                        if (escapes && (c == 'x' || c == '\x01' || (c & 0x80))) {
                            code = LSM_ERR_JSON, where = at + run - 1;
                        } else if (!escapes && c == '"') {
                            end = at + run;
                            text[end + 1] = ']';
                            text[end + 2] = 0;
                        } else if (!escapes && c == '\x01') {
                            code = LSM_ERR_JSON, where = at + run;
                        } else if (!escapes && c == '\xff') {
                            code = LSM_ERR_INVALID_UTF8, where = at + run;
                        }
                        lsm_json_scan_t scan;
                        memset(&scan, 0, sizeof scan);
                        CHECK_EQ(lsm_json_scan_with((const uint8_t *)text, strlen(text), 1, &scan,
                                                    paths[p]), 0);
                        size_t n;
                        const lsm_json_long_t *it = items_of(&scan, &n);
                        bool ok = scan.code == code && (!code || scan.error_offset == where);
                        if (!code)
                            ok = ok && n >= 1 && it[0].start == open + 1 &&
                                 it[0].len == end - (open + 1) && it[0].escaped;
                        if (!ok)
                            check_fail(__FILE__, __LINE__,
                                       "path %d lead %zu pos %zu run %zu follower %zu: code %d at %zu",
                                       paths[p], lead, pos, run, f, scan.code, scan.error_offset);
                        lsm_free(scan.strings.data);
                    }
                }
            }
        }
    }
}

/* Each path finds a bare quote, control byte or bad UTF-8 byte at every
 * offset of the first three 64-byte blocks, with plain text (no backslash:
 * not escaped) before it. */
static void test_wide_paths_every_offset(void) {
    static const int paths[] = {LSM_SCAN_WORDS, LSM_SCAN_SSE2, LSM_SCAN_AVX2};
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        if (!lsm_json_scan_path_available(paths[p]))
            continue;
        for (size_t pos = 0; pos < 192; pos++) {
            for (int kind = 0; kind < 3; kind++) {
                char text[256];
                memset(text, 'a', sizeof text);
                text[0] = '"';
                text[1 + pos] = kind == 0 ? '"' : kind == 1 ? '\x1f' : '\x80';
                text[240] = '"';
                /* A quote ends the text too. */
                size_t len = kind == 0 ? 2 + pos : 241;
                lsm_json_scan_t scan;
                memset(&scan, 0, sizeof scan);
                CHECK_EQ(lsm_json_scan_with((const uint8_t *)text, len, 0, &scan, paths[p]), 0);
                size_t n;
                const lsm_json_long_t *it = items_of(&scan, &n);
                if (kind == 0) {
                    CHECK_EQ(scan.code, 0);
                    if (n != 1 || it[0].start != 1 || it[0].len != pos || it[0].escaped)
                        check_fail(__FILE__, __LINE__, "path %d pos %zu: %zu strings, code %d",
                                   paths[p], pos, n, scan.code);
                } else {
                    CHECK_EQ(scan.code, kind == 1 ? LSM_ERR_JSON : LSM_ERR_INVALID_UTF8);
                    CHECK_EQ(scan.error_offset, 1 + pos);
                }
                lsm_free(scan.strings.data);
            }
        }
    }
}

/* On this machine, the best path is the widest it has. */
static void test_paths_available(void) {
    CHECK(lsm_json_scan_path_available(LSM_SCAN_BEST));
    CHECK(lsm_json_scan_path_available(LSM_SCAN_WORDS));
    CHECK(!lsm_json_scan_path_available(42));
#if defined(__x86_64__)
    CHECK(lsm_json_scan_path_available(LSM_SCAN_SSE2));
#endif
}

int main(void) {
    RUN(test_long_values_are_listed);
    RUN(test_bad_strings);
    RUN(test_escapes_in_every_lane);
    RUN(test_wide_paths_at_block_edges);
    RUN(test_wide_paths_every_offset);
    RUN(test_paths_available);
    RUN(test_unescape);
    RUN(test_reader_takes_long_strings_in_place);
    RUN(test_reader_errors_in_long_strings);
    RUN(test_vertical_tab_and_form_feed);
    return check_finish();
}
