/* ProGuard / R8 mapping files (mapping.txt): parsing and the dotted-path
 * lookup of Sentry's libsourcemap 0.8.
 *
 * The line grammar follows what 0.8 accepted, so that lookups give the same
 * answers on every file 0.8 read:
 *
 *   class line   NAME -> OBF:            (no white space inside NAME or OBF)
 *   member line  4 spaces, then [A:B:]TYPE NAME(ARGS)[:C[:D]] -> OBF
 *                or TYPE NAME -> OBF for a field (kept out of lookups)
 *
 * with single ASCII spaces between the parts and no other white space
 * (Unicode White_Space, as 0.8's regular expressions meant by \s). Other
 * lines are skipped (or reported with LSM_PROGUARD_STRICT). Beyond 0.8 this
 * reads R8's ":C:D" original-line suffixes, CRLF line ends and a leading
 * byte order mark; docs/compatibility.md lists every difference. */
#include <stdlib.h>

#include "internal.h"

typedef struct pg_class {
    uint32_t name_off, name_len;
    uint32_t obf_off, obf_len;
    uint32_t first_member, member_count;
} pg_class_t;

typedef struct pg_member {
    uint32_t name_off, name_len;
    uint32_t obf_off, obf_len;
    uint32_t start, end; /* obfuscated line range; 0 where absent */
} pg_member_t;

struct lsm_proguard {
    char *text; /* a NUL-terminated copy of the input */
    uint32_t text_len;
    uint32_t class_count;
    uint32_t member_count;
    pg_class_t *classes;  /* in file order */
    pg_member_t *members; /* in file order, each class's contiguous */
    uint32_t *by_obf;     /* class indices sorted by OBF, then file order */
    int has_line_info;
};

/* ------------------------------------------------------------ tokenizing */

/* Length of the code point at s[0] (s is valid UTF-8, n > 0), and whether
 * it is Unicode White_Space. */
