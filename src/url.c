/* Resolving a source to a URL as the JavaScript consumers do: the ECMA-426
 * sourceRoot concatenation, then reference resolution against the map's
 * own URL. The resolution follows @jridgewell/resolve-uri 3.1 (what
 * trace-mapping uses) step for step, quirks included, because consumers
 * compare the URLs we give with theirs: it is RFC 3986 resolution with
 * dot-segment removal, except that empty segments ("//") in a path are
 * collapsed, a scheme counts only when followed by "//" (or is "file:"),
 * and a relative base keeps its excess "..". tests/python/
 * test_resolve_source.py checks it against trace-mapping itself; the one
 * deliberate difference is base_len()'s. */
#include "internal.h"

typedef struct span {
    const char *p;
    size_t n;
} span_t;

/* URL kinds, ordered as resolve-uri orders them: a base of a greater kind
 * lends the result its kind. */
enum { U_EMPTY = 1, U_HASH, U_QUERY, U_RELATIVE, U_ABSOLUTE_PATH, U_SCHEME_RELATIVE, U_ABSOLUTE };

typedef struct url {
    int type;
    span_t scheme, user, host, port, query, hash;
    lsm_buf_t path; /* owned; always starts with "/" */
    lsm_buf_t text; /* what was parsed; the spans point into it */
} url_t;

static bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_scheme_char(char c) {
    return is_word(c) || c == '+' || c == '.' || c == '-';
}

static bool starts_with(const char *s, size_t n, const char *prefix) {
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* Length of the longest prefix of s[0..n) free of the bytes in `stop`. */
static size_t run_until(const char *s, size_t n, const char *stop) {
    size_t i = 0;
    while (i < n && !strchr(stop, s[i]))
        i++;
    return i;
}

/* A JavaScript regular expression's "." stops at a line terminator. */
static size_t run_to_line_end(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] != '\n' && s[i] != '\r' &&
           !(i + 2 < n && (uint8_t)s[i] == 0xE2 && (uint8_t)s[i + 1] == 0x80 &&
             ((uint8_t)s[i + 2] == 0xA8 || (uint8_t)s[i + 2] == 0xA9)))
        i++;
    return i;
}

/* A scheme of word characters, "+", "." or "-", then "://". */
static size_t scheme_len(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && is_scheme_char(s[i]))
        i++;
    if (i == 0 || !starts_with(s + i, n - i, "://"))
        return 0;
    return i + 1;
}

static int set_path(url_t *u, const char *p, size_t n) {
    u->path.len = 0;
    return lsm_buf_append(&u->path, p, n);
}

/* Optional "?query" then "#hash" at s[0..n). */
static void parse_query_hash(url_t *u, const char *s, size_t n) {
    size_t i = 0;
    if (i < n && s[i] == '?') {
        size_t k = 1 + run_until(s + i + 1, n - i - 1, "#");
        u->query = (span_t){s + i, k};
        i += k;
    }
    if (i < n && s[i] == '#')
        u->hash = (span_t){s + i, 1 + run_to_line_end(s + i + 1, n - i - 1)};
}

/* scheme://[user@]host[:port][/path][?query][#hash]; like the regular
 * expression it mirrors, it drops whatever follows a part that does not
 * fit. `s` has a scheme (the caller checked). */
static int parse_absolute(url_t *u, const char *s, size_t n) {
    size_t i = scheme_len(s, n);
    u->scheme = (span_t){s, i};
    i += 2;
    size_t k = run_until(s + i, n - i, "@/#?");
    if (i + k < n && s[i + k] == '@') {
        u->user = (span_t){s + i, k + 1};
        i += k + 1;
    }
    size_t close = 0;
    if (i < n && s[i] == '[') {
        size_t j = i + 1;
        while (j < n && s[j] != ']')
            j++;
        if (j < n && j > i + 1)
            close = j + 1 - i;
    }
    k = close ? close : run_until(s + i, n - i, ":/#?");
    u->host = (span_t){s + i, k};
    i += k;
    if (i + 1 < n && s[i] == ':' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        k = 1;
        while (i + k < n && s[i + k] >= '0' && s[i + k] <= '9')
            k++;
        u->port = (span_t){s + i, k};
        i += k;
    }
    int code;
    if (i < n && s[i] == '/') {
        k = run_until(s + i, n - i, "#?");
        code = set_path(u, s + i, k);
        i += k;
    } else {
        code = set_path(u, "/", 1);
    }
    parse_query_hash(u, s + i, n - i);
    u->type = U_ABSOLUTE;
    return code;
}

/* file:[//[host]][/]path[?query][#hash]; the host may not look like a
 * Windows drive ("c:"). */
