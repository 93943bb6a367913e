/* libsourcemap 0.8's answer to get_original_function_name(), reproduced
 * so that code written for it gets the same names (issue 10).
 *
 * 0.8 looked the position up (the greatest token at or before it, the
 * last of several at one position), then walked back through at most 1000
 * tokens in generated order. At each token it read the identifier that
 * starts there in the generated text, after white space; the first token
 * whose identifier is the minified name and whose preceding token's is
 * `function` gave the answer: that token's name in the map, or nothing
 * when it has none. This names the function `minified_name` declared
 * nearest before the position, enclosing it or not, which is right for a
 * frame inside it and for a call of it.
 *
 * Where this reads text differently from 0.8, it is in what counts as an
 * identifier character beyond ASCII: here every non-ASCII code point but
 * white space, in 0.8 letters, marks and digits only (so `e·x` is one
 * identifier here, `e` there). */
#include "js.h"

#define WALK_LIMIT 1000 /* tokens, as measured on 0.8.2 */

/* Unicode White_Space, which 0.8's `\s` and `trim()` skip. */
static bool is_white_space(uint32_t cp) {
    if (cp <= 0x20)
        return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

static bool is_ident_cp(uint32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= '0' && cp <= '9') || cp == '_' || cp == '$';
    return !is_white_space(cp) && cp != 0xFFFD;
}

/* The identifier at the start of s[0..n) after white space, as 0.8 read
 * it, read no further than `limit` bytes (a longer one is cut there);
 * false when none starts there. */
static bool ident_after_space(const char *s, size_t n, size_t limit, const char **id,
                              size_t *id_len) {
    const uint8_t *t = (const uint8_t *)s;
    size_t i = 0;
    uint32_t cp = 0;
    while (i < n) {
        if (t[i] < 0x80) {
            if (t[i] != ' ' && (t[i] < 0x09 || t[i] > 0x0D))
                break;
            i++;
            continue;
        }
        size_t k = js_utf8_decode(t + i, n - i, &cp);
        if (!is_white_space(cp))
            break;
        i += k;
    }
    size_t start = i;
    while (i < n && i - start <= limit) {
        if (t[i] < 0x80) {
            if (!is_ident_cp(t[i]))
                break;
            i++;
            continue;
        }
        size_t k = js_utf8_decode(t + i, n - i, &cp);
        if (!is_ident_cp(cp))
            break;
        i += k;
    }
    *id = s + start;
    *id_len = i - start;
    return i > start;
}

/* Whether 0.8 took `name` for an identifier: not empty, no dot, no white
 * space around it, an identifier character first. */
static bool valid_name(const char *name, size_t n) {
    if (!n || memchr(name, '.', n))
        return false;
    uint32_t cp;
    js_utf8_decode((const uint8_t *)name, n, &cp);
    if (!is_ident_cp(cp))
        return false;
    /* the last code point: step back over continuation bytes */
    size_t last = n - 1;
    while (last > 0 && ((uint8_t)name[last] & 0xC0) == 0x80)
        last--;
    js_utf8_decode((const uint8_t *)name + last, n - last, &cp);
    return !is_white_space(cp);
}

/* Generated lines as 0.8 split them: at LF, a CR before it dropped. */
typedef struct lines08 {
    const char *src;
    size_t len;
    uint32_t line; /* the line `start` begins, or UINT32_MAX */
    size_t start, end;
} lines08_t;

static bool get_line(lines08_t *L, uint32_t line, const char **s, size_t *n) {
    if (L->line == UINT32_MAX) {
        L->line = 0;
        L->start = 0;
    }
    while (line < L->line) { /* back to the start of the line before */
        size_t i = L->start - 1; /* the LF ending that line */
        while (i > 0 && L->src[i - 1] != '\n')
            i--;
        L->start = i;
        L->line--;
    }
    while (L->line < line) {
        const char *nl = memchr(L->src + L->start, '\n', L->len - L->start);
        if (!nl)
            return false;
        L->start = (size_t)(nl - L->src) + 1;
        L->line++;
    }
    if (L->start >= L->len && L->start > 0 && L->src[L->start - 1] == '\n')
        return false; /* a final line terminator ends the last line */
    const char *nl = memchr(L->src + L->start, '\n', L->len - L->start);
    size_t end = nl ? (size_t)(nl - L->src) : L->len;
    if (nl && end > L->start && L->src[end - 1] == '\r')
        end--;
    *s = L->src + L->start;
    *n = end - L->start;
    return true;
}