static size_t code_point(const uint8_t *s, size_t n, bool *space) {
    uint8_t c = s[0];
    if (c < 0x80) {
        *space = c == ' ' || (c >= 0x09 && c <= 0x0d);
        return 1;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (len > n)
        len = n; /* cannot happen for valid UTF-8 */
    uint32_t cp;
    if (len == 2)
        cp = (uint32_t)(c & 0x1f) << 6 | (s[1] & 0x3f);
    else if (len == 3)
        cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    else
        cp = 0x10000; /* nothing above the BMP is white space */
    *space = cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
             cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
    return len;
}

typedef struct span {
    const uint8_t *p;
    size_t n;
} span_t;

#define MAX_TOKENS 4

/* Splits s[0..n) into runs without white space, separated by exactly one
 * ASCII space. Returns the number of runs (at most MAX_TOKENS), or -1 when
 * the line has any other white space or more runs. */
static int split(const uint8_t *s, size_t n, span_t *tok) {
    int count = 0;
    size_t i = 0, start = 0;
    while (i <= n) {
        if (i < n && s[i] > ' ' && s[i] < 0x7f) {
            i++; /* the common case: printable ASCII */
            continue;
        }
        bool space = false;
        size_t len = 1;
        if (i < n)
            len = code_point(s + i, n - i, &space);
        if (i == n || space) {
            if (i == start || (i < n && s[i] != ' ') || count == MAX_TOKENS)
                return -1; /* empty run, other white space, too many */
            tok[count].p = s + start;
            tok[count].n = i - start;
            count++;
            start = i + len;
            if (i == n)
                break;
        }
        i += len;
    }
    return count;
}

static bool is_digit(uint8_t c) {
    return c >= '0' && c <= '9';
}

/* Parses the decimal digits s[0..n) (n > 0, all digits). Returns 0, or -1
 * when the value does not fit 32 bits. */
static int parse_u32(const uint8_t *s, size_t n, uint32_t *out) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Length of the run of digits at s[0..n). */
static size_t digits(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

/* --------------------------------------------------------------- parsing */

typedef struct parser {
    const uint8_t *text;
    uint32_t flags;
    uint32_t line_no; /* 0-based */
    size_t line_off;
    lsm_buf_t classes, members;
    bool in_class;
    bool has_line_info;
    lsm_error_t *err;
} parser_t;

static int syntax(parser_t *ps, const char *what) {
    int code = lsm_set_error(ps->err, LSM_ERR_PROGUARD_SYNTAX, "line %lu: %s",
                             (unsigned long)ps->line_no + 1, what);
    if (ps->err) {
        ps->err->line = ps->line_no;
        ps->err->offset = (int64_t)ps->line_off;
    }
    return code;
}

static int number_error(parser_t *ps) {
    int code = lsm_set_error(ps->err, LSM_ERR_PROGUARD_NUMBER,
                             "line %lu: line number beyond 32 bits",
                             (unsigned long)ps->line_no + 1);
    if (ps->err) {
        ps->err->line = ps->line_no;
        ps->err->offset = (int64_t)ps->line_off;
    }
    return code;
}

/* Skips the line: fine by default, an error when strict. */
static int skip(parser_t *ps, const char *what) {
    return ps->flags & LSM_PROGUARD_STRICT ? syntax(ps, what) : 0;
}

static uint32_t off(const parser_t *ps, const uint8_t *p) {
    return (uint32_t)(p - ps->text);
}

static int class_line(parser_t *ps, const span_t *tok, int count) {
    if (count != 3 || tok[1].n != 2 || memcmp(tok[1].p, "->", 2) != 0 || tok[2].n < 2 ||
        tok[2].p[tok[2].n - 1] != ':')
        return skip(ps, "expected a class line 'name -> obfuscated:'");
    if (ps->classes.len / sizeof(pg_class_t) >= UINT32_MAX)
        return lsm_set_error(ps->err, LSM_ERR_TOO_LARGE, "too many classes");
    pg_class_t cls = {
        .name_off = off(ps, tok[0].p),
        .name_len = (uint32_t)tok[0].n,
        .obf_off = off(ps, tok[2].p),
        .obf_len = (uint32_t)tok[2].n - 1,
        .first_member = (uint32_t)(ps->members.len / sizeof(pg_member_t)),
        .member_count = 0,
    };
    if (lsm_buf_append(&ps->classes, &cls, sizeof cls))
        return lsm_set_error(ps->err, LSM_ERR_NOMEM, "out of memory");
    ps->in_class = true;
    return 0;
}

static int member_line(parser_t *ps, const span_t *tok, int count) {
    if (count != 4 || tok[2].n != 2 || memcmp(tok[2].p, "->", 2) != 0)
        return skip(ps, "expected a member line 'type name(args) -> obfuscated'");
    span_t type = tok[0], call = tok[1];
    pg_member_t m = {.obf_off = off(ps, tok[3].p), .obf_len = (uint32_t)tok[3].n};

    /* "A:B:" before the type: taken only when a type follows, as 0.8 did. */
    size_t a = digits(type.p, type.n), b = 0;
    bool ranged = false;
    if (a > 0 && a < type.n && type.p[a] == ':') {
        b = digits(type.p + a + 1, type.n - a - 1);
        ranged = b > 0 && a + 1 + b + 1 < type.n && type.p[a + 1 + b] == ':';
    }

    /* R8's ":C" or ":C:D" original lines after the arguments. */
    size_t call_end = call.n; /* where the original lines start */
    if (call.n > 0 && call.p[call.n - 1] != ')') {
        size_t end = call.n;
        for (int groups = 0; groups < 2; groups++) {
            size_t d = 0;
            while (d < end && is_digit(call.p[end - 1 - d]))
                d++;
            if (d == 0 || d + 1 > end || call.p[end - 1 - d] != ':')
                break;
            end -= d + 1;
            if (end > 0 && call.p[end - 1] == ')')
                break;
        }
        if (end < call.n && end > 0 && call.p[end - 1] == ')')
            call_end = end;
    }

    /* NAME(ARGS): the name ends at the first '(' after its first byte. */
    const uint8_t *paren = call.n > 1 ? memchr(call.p + 1, '(', call.n - 1) : NULL;
    if (!paren) {
        if (memchr(call.p, '(', call.n) || memchr(call.p, ')', call.n))
            return skip(ps, "malformed method name");
        return 0; /* a field */
    }
    if (call.p[call_end - 1] != ')' || paren >= call.p + call_end - 1)
        return skip(ps, "malformed method arguments");

    /* A method line: its numbers must fit. */
    if (ranged && (parse_u32(type.p, a, &m.start) || parse_u32(type.p + a + 1, b, &m.end)))
        return number_error(ps);
    for (size_t i = call_end; i < call.n;) {
        size_t d = digits(call.p + i + 1, call.n - i - 1);
        uint32_t ignored;
        if (parse_u32(call.p + i + 1, d, &ignored))
            return number_error(ps);
        i += 1 + d;
    }
    if (ranged)
        ps->has_line_info = true;
    if (!ps->in_class)
        return skip(ps, "member line before any class line");
    m.name_off = off(ps, call.p);
    m.name_len = (uint32_t)(paren - call.p);
    if (ps->members.len / sizeof m >= UINT32_MAX)
        return lsm_set_error(ps->err, LSM_ERR_TOO_LARGE, "too many members");
    if (lsm_buf_append(&ps->members, &m, sizeof m))
        return lsm_set_error(ps->err, LSM_ERR_NOMEM, "out of memory");
    pg_class_t *cls = (pg_class_t *)(void *)ps->classes.data + ps->classes.len / sizeof *cls - 1;
    cls->member_count++;
    return 0;
}

static int parse_line(parser_t *ps, const uint8_t *s, size_t n) {
    if (!lsm_utf8_valid(s, n)) {
        int code = lsm_set_error(ps->err, LSM_ERR_PROGUARD_UTF8, "line %lu: invalid UTF-8",
                                 (unsigned long)ps->line_no + 1);
        if (ps->err) {
            ps->err->line = ps->line_no;
            ps->err->offset = (int64_t)ps->line_off;
        }
        return code;
    }
    if (n > 0 && s[n - 1] == '\r')
        n--;
    size_t indent = 0;
    while (indent < n && (s[indent] == ' ' || s[indent] == '\t'))
        indent++;
    if (indent == n || s[indent] == '#')
        return 0; /* blank, or a comment (R8 puts JSON in them) */
    span_t tok[MAX_TOKENS];
    if (indent == 0) {
        int count = split(s, n, tok);
        return class_line(ps, tok, count);
    }
    if (indent != 4)
        return skip(ps, "member lines are indented by 4 spaces");
    if (memcmp(s, "    ", 4) != 0)
        return skip(ps, "member lines are indented by 4 spaces");
    int count = split(s + 4, n - 4, tok);
    return member_line(ps, tok, count);
}

static int cmp_obf(const lsm_proguard_t *pg, uint32_t a, uint32_t b) {
    const pg_class_t *x = &pg->classes[a], *y = &pg->classes[b];
    size_t n = x->obf_len < y->obf_len ? x->obf_len : y->obf_len;
    int c = memcmp(pg->text + x->obf_off, pg->text + y->obf_off, n);
    if (c)
        return c;
    if (x->obf_len != y->obf_len)
        return x->obf_len < y->obf_len ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Sorts by_obf (merge sort: stable and without recursion depth concerns).
 * `tmp` has room for count entries. */
static void sort_classes(const lsm_proguard_t *pg, uint32_t *idx, uint32_t *tmp, uint32_t count) {
    for (uint64_t width = 1; width < count; width *= 2) {
        for (uint64_t lo = 0; lo < count; lo += 2 * width) {
            uint64_t mid = lo + width < count ? lo + width : count;
            uint64_t hi = lo + 2 * width < count ? lo + 2 * width : count;
            uint64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_obf(pg, idx[i], idx[j]) <= 0 ? idx[i++] : idx[j++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)count * sizeof *idx);
    }
}

void lsm_proguard_free(lsm_proguard_t *pg) {
    if (!pg)
        return;
    lsm_free(pg->text);
    lsm_free(pg->classes);
    lsm_free(pg->members);
    lsm_free(pg->by_obf);
    lsm_free(pg);
}

lsm_proguard_t *lsm_proguard_from_bytes(const char *bytes, size_t len, uint32_t flags,
                                        lsm_error_t *err) {
    lsm_clear_error(err);
    parser_t ps = {.flags = flags, .err = err};
    lsm_proguard_t *pg = NULL;
    uint32_t *tmp = NULL;
    if (!bytes && len > 0) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "bytes is NULL");
        goto fail;
    }
    if (flags & ~(uint32_t)LSM_PROGUARD_STRICT) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown flags 0x%x", (unsigned)flags);
        goto fail;
    }
    if (len >= UINT32_MAX) {
        /* Offsets are 32 bits, and the copy needs a byte more. */
        lsm_set_error(err, LSM_ERR_TOO_LARGE,
                      "ProGuard mapping too large (%llu bytes, at most 4294967294)",
                      (unsigned long long)len);
        goto fail;
    }
    pg = lsm_calloc(1, sizeof *pg);
    if (!pg)
        goto nomem;
    pg->text = lsm_malloc(len + 1);
    if (!pg->text)
        goto nomem;
    if (len)
        memcpy(pg->text, bytes, len);
    pg->text[len] = 0;
    pg->text_len = (uint32_t)len;

    const uint8_t *s = (const uint8_t *)pg->text;
    ps.text = s;
    size_t pos = 0;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    while (pos < len) {
        const uint8_t *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) : len;
        ps.line_off = pos;
        if (parse_line(&ps, s + pos, end - pos))
            goto fail;
        ps.line_no++;
        pos = end + 1;
    }
    pg->class_count = (uint32_t)(ps.classes.len / sizeof(pg_class_t));
    pg->member_count = (uint32_t)(ps.members.len / sizeof(pg_member_t));
    if (pg->class_count == 0) {
        lsm_set_error(err, LSM_ERR_PROGUARD_NO_CLASSES,
                      len == 0 ? "empty ProGuard mapping" : "no class line in ProGuard mapping");
        goto fail;
    }
    pg->classes = (pg_class_t *)(void *)ps.classes.data;
    pg->members = (pg_member_t *)(void *)ps.members.data;
    ps.classes.data = ps.members.data = NULL;
    pg->has_line_info = ps.has_line_info;

    pg->by_obf = lsm_malloc((size_t)pg->class_count * sizeof *pg->by_obf);
    tmp = lsm_malloc((size_t)pg->class_count * sizeof *tmp);
    if (!pg->by_obf || !tmp)
        goto nomem;
    for (uint32_t i = 0; i < pg->class_count; i++)
        pg->by_obf[i] = i;
    sort_classes(pg, pg->by_obf, tmp, pg->class_count);
    lsm_free(tmp);
    return pg;