static int parse_file(url_t *u, const char *s, size_t n) {
    size_t i = 5;
    u->scheme = (span_t){"file:", 5};
    if (starts_with(s + i, n - i, "//")) {
        i += 2;
        bool drive = i + 1 < n && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') && s[i + 1] == ':';
        if (!drive) {
            size_t k = run_until(s + i, n - i, "/#?");
            u->host = (span_t){s + i, k};
            i += k;
        }
    }
    size_t k = (i < n && s[i] == '/') ? 1 : 0;
    k += run_until(s + i + k, n - i - k, "#?");
    int code = 0;
    if (k && s[i] == '/')
        code = set_path(u, s + i, k);
    else if (!(code = set_path(u, "/", 1)))
        code = lsm_buf_append(&u->path, s + i, k);
    parse_query_hash(u, s + i + k, n - i - k);
    u->type = U_ABSOLUTE;
    return code;
}

/* Parses `input`, copied into u->text behind the prefix that makes the
 * URL regular expression accept it. */
static int parse_url(url_t *u, const char *input, size_t n) {
    static const span_t none = {"", 0};
    const char *prefix = "";
    int type = U_ABSOLUTE;
    if (starts_with(input, n, "//")) {
        prefix = "http:";
        type = U_SCHEME_RELATIVE;
    } else if (n && input[0] == '/') {
        prefix = "http://foo.com";
        type = U_ABSOLUTE_PATH;
    } else if (starts_with(input, n, "file:")) {
        type = -1;
    } else if (!scheme_len(input, n)) {
        prefix = "http://foo.com/";
        type = n == 0 ? U_EMPTY : input[0] == '?' ? U_QUERY : input[0] == '#' ? U_HASH : U_RELATIVE;
    }
    if (lsm_buf_append(&u->text, prefix, strlen(prefix)) || lsm_buf_append(&u->text, input, n))
        return LSM_ERR_NOMEM;
    const char *s = u->text.data ? (const char *)u->text.data : "";
    size_t len = u->text.len;
    u->scheme = u->user = u->host = u->port = u->query = u->hash = none;
    int code = type == -1 ? parse_file(u, s, len) : parse_absolute(u, s, len);
    if (code)
        return LSM_ERR_NOMEM;
    if (type != -1)
        u->type = type;
    if (type != U_ABSOLUTE && type != -1) {
        u->scheme = none;
        if (type != U_SCHEME_RELATIVE)
            u->host = none;
    }
    return 0;
}

/* Removes "." and empty segments, and ".." with the segment before it; a
 * relative path (kinds up to U_RELATIVE) keeps the ".." it cannot pop.
 * A trailing "/" stays where the last segment was empty or popped. */
static int normalize_path(url_t *u, int type) {
    bool rel = type <= U_RELATIVE;
    const char *p = (const char *)u->path.data;
    size_t n = u->path.len;
    size_t pieces = 1;
    for (size_t i = 0; i < n; i++)
        pieces += p[i] == '/';
    span_t *kept = lsm_malloc(pieces * sizeof *kept);
    if (!kept)
        return LSM_ERR_NOMEM;
    size_t pointer = 0, positive = 0;
    bool trailing = false;
    size_t start = 0;
    while (start < n && p[start] != '/')
        start++; /* the piece before the first "/" is always dropped */
    for (size_t i = start; i < n;) {
        size_t j = i + 1;
        while (j < n && p[j] != '/')
            j++;
        span_t piece = {p + i + 1, j - i - 1};
        i = j;
        if (piece.n == 0) {
            trailing = true;
            continue;
        }
        trailing = false;
        if (piece.n == 1 && piece.p[0] == '.')
            continue;
        if (piece.n == 2 && piece.p[0] == '.' && piece.p[1] == '.') {
            if (positive) {
                trailing = true;
                positive--;
                pointer--;
            } else if (rel) {
                kept[pointer++] = piece;
            }
            continue;
        }
        kept[pointer++] = piece;
        positive++;
    }
    lsm_buf_t out = {0};
    int code = 0;
    for (size_t i = 0; i < pointer && !code; i++)
        code = lsm_buf_append(&out, "/", 1) || lsm_buf_append(&out, kept[i].p, kept[i].n);
    bool ends_dotdot = out.len >= 3 && memcmp(out.data + out.len - 3, "/..", 3) == 0;
    if (!code && (out.len == 0 || (trailing && !ends_dotdot)))
        code = lsm_buf_append(&out, "/", 1);
    lsm_free(kept);
    if (code) {
        lsm_free(out.data);
        return LSM_ERR_NOMEM;
    }
    lsm_free(u->path.data);
    u->path = out;
    return 0;
}

/* The directory of a path: up to its last "/", unless it ends in "/..". */
static size_t path_dir_len(const lsm_buf_t *path) {
    const char *p = (const char *)path->data;
    size_t n = path->len;
    if (n >= 3 && memcmp(p + n - 3, "/..", 3) == 0)
        return n;
    while (n > 0 && p[n - 1] != '/')
        n--;
    return n;
}

static int merge_paths(url_t *u, url_t *base) {
    if (normalize_path(base, base->type))
        return LSM_ERR_NOMEM;
    lsm_buf_t out = {0};
    size_t dir = path_dir_len(&base->path);
    bool just_root = u->path.len == 1;
    if (lsm_buf_append(&out, base->path.data, just_root ? base->path.len : dir) ||
        (!just_root && lsm_buf_append(&out, u->path.data, u->path.len))) {
        lsm_free(out.data);
        return LSM_ERR_NOMEM;
    }
    lsm_free(u->path.data);
    u->path = out;
    return 0;
}

