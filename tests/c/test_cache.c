/* Cache files: round trips, the byte layout by construction, and damage.
 *
 * - Round trip: for every bundler fixture and for maps written here, the
 *   cache-backed view answers exactly as the JSON-backed one: tokens,
 *   sources (as written, with sourceRoot concatenated, and joined as 0.8
 *   did), contents, names, properties, ignore
 *   list, index flag, lookups.
 * - Layout by construction: this file encodes a cache from
 *   docs/cache-format.md with explicit little-endian byte writes, without
 *   the library's code; the library's dump must equal it byte for byte and
 *   the library must read it back; a version 1 file made the same way
 *   still opens, its tokens carrying the concatenated sources. A writer
 *   or reader that used the host's byte order would fail this on a
 *   big-endian host.
 * - Damage: every single-byte change (three values per byte) and every
 *   truncation of a small cache either fails with an LSM_ERR_CACHE_* code
 *   or opens and answers consistently (the same answers twice, ids in
 *   range, strings NUL-terminated), under the sanitizers in CI. */
#include <unistd.h>

#include "check.h"
#include "util.h"

/* ------------------------------------------------------------ compare */

static int same_str(const char *a, size_t alen, const char *b, size_t blen) {
    if (!a || !b)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* Compares everything two views answer. Returns the number of differences
 * reported. */
static int compare_views(const lsm_view_t *a, const lsm_view_t *b, const char *what) {
    int before = check_state.current_failures;
    CHECK_EQ(lsm_view_token_count(a), lsm_view_token_count(b));
    CHECK_EQ(lsm_view_line_count(a), lsm_view_line_count(b));
    CHECK_EQ(lsm_view_source_count(a), lsm_view_source_count(b));
    CHECK_EQ(lsm_view_name_count(a), lsm_view_name_count(b));
    CHECK_EQ(lsm_view_is_index(a), lsm_view_is_index(b));
    if (check_state.current_failures != before)
        return check_state.current_failures - before;
    for (uint32_t i = 0; i < lsm_view_token_count(a); i++) {
        lsm_token_t x, y;
        lsm_view_get_token(a, i, &x, NULL);
        lsm_view_get_token(b, i, &y, NULL);
        if (!token_equal(&x, &y, false)) {
            check_fail(__FILE__, __LINE__, "%s: token %u differs", what, i);
            break;
        }
        lsm_token_t lx, ly;
        int rx = lsm_lookup(a, x.dst_line, x.dst_col, &lx, NULL);
        int ry = lsm_lookup(b, x.dst_line, x.dst_col, &ly, NULL);
        if (rx != ry || !token_equal(&lx, &ly, false)) {
            check_fail(__FILE__, __LINE__, "%s: lookup at token %u differs", what, i);
            break;
        }
    }
    typedef const char *(*getter)(const lsm_view_t *, uint32_t, size_t *, lsm_error_t *);
    static const getter per_source[] = {lsm_view_source_name, lsm_view_source_url,
                                        lsm_view_source_contents, lsm_view_source_joined};
    for (uint32_t i = 0; i < lsm_view_source_count(a); i++) {
        for (size_t g = 0; g < 4; g++) {
            size_t la = 0, lb = 0;
            const char *sa = per_source[g](a, i, &la, NULL);
            const char *sb = per_source[g](b, i, &lb, NULL);
            if (!same_str(sa, la, sb, lb))
                check_fail(__FILE__, __LINE__, "%s: source %u, getter %zu differs", what, i, g);
        }
        CHECK_EQ(lsm_view_is_ignored(a, i), lsm_view_is_ignored(b, i));
    }
    for (uint32_t i = 0; i < lsm_view_name_count(a); i++) {
        size_t la = 0, lb = 0;
        const char *sa = lsm_view_name(a, i, &la, NULL);
        const char *sb = lsm_view_name(b, i, &lb, NULL);
        if (!same_str(sa, la, sb, lb))
            check_fail(__FILE__, __LINE__, "%s: name %u differs", what, i);
    }
    typedef const char *(*prop)(const lsm_view_t *, size_t *);
    static const prop props[] = {lsm_view_file, lsm_view_source_root, lsm_view_debug_id};
    for (size_t p = 0; p < 3; p++) {
        size_t la = 0, lb = 0;
        const char *sa = props[p](a, &la);
        const char *sb = props[p](b, &lb);
        if (!same_str(sa, la, sb, lb))
            check_fail(__FILE__, __LINE__, "%s: property %zu differs", what, p);
    }
    uint32_t na = 0, nb = 0;
    const uint32_t *ia = lsm_view_ignore_list(a, &na);
    const uint32_t *ib = lsm_view_ignore_list(b, &nb);
    CHECK_EQ(na, nb);
    if (na == nb && na && memcmp(ia, ib, na * sizeof *ia) != 0)
        check_fail(__FILE__, __LINE__, "%s: ignore lists differ", what);
    return check_state.current_failures - before;
}

static lsm_view_t *cache_of(const lsm_view_t *view, uint32_t flags, uint8_t **buf, size_t *len) {
    lsm_error_t err;
    if (lsm_view_dump_cache(view, flags, buf, len, &err) != 0) {
        check_fail(__FILE__, __LINE__, "dump: %s: %s", lsm_error_name(err.code), err.message);
        return NULL;
    }
    lsm_view_t *cached = lsm_view_from_cache(*buf, *len, &err);
    if (!cached)
        check_fail(__FILE__, __LINE__, "open: %s: %s", lsm_error_name(err.code), err.message);
    return cached;
}

/* ------------------------------------------------------- round trips */

static void roundtrip_json(const char *json, size_t len, const char *what) {
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_json(json, len, &err);
    if (!view) {
        check_fail(__FILE__, __LINE__, "%s: %s", what, err.message);
        return;
    }
    uint8_t *buf = NULL;
    size_t n = 0;
    lsm_view_t *cached = cache_of(view, LSM_CACHE_DEFAULT, &buf, &n);
    if (cached) {
        compare_views(view, cached, what);
        /* A cache of a cache is the same file. */
        uint8_t *again = NULL;
        size_t n2 = 0;
        lsm_view_t *twice = cache_of(cached, LSM_CACHE_DEFAULT, &again, &n2);
        CHECK(n2 == n && again && memcmp(again, buf, n) == 0);
        lsm_view_free(twice);
        lsm_buffer_free(again);
    }
    lsm_view_free(cached);
    lsm_buffer_free(buf);

    /* Without contents and names: the rest answers the same. */
    cached = cache_of(view, 0, &buf, &n);
    if (cached) {
        for (uint32_t i = 0; i < lsm_view_source_count(cached); i++)
            CHECK_EQ(lsm_view_has_source_contents(cached, i, NULL), 0);
        CHECK_EQ(lsm_view_name_count(cached), 0);
        for (uint32_t i = 0; i < lsm_view_token_count(view); i++) {
            lsm_token_t x, y;
            lsm_view_get_token(view, i, &x, NULL);
            lsm_view_get_token(cached, i, &y, NULL);
            x.name_id = LSM_NO_ID;
            x.name = NULL;
            x.name_len = 0;
            if (!token_equal(&x, &y, false)) {
                check_fail(__FILE__, __LINE__, "%s: token %u differs without names", what, i);
                break;
            }
        }
    }
    lsm_view_free(cached);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

static void test_roundtrip_fixtures(void) {
    static const char *maps[] = {
        "esbuild/app.min.js.map",       "esbuild/app.js.map",
        "terser/app.es.min.js.map",     "terser/app.es.min.src.js.map",
        "terser/app.esbuild.min.js.map", "webpack/app.js.map",
        "rollup/app.es.js.map",         "rollup/app.iife.js.map",
        "rollup/app.iife.min.js.map",   "tsc/greeter.js.map",
        "index-map/combined.js.map",
    };
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        size_t len;
        char *json = read_file(path_join(dir, maps[i]), &len);
        if (!json) {
            check_fail(__FILE__, __LINE__, "cannot read %s", maps[i]);
            continue;
        }
        roundtrip_json(json, len, maps[i]);
        free(json);
    }
}

/* Every property and table kind at once, null entries and embedded NULs
 * included. */
static const char RICH[] =
    "{\"version\":3,\"file\":\"out.js\",\"sourceRoot\":\"https://x.example/src\","
    "\"sources\":[\"a.js\",null,\"c\\u0000d.js\"],\"sourcesContent\":[\"let a\",null],"
    "\"names\":[\"alpha\",\"\",\"g\\u00e9\"],\"ignoreList\":[2,0],\"debugId\":\"85314830-023f\","
    "\"mappings\":\"AAAAA,CAACC;;AAAA,EAAE,GACAC;E,AAAA\"}";

static void test_roundtrip_rich(void) {
    roundtrip_json(RICH, strlen(RICH), "rich");
}

static void test_write_and_open_path(void) {
    lsm_view_t *view = lsm_view_from_json(RICH, strlen(RICH), NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    const char *dir = env_or("TMPDIR", "/tmp");
    char path[512];
    snprintf(path, sizeof path, "%s/lsm-test-cache-%ld.lsmcache", dir, (long)getpid());
    lsm_error_t err;
    POISON(err);
    CHECK_EQ(lsm_view_write_cache(view, LSM_CACHE_DEFAULT, path, &err), 0);
    CHECK_EQ(err.code, 0);
    POISON(err);
    lsm_view_t *mapped = lsm_view_from_cache_path(path, &err);
    CHECK(mapped != NULL);
    CHECK_EQ(err.code, 0);
    if (mapped)
        compare_views(view, mapped, "mapped");
    lsm_view_free(mapped);
    remove(path);
    lsm_view_free(view);
}

/* ----------------------------------------------- layout by construction */

/* A byte writer that knows nothing of the library's helpers. */
typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes_t;

static void put(bytes_t *b, const void *data, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}
static void put_u8(bytes_t *b, unsigned v) {
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}
static void put_le(bytes_t *b, uint64_t v, int size) {
    for (int i = 0; i < size; i++)
        put_u8(b, (unsigned)((v >> (8 * i)) & 0xff));
}
static void pad8(bytes_t *b) {
    while (b->len % 8)
        put_u8(b, 0);
}
static void set_le(uint8_t *p, uint64_t v, int size) {
    for (int i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static unsigned bits(uint32_t v) {
    unsigned n = 0;
    for (; v; v >>= 1)
        n++;
    return n;
}

/* One string table entry for `s` (NULL: null), its bytes into `blob`. */
static void put_string(bytes_t *table, bytes_t *blob, const char *s, size_t len) {
    if (!s) {
        put_le(table, UINT64_MAX, 8);
        put_le(table, 0, 8);
        return;
    }
    put_le(table, blob->len, 8);
    put_le(table, len, 8);
    put(blob, s, len);
    put_u8(blob, 0);
}

/* Encodes `view` as docs/cache-format.md describes, with the writer's
 * documented choices: strings in table order (sources, resolved sources
 * unless they are the sources themselves, joined sources where they are
 * not the string of the same entry of either, contents, names,
 * properties), every section 8-byte aligned. Version 1 has no joined
 * sources. */
static bytes_t encode_by_hand(const lsm_view_t *view, int urls_shared, int version) {
    uint32_t tokens = lsm_view_token_count(view), lines = lsm_view_line_count(view);
    uint32_t sources = lsm_view_source_count(view), names = lsm_view_name_count(view);
    uint32_t max[5] = {0, 0, 0, 0, 0};
    lsm_token_t *t = calloc(tokens ? tokens : 1, sizeof *t);
    for (uint32_t i = 0; i < tokens; i++) {
        lsm_view_get_token(view, i, &t[i], NULL);
        uint32_t v[5] = {t[i].dst_col, 0, 0, 0, 0};
        if (t[i].src_id != LSM_NO_ID) {
            v[1] = t[i].src_line;
            v[2] = t[i].src_col;
            v[3] = t[i].src_id + 1;
            v[4] = t[i].name_id == LSM_NO_ID ? 0 : t[i].name_id + 1;
        }
        for (int f = 0; f < 5; f++)
            if (v[f] > max[f])
                max[f] = v[f];
    }
    unsigned width[5], record_bits = 0;
    for (int f = 0; f < 5; f++)
        record_bits += width[f] = bits(max[f]);

    bytes_t sec[12] = {{0}};
    /* 1: line index */
    for (uint32_t l = 0; l <= lines; l++) {
        uint32_t first = 0;
        while (first < tokens && t[first].dst_line < l)
            first++;
        put_le(&sec[1], first, 4);
    }
    /* 2: records, bit by bit, least significant first */
    size_t rec_bytes = ((size_t)tokens * record_bits + 7) / 8 + 8;
    sec[2].p = calloc(rec_bytes, 1);
    sec[2].len = sec[2].cap = rec_bytes;
    uint64_t bit = 0;
    for (uint32_t i = 0; i < tokens; i++) {
        uint32_t v[5] = {t[i].dst_col, 0, 0, 0, 0};
        if (t[i].src_id != LSM_NO_ID) {
            v[1] = t[i].src_line;
            v[2] = t[i].src_col;
            v[3] = t[i].src_id + 1;
            v[4] = t[i].name_id == LSM_NO_ID ? 0 : t[i].name_id + 1;
        }
        for (int f = 0; f < 5; f++)
            for (unsigned k = 0; k < width[f]; k++, bit++)
                if ((v[f] >> k) & 1)
                    sec[2].p[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    /* 3-7 and 9: strings */
    bytes_t *blob = &sec[9];
    for (uint32_t i = 0; i < sources; i++) {
        size_t n;
        const char *s = lsm_view_source_name(view, i, &n, NULL);
        put_string(&sec[3], blob, s, n);
    }
    for (uint32_t i = 0; i < sources; i++) {
        size_t n;
        const char *s = lsm_view_source_url(view, i, &n, NULL);
        if (urls_shared)
            put(&sec[4], sec[3].p + (size_t)i * 16, 16);
        else
            put_string(&sec[4], blob, s, n);
    }
    for (uint32_t i = 0; i < sources && version >= 2; i++) {
        size_t n, n_name, n_url;
        const char *s = lsm_view_source_joined(view, i, &n, NULL);
        const char *name = lsm_view_source_name(view, i, &n_name, NULL);
        const char *url = lsm_view_source_url(view, i, &n_url, NULL);
        if (s == name && n == n_name)
            put(&sec[11], sec[3].p + (size_t)i * 16, 16);
        else if (s == url && n == n_url)
            put(&sec[11], sec[4].p + (size_t)i * 16, 16);
        else
            put_string(&sec[11], blob, s, n);
    }
    for (uint32_t i = 0; i < sources; i++) {
        size_t n;
        const char *s = lsm_view_source_contents(view, i, &n, NULL);
        put_string(&sec[5], blob, s, n);
    }
    for (uint32_t i = 0; i < names; i++) {
        size_t n;
        const char *s = lsm_view_name(view, i, &n, NULL);
        put_string(&sec[6], blob, s, n);
    }
    size_t n;
    const char *s = lsm_view_file(view, &n);
    put_string(&sec[7], blob, s, n);
    s = lsm_view_source_root(view, &n);
    put_string(&sec[7], blob, s, n);
    s = lsm_view_debug_id(view, &n);
    put_string(&sec[7], blob, s, n);
    /* 8: ignore list */
    uint32_t nignore = 0;
    const uint32_t *ignore = lsm_view_ignore_list(view, &nignore);
    for (uint32_t i = 0; i < nignore; i++)
        put_le(&sec[8], ignore[i], 4);
    /* 10: column blocks */
    for (uint32_t i = 0; i < tokens; i += 16)
        put_le(&sec[10], t[i].dst_col, 4);

    bytes_t out = {0};
    static const uint8_t magic[8] = {0x89, 'L', 'S', 'M', 'C', 0x0D, 0x0A, 0x1A};
    put(&out, magic, 8);
    int nsections = version >= 2 ? 11 : 10;
    put_le(&out, (uint64_t)version, 4);
    put_le(&out, 64, 4); /* header size */
    put_le(&out, (lsm_view_is_index(view) ? 1 : 0) | 2 | 4, 4);
    put_le(&out, (uint64_t)nsections, 4);
    put_le(&out, 0, 8); /* file size, set below */
    put_le(&out, tokens, 4);
    put_le(&out, lines, 4);
    put_le(&out, sources, 4);
    put_le(&out, names, 4);
    put_le(&out, nignore, 4);
    for (int f = 0; f < 5; f++)
        put_u8(&out, width[f]);
    while (out.len < 64)
        put_u8(&out, 0);
    size_t table = out.len;
    for (int i = 0; i < nsections * 24; i++)
        put_u8(&out, 0);
    for (int id = 1; id <= nsections; id++) {
        pad8(&out);
        uint8_t *e = out.p + table + (size_t)(id - 1) * 24;
        set_le(e, (uint64_t)id, 4);
        set_le(e + 4, 0, 4);
        set_le(e + 8, out.len, 8);
        set_le(e + 16, sec[id].len, 8);
        if (sec[id].len)
            put(&out, sec[id].p, sec[id].len);
        free(sec[id].p);
    }
    set_le(out.p + 24, out.len, 8);
    free(t);
    return out;
}

static void check_by_hand(const char *json, int urls_shared, const char *what) {
    lsm_view_t *view = lsm_view_from_json(json, strlen(json), NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    bytes_t hand = encode_by_hand(view, urls_shared, 2);
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &buf, &len, NULL), 0);
    CHECK_EQ(len, hand.len);
    if (buf && len == hand.len && memcmp(buf, hand.p, len) != 0) {
        size_t at = 0;
        while (buf[at] == hand.p[at])
            at++;
        check_fail(__FILE__, __LINE__, "%s: the dump differs from the documented layout at "
                   "byte %zu (0x%02x, want 0x%02x)", what, at, buf[at], hand.p[at]);
    }
    lsm_error_t err;
    lsm_view_t *read = lsm_view_from_cache(hand.p, hand.len, &err);
    if (!read)
        check_fail(__FILE__, __LINE__, "%s: the hand-made file does not open: %s", what,
                   err.message);
    else
        compare_views(view, read, what);
    lsm_view_free(read);
    lsm_buffer_free(buf);
    free(hand.p);

    /* Version 1: readable, its tokens carrying the concatenated sources. */
    hand = encode_by_hand(view, urls_shared, 1);
    read = lsm_view_from_cache(hand.p, hand.len, &err);
    if (!read) {
        check_fail(__FILE__, __LINE__, "%s: the version 1 file does not open: %s", what,
                   err.message);
    } else {
        CHECK_EQ(lsm_view_token_count(read), lsm_view_token_count(view));
        for (uint32_t i = 0; i < lsm_view_source_count(read); i++) {
            size_t la, lb;
            const char *a = lsm_view_source_joined(read, i, &la, NULL);
            const char *b = lsm_view_source_url(view, i, &lb, NULL);
            if (!same_str(a, la, b, lb))
                check_fail(__FILE__, __LINE__, "%s: version 1 source %u is not the URL", what, i);
        }
        for (uint32_t i = 0; i < lsm_view_token_count(read); i++) {
            lsm_token_t x, y;
            lsm_view_get_token(view, i, &x, NULL);
            lsm_view_get_token(read, i, &y, NULL);
            size_t lu = 0;
            const char *url =
                x.src_id == LSM_NO_ID ? NULL : lsm_view_source_url(view, x.src_id, &lu, NULL);
            if (x.src_id != y.src_id || !same_str(y.src, y.src_len, url, lu))
                check_fail(__FILE__, __LINE__, "%s: version 1 token %u", what, i);
        }
    }
    lsm_view_free(read);
    free(hand.p);
    lsm_view_free(view);
}

static void test_layout_by_construction(void) {
    /* Values chosen so that fields straddle byte boundaries and need
     * several bytes: a column of 300000, a line of 70000. */
    check_by_hand("{\"version\":3,\"file\":\"out.js\",\"sources\":[\"a.js\",\"b.js\"],"
                  "\"sourcesContent\":[\"x\",null],\"names\":[\"n\",\"m\"],"
                  "\"ignoreList\":[1],\"debugId\":\"id\","
                  "\"mappings\":\"AAAAA,CAACC,g+pSCg3oEA;ADh3oED,A;;GCAGD\"}",
                  1, "plain");
    check_by_hand(RICH, 0, "rich");
    /* Joined sources of every kind: shared with the sources (no root, an
     * absolute source), with the URLs (a root with one "/"), and their own
     * (null sources, a root with several "/"). */
    check_by_hand("{\"version\":3,\"sources\":[\"a.js\",null],\"mappings\":\"AAAA,CCAA\"}", 1,
                  "no root");
    check_by_hand("{\"version\":3,\"sourceRoot\":\"src/\",\"sources\":[\"a.js\",\"/b.js\",null],"
                  "\"mappings\":\"AAAA,CCAA,CCAA\"}",
                  0, "root with one slash");
    check_by_hand("{\"version\":3,\"sourceRoot\":\"webpack:///\",\"sources\":[\"./a.js\","
                  "\"https://x/y.js\",null],\"mappings\":\"AAAA,CCAA,CCAA\"}",
                  0, "webpack root");
}

/* ---------------------------------------------------------------- damage */

/* Reads everything a view answers, twice, and checks the two readings
 * agree and stay in bounds. Returns a checksum of the answers. */
static uint64_t read_all(const lsm_view_t *view) {
    uint64_t sum = 0;
    uint32_t tokens = lsm_view_token_count(view);
    uint32_t sources = lsm_view_source_count(view), names = lsm_view_name_count(view);
    for (uint32_t i = 0; i < tokens && i < 4096; i++) {
        lsm_token_t t;
        if (lsm_view_get_token(view, i, &t, NULL) != 0)
            return sum ^ 0xdead;
        if (t.src_id != LSM_NO_ID && t.src_id >= sources)
            check_fail(__FILE__, __LINE__, "token %u: source id %u of %u", i, t.src_id, sources);
        if (t.name_id != LSM_NO_ID && t.name_id >= names)
            check_fail(__FILE__, __LINE__, "token %u: name id %u of %u", i, t.name_id, names);
        if (t.src && t.src[t.src_len] != 0)
            check_fail(__FILE__, __LINE__, "token %u: source not NUL-terminated", i);
        sum = sum * 31 + t.dst_line * 7 + t.dst_col + t.src_id + t.src_line + t.name_id;
        for (int rule = 0; rule <= 2; rule++) {
            lsm_token_t l;
            sum = sum * 3 + (uint64_t)lsm_lookup_ex(view, t.dst_line, t.dst_col + 1, rule, &l,
                                                    NULL);
        }
    }
    lsm_token_t chunk[8];
    sum += (uint64_t)lsm_view_get_tokens(view, 0, 8, chunk, NULL);
    for (uint32_t i = 0; i < sources && i < 256; i++) {
        size_t n;
        const char *s = lsm_view_source_contents(view, i, &n, NULL);
        if (s && s[n] != 0)
            check_fail(__FILE__, __LINE__, "contents %u not NUL-terminated", i);
        sum = sum * 5 + n + (uint64_t)lsm_view_is_ignored(view, i);
        s = lsm_view_source_url(view, i, &n, NULL);
        sum = sum * 5 + n + (s != NULL);
    }
    for (uint32_t i = 0; i < names && i < 256; i++) {
        size_t n;
        const char *s = lsm_view_name(view, i, &n, NULL);
        sum = sum * 7 + n + (s != NULL);
    }
    size_t n;
    sum += lsm_view_file(view, &n) != NULL;
    uint32_t count;
    const uint32_t *ids = lsm_view_ignore_list(view, &count);
    for (uint32_t i = 0; ids && i < count; i++)
        sum += ids[i];
    lsm_token_t far;
    sum += (uint64_t)lsm_lookup(view, UINT32_MAX, UINT32_MAX, &far, NULL);
    return sum;
}

static long opened, refused;

static void try_damaged(const uint8_t *bytes, size_t len, const char *what, size_t at) {
    lsm_error_t err;
    POISON(err);
    lsm_view_t *view = lsm_view_from_cache(bytes, len, &err);
    if (!view) {
        if (err.code < LSM_ERR_CACHE_MAGIC || err.code > LSM_ERR_CACHE_CORRUPT)
            check_fail(__FILE__, __LINE__, "%s at %zu: refused with %s", what, at,
                       lsm_error_name(err.code));
        refused++;
        return;
    }
    CHECK_EQ(err.code, 0);
    uint64_t a = read_all(view), b = read_all(view);
    if (a != b)
        check_fail(__FILE__, __LINE__, "%s at %zu: answers changed between readings", what, at);
    opened++;
    lsm_view_free(view);
}

static void damage(const uint8_t *good, size_t len, size_t step, const char *what) {
    uint8_t *copy = malloc(len);
    static const uint8_t values[] = {0x00, 0xff, 0x80};
    for (size_t at = 0; at < len; at += step) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            memcpy(copy, good, len);
            copy[at] = copy[at] == values[v] ? (uint8_t)(values[v] ^ 0x01) : values[v];
            try_damaged(copy, len, what, at);
        }
        if (check_state.current_failures > 20)
            break;
    }
    /* Every truncation, each in a buffer of exactly that size so that a
     * read past the end is caught by the sanitizers. */
    for (size_t cut = 0; cut < len; cut += step) {
        uint8_t *short_copy = malloc(cut ? cut : 1);
        memcpy(short_copy, good, cut);
        lsm_error_t err;
        lsm_view_t *view = lsm_view_from_cache(short_copy, cut, &err);
        CHECK(view == NULL);
        if (!view && err.code != LSM_ERR_CACHE_TRUNCATED && err.code != LSM_ERR_CACHE_MAGIC)
            check_fail(__FILE__, __LINE__, "%s cut at %zu: %s", what, cut,
                       lsm_error_name(err.code));
        lsm_view_free(view);
        free(short_copy);
    }
    free(copy);
}

static void test_damage_small(void) {
    lsm_view_t *view = lsm_view_from_json(RICH, strlen(RICH), NULL);
    CHECK(view != NULL);
    if (!view)
        return;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_EQ(lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &buf, &len, NULL), 0);
    opened = refused = 0;
    if (buf)
        damage(buf, len, 1, "rich");
    printf("# rich: %zu bytes, %ld damaged copies opened, %ld refused\n", len, opened, refused);
    CHECK(opened > 0 && refused > 0);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

static void test_damage_fixture(void) {
    const char *dir = env_or("LSM_FIXTURES_DIR", "tests/fixtures/bundlers");
    size_t len;
    char *json = read_file(path_join(dir, "tsc/greeter.js.map"), &len);
    CHECK(json != NULL);
    if (!json)
        return;
    lsm_view_t *view = lsm_view_from_json(json, len, NULL);
    free(json);
    uint8_t *buf = NULL;
    size_t n = 0;
    CHECK_EQ(lsm_view_dump_cache(view, LSM_CACHE_DEFAULT, &buf, &n, NULL), 0);
    opened = refused = 0;
    if (buf)
        damage(buf, n, 3, "tsc"); /* every third byte keeps valgrind runs short */
    printf("# tsc: %zu bytes, %ld damaged copies opened, %ld refused\n", n, opened, refused);
    lsm_buffer_free(buf);
    lsm_view_free(view);
}

int main(void) {
    RUN(test_roundtrip_fixtures);
    RUN(test_roundtrip_rich);
    RUN(test_write_and_open_path);
    RUN(test_layout_by_construction);
    RUN(test_damage_small);
    RUN(test_damage_fixture);
    return check_finish();
}