nomem:
    lsm_set_error(err, LSM_ERR_NOMEM, "out of memory");
fail:
    lsm_free(tmp);
    lsm_free(ps.classes.data);
    lsm_free(ps.members.data);
    lsm_proguard_free(pg);
    return NULL;
}

lsm_proguard_t *lsm_proguard_from_path(const char *path, uint32_t flags, lsm_error_t *err) {
    lsm_clear_error(err);
    void *addr;
    size_t len;
    if (lsm_map_file(path, &addr, &len, err))
        return NULL;
    lsm_proguard_t *pg = lsm_proguard_from_bytes(addr ? addr : "", len, flags, err);
    lsm_unmap_file(addr, len);
    return pg;
}

int lsm_proguard_has_line_info(const lsm_proguard_t *pg) {
    return pg && pg->has_line_info ? 1 : 0;
}

uint32_t lsm_proguard_class_count(const lsm_proguard_t *pg) {
    return pg ? pg->class_count : 0;
}

/* ---------------------------------------------------------------- lookup */

static bool same(const lsm_proguard_t *pg, uint32_t o, uint32_t n, const char *s, size_t len) {
    return n == len && memcmp(pg->text + o, s, len) == 0;
}

/* The first class in file order whose obfuscated name is s[0..len). */
static const pg_class_t *find_class(const lsm_proguard_t *pg, const char *s, size_t len) {
    uint32_t lo = 0, hi = pg->class_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const pg_class_t *c = &pg->classes[pg->by_obf[mid]];
        size_t n = c->obf_len < len ? c->obf_len : len;
        int r = memcmp(pg->text + c->obf_off, s, n);
        if (r == 0 && c->obf_len != len)
            r = c->obf_len < len ? -1 : 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < pg->class_count) {
        const pg_class_t *c = &pg->classes[pg->by_obf[lo]];
        if (same(pg, c->obf_off, c->obf_len, s, len))
            return c;
    }
    return NULL;
}