static bool starts_relative(const char *s, size_t n) {
    return n && (s[0] == '.' || s[0] == '?' || s[0] == '#');
}

static int append_span(lsm_buf_t *b, span_t s) {
    return lsm_buf_append(b, s.p, s.n);
}

/* resolve-uri's resolve(input, base), appended to `out`. */
static int resolve_uri(const char *input, size_t in_len, const char *base, size_t base_len,
                       lsm_buf_t *out) {
    if (!in_len && !base_len)
        return 0;
    url_t u, b;
    memset(&u, 0, sizeof u);
    memset(&b, 0, sizeof b);
    int code = parse_url(&u, input, in_len);
    int type = u.type;
    if (!code && base_len && type != U_ABSOLUTE) {
        code = parse_url(&b, base, base_len);
        switch (code ? 0 : type) {
        case U_EMPTY:
            u.hash = b.hash;
            /* fall through */
        case U_HASH:
            u.query = b.query;
            /* fall through */
        case U_QUERY:
        case U_RELATIVE:
            code = merge_paths(&u, &b);
            /* fall through */
        case U_ABSOLUTE_PATH:
            u.user = b.user;
            u.host = b.host;
            u.port = b.port;
            /* fall through */
        case U_SCHEME_RELATIVE:
            u.scheme = b.scheme;
            break;
        default:
            break;
        }
        if (b.type > type)
            type = b.type;
    }
    if (!code)
        code = normalize_path(&u, type);
    if (!code) {
        const char *path = (const char *)u.path.data;
        size_t path_len = u.path.len;
        switch (type) {
        case U_HASH:
        case U_QUERY:
            code = append_span(out, u.query) || append_span(out, u.hash);
            break;
        case U_RELATIVE:
            path++;
            path_len--;
            if (!path_len) {
                code = u.query.n || u.hash.n ? append_span(out, u.query) || append_span(out, u.hash)
                                             : lsm_buf_append(out, ".", 1);
                break;
            }
            if (starts_relative(base_len ? base : input, base_len ? base_len : in_len) &&
                !starts_relative(path, path_len))
                code = lsm_buf_append(out, "./", 2);
            code = code || lsm_buf_append(out, path, path_len) || append_span(out, u.query) ||
                   append_span(out, u.hash);
            break;
        case U_ABSOLUTE_PATH:
            code = lsm_buf_append(out, path, path_len) || append_span(out, u.query) ||
                   append_span(out, u.hash);
            break;
        default:
            code = append_span(out, u.scheme) || lsm_buf_append(out, "//", 2) ||
                   append_span(out, u.user) || append_span(out, u.host) ||
                   append_span(out, u.port) || lsm_buf_append(out, path, path_len) ||
                   append_span(out, u.query) || append_span(out, u.hash);
            break;
        }
        code = code ? LSM_ERR_NOMEM : 0;
    }
    lsm_free(u.path.data);
    lsm_free(u.text.data);
    lsm_free(b.path.data);
    lsm_free(b.text.data);
    return code ? LSM_ERR_NOMEM : 0;
}

/* trace-mapping resolves against the map URL up to its last "/". Where
 * that "/" is one of the "//" before a host ("https://example.com"), which
 * trace-mapping cuts to "https://" and resolves "a.js" to "https:///a.js",
 * the base is the URL up to the end of its host instead, as a browser
 * takes it. */
static size_t base_len(const char *url, size_t n) {
    size_t dir = n;
    while (dir > 0 && url[dir - 1] != '/')
        dir--;
    if (starts_with(url, n, "file:"))
        return dir;
    size_t scheme = scheme_len(url, n);
    size_t host = starts_with(url, n, "//") ? 2 : scheme ? scheme + 2 : 0;
    if (!host || dir > host)
        return dir;
    return host + run_until(url + host, n - host, "/?#");
}

int lsm_view_resolve_source(const lsm_view_t *view, uint32_t index, const char *map_url,
                            size_t map_url_len, char **out, size_t *out_len, lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL"), -1;
    if (!map_url)
        map_url_len = 0;
    size_t len = 0;
    lsm_error_t local;
    const char *src = lsm_view_source_url(view, index, &len, &local);
    if (!src) {
        if (local.code) {
            if (err)
                *err = local;
            return -1;
        }
        lsm_clear_error(err);
        return 0;
    }
    lsm_buf_t buf = {0};
    int code;
    if (!map_url) {
        code = lsm_buf_append(&buf, src, len);
    } else {
        code = resolve_uri(src, len, map_url, base_len(map_url, map_url_len), &buf);
    }
    if (!code)
        code = lsm_buf_append(&buf, "", 1);
    if (code) {
        lsm_free(buf.data);
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    }
    *out = (char *)buf.data;
    if (out_len)
        *out_len = buf.len - 1;
    lsm_clear_error(err);
    return 1;
}