/* The walk's reading position, kept while it stays on one line. */
typedef struct cursor {
    bool valid;
    uint32_t line, col;
    const char *text;
    size_t text_len, byte;
} cursor_t;

/* The identifier at token (line, col) as 0.8 read it. */
static bool token_ident(lines08_t *L, cursor_t *c, uint32_t line, uint32_t col, size_t limit,
                        const char **id, size_t *id_len) {
    const uint8_t *t;
    size_t byte = 0;
    if (c->valid && c->line == line && col <= c->col) {
        /* back from the last token on this line */
        uint32_t move = c->col - col, units = 0;
        t = (const uint8_t *)c->text;
        byte = c->byte;
        while (units < move && byte > 0) {
            if (t[byte - 1] < 0x80) {
                byte--;
                units++;
                continue;
            }
            size_t at = byte - 1;
            while (at > 0 && (t[at] & 0xC0) == 0x80)
                at--;
            uint32_t cp;
            js_utf8_decode(t + at, byte - at, &cp);
            units += cp >= 0x10000 ? 2 : 1;
            byte = at;
        }
    } else {
        const char *s = "";
        size_t n = 0;
        if (!get_line(L, line, &s, &n)) {
            s = "";
            n = 0;
        }
        c->text = s;
        c->text_len = n;
        t = (const uint8_t *)s;
        uint32_t units = 0;
        while (units < col && byte < n) {
            uint32_t cp;
            byte += js_utf8_decode(t + byte, n - byte, &cp);
            units += cp >= 0x10000 ? 2 : 1;
        }
    }
    c->valid = true;
    c->line = line;
    c->col = col;
    c->byte = byte;
    if (byte >= c->text_len) {
        c->valid = false;
        return false;
    }
    return ident_after_space(c->text + byte, c->text_len - byte, limit, id, id_len);
}

/* The index just past the last token at or before (line, col). */
static uint32_t upper_index(const lsm_view_t *view, uint32_t line, uint32_t col) {
    if (line >= view->line_count)
        return view->token_count;
    uint32_t lo = lsm_line_start(view, line), hi = lsm_line_start(view, line + 1);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        lsm_token_t tok;
        lsm_view_fill_token(view, mid, line, &tok);
        if (tok.dst_col <= col)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int js_function_name_08(const lsm_view_t *view, uint32_t line, uint32_t col, const char *name,
                        size_t name_len, const char *src, size_t src_len, lsm_token_t *tok) {
    if (!valid_name(name, name_len) || !lsm_utf8_valid((const uint8_t *)src, src_len))
        return 0;
    uint32_t end = upper_index(view, line, col);
    if (end == 0)
        return 0;
    lines08_t L = {src, src_len, UINT32_MAX, 0, 0};
    cursor_t cur = {0};
    /* Identifiers longer than both words need not be read whole. */
    size_t limit = name_len > 8 ? name_len : 8;
    /* Each token's identifier is read once: `prev` is the next one back. */
    uint32_t idx = end - 1;
    const char *id = NULL, *pid = NULL;
    size_t id_len = 0, pid_len = 0;
    lsm_token_t here;
    uint32_t here_line = lsm_view_token_line(view, idx);
    lsm_view_fill_token(view, idx, here_line, &here);
    bool has = token_ident(&L, &cur, here.dst_line, here.dst_col, limit, &id, &id_len);
    for (uint32_t step = 0; step + 1 < WALK_LIMIT && idx > 0; step++, idx--) {
        lsm_token_t prev;
        lsm_view_fill_token(view, idx - 1, lsm_view_token_line(view, idx - 1), &prev);
        bool phas = token_ident(&L, &cur, prev.dst_line, prev.dst_col, limit, &pid, &pid_len);
        if (has && id_len == name_len && memcmp(id, name, name_len) == 0 && phas &&
            pid_len == 8 && memcmp(pid, "function", 8) == 0) {
            *tok = here;
            return here.name ? 1 : 0;
        }
        here = prev;
        has = phas;
        id = pid;
        id_len = pid_len;
    }
    return 0;
}