int lsm_proguard_lookup(const lsm_proguard_t *pg, const char *path, size_t path_len,
                        uint32_t line, lsm_proguard_result_t *out, lsm_error_t *err) {
    if (out)
        memset(out, 0, sizeof *out);
    if (!pg || !out || (!path && path_len > 0))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL mapping, path or result"),
               -1;
    lsm_clear_error(err);
    if (!path)
        path = "";
    const char *colon = memchr(path, ':', path_len);
    size_t cls_len = colon ? (size_t)(colon - path) : path_len;
    out->class_name = path;
    out->class_name_len = cls_len;
    if (colon) {
        out->method = colon + 1;
        out->method_len = path_len - cls_len - 1;
    }
    const pg_class_t *cls = find_class(pg, path, cls_len);
    if (!cls)
        return 0;
    out->class_name = pg->text + cls->name_off;
    out->class_name_len = cls->name_len;
    if (!colon)
        return 1;

    /* As 0.8: of the members with this obfuscated name whose range holds
     * the line (any member without a full range does), the one whose range
     * starts nearest the line; the first in the file on a tie. */
    const pg_member_t *best = NULL;
    uint64_t best_dist = 0;
    for (uint32_t i = 0; i < cls->member_count; i++) {
        const pg_member_t *m = &pg->members[cls->first_member + i];
        if (!same(pg, m->obf_off, m->obf_len, out->method, out->method_len))
            continue;
        if (line != 0 && m->start != 0 && m->end != 0 && (line < m->start || line > m->end))
            continue;
        uint64_t dist = line > m->start ? (uint64_t)line - m->start : (uint64_t)m->start - line;
        if (!best || dist < best_dist) {
            best = m;
            best_dist = dist;
        }
    }
    if (!best)
        return 1;
    out->method = pg->text + best->name_off;
    out->method_len = best->name_len;
    return 2;
}
