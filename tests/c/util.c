/* Helpers shared by the C tests. */
#include "util.h"

#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "test: out of memory\n");
        abort();
    }
    return q;
}

/* ------------------------------------------------------------ strings */

static void sb_reserve(sb_t *sb, size_t extra) {
    if (sb->cap - sb->len > extra)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap - sb->len <= extra)
        cap *= 2;
    sb->s = xrealloc(sb->s, cap);
    sb->cap = cap;
}

void sb_append(sb_t *sb, const void *data, size_t n) {
    sb_reserve(sb, n);
    if (n)
        memcpy(sb->s + sb->len, data, n);
    sb->len += n;
    sb->s[sb->len] = 0;
}

void sb_puts(sb_t *sb, const char *s) {
    sb_append(sb, s, strlen(s));
}

void sb_printf(sb_t *sb, const char *fmt, ...) {
    sb_reserve(sb, 128);
    for (;;) {
        size_t room = sb->cap - sb->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(sb->s + sb->len, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        sb_reserve(sb, (size_t)n);
    }
}

void sb_json_string(sb_t *sb, const char *s, size_t n) {
    sb_puts(sb, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_printf(sb, "\\%c", c);
        else if (c < 0x20)
            sb_printf(sb, "\\u%04x", c);
        else
            sb_append(sb, &s[i], 1);
    }
    sb_puts(sb, "\"");
}

void sb_free(sb_t *sb) {
    free(sb->s);
    memset(sb, 0, sizeof *sb);
}

const char *sb_str(sb_t *sb) {
    return sb->s ? sb->s : "";
}

/* ------------------------------------------------------------ mappings */

static const char BASE64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void vlq_append(sb_t *sb, int64_t value) {
    uint64_t v = value < 0 ? ((uint64_t)(-value) << 1) | 1 : (uint64_t)value << 1;
    do {
        unsigned digit = v & 31;
        v >>= 5;
        if (v)
            digit |= 32;
        sb_append(sb, &BASE64[digit], 1);
    } while (v);
}

void mw_newline(mappings_writer_t *mw) {
    sb_puts(&mw->sb, ";");
    mw->line++;
    mw->line_has_segment = false;
    mw->prev[0] = 0;
}

void mw_segment(mappings_writer_t *mw, uint32_t line, uint32_t col, int fields, uint32_t src,
                uint32_t src_line, uint32_t src_col, uint32_t name) {
    while (mw->line < line)
        mw_newline(mw);
    if (mw->line_has_segment)
        sb_puts(&mw->sb, ",");
    mw->line_has_segment = true;
    int64_t v[5] = {col, src, src_line, src_col, name};
    for (int i = 0; i < fields; i++) {
        vlq_append(&mw->sb, v[i] - mw->prev[i]);
        mw->prev[i] = v[i];
    }
}

/* ------------------------------------------------------------- files */

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sb_t sb = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(&sb, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        sb_free(&sb);
        errno = EIO;
        return NULL;
    }
    if (!sb.s)
        sb_puts(&sb, "");
    *len = sb.len;
    return sb.s;
}

const char *path_join(const char *dir, const char *name) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

const char *env_or(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* ------------------------------------------------------------- tokens */

static void field(char **p, char *end, uint32_t v, char sep) {
    int n = v == LSM_NO_ID ? snprintf(*p, (size_t)(end - *p), "-%c", sep)
                           : snprintf(*p, (size_t)(end - *p), "%" PRIu32 "%c", v, sep);
    if (n > 0 && *p + n < end)
        *p += n;
}

void token_format(const lsm_token_t *t, char *buf, size_t size) {
    char *p = buf, *end = buf + size;
    *p = 0;
    field(&p, end, t->dst_line, ' ');
    field(&p, end, t->dst_col, ' ');
    field(&p, end, t->src_id, ' ');
    field(&p, end, t->src_line, ' ');
    field(&p, end, t->src_col, ' ');
    field(&p, end, t->name_id, 0);
}

void view_tokens_text(const lsm_view_t *view, sb_t *out) {
    uint32_t n = lsm_view_token_count(view);
    for (uint32_t i = 0; i < n; i++) {
        lsm_token_t t;
        char line[128];
        if (lsm_view_get_token(view, i, &t, NULL) != 0) {
            sb_printf(out, "<get_token %" PRIu32 " failed>\n", i);
            continue;
        }
        token_format(&t, line, sizeof line);
        sb_printf(out, "%s\n", line);
    }
    if (!out->s)
        sb_puts(out, "");
}

int tokens_text_equal(const char *got, size_t got_len, const char *want, size_t want_len,
                      char *diag, size_t diag_size) {
    size_t gi = 0, wi = 0;
    unsigned line = 1;
    for (;;) {
        bool g_end = gi >= got_len, w_end = wi >= want_len;
        if (g_end && w_end)
            return 1;
        const char *gl = got + gi, *wl = want + wi;
        const char *gn = g_end ? gl : memchr(gl, '\n', got_len - gi);
        const char *wn = w_end ? wl : memchr(wl, '\n', want_len - wi);
        size_t glen = g_end ? 0 : gn ? (size_t)(gn - gl) : got_len - gi;
        size_t wlen = w_end ? 0 : wn ? (size_t)(wn - wl) : want_len - wi;
        if (g_end || w_end || glen != wlen || memcmp(gl, wl, glen) != 0) {
            snprintf(diag, diag_size, "token line %u: got \"%.*s\"%s, want \"%.*s\"%s", line,
                     (int)glen, gl, g_end ? " (end)" : "", (int)wlen, wl,
                     w_end ? " (end)" : "");
            return 0;
        }
        gi += glen + 1;
        wi += wlen + 1;
        line++;
    }
}

static bool str_equal(const char *a, size_t alen, const char *b, size_t blen, bool same_view) {
    if (same_view)
        return a == b && alen == blen;
    if ((a == NULL) != (b == NULL) || alen != blen)
        return false;
    return a == NULL || memcmp(a, b, alen) == 0;
}

bool token_equal(const lsm_token_t *a, const lsm_token_t *b, bool same_view) {
    return a->dst_line == b->dst_line && a->dst_col == b->dst_col &&
           a->src_line == b->src_line && a->src_col == b->src_col && a->src_id == b->src_id &&
           a->name_id == b->name_id && str_equal(a->src, a->src_len, b->src, b->src_len, same_view) &&
           str_equal(a->name, a->name_len, b->name, b->name_len, same_view);
}

void token_print(const char *label, const lsm_token_t *t) {
    char line[128];
    token_format(t, line, sizeof line);
    printf("#   %s: %s src=%.*s name=%.*s\n", label, line, t->src ? (int)t->src_len : 6,
           t->src ? t->src : "(null)", t->name ? (int)t->name_len : 6,
           t->name ? t->name : "(null)");
}

bool token_is_none(const lsm_token_t *t) {
    return t->dst_line == LSM_NO_ID && t->dst_col == LSM_NO_ID && t->src_line == LSM_NO_ID &&
           t->src_col == LSM_NO_ID && t->src_id == LSM_NO_ID && t->name_id == LSM_NO_ID &&
           t->src == NULL && t->src_len == 0 && t->name == NULL && t->name_len == 0;
}

/* --------------------------------------------------------- invariants */

#define FAIL(...) (snprintf(diag, diag_size, __VA_ARGS__), 0)

int view_check_invariants(const lsm_view_t *view, char *diag, size_t diag_size) {
    uint32_t n = lsm_view_token_count(view);
    uint32_t nsrc = lsm_view_source_count(view), nnames = lsm_view_name_count(view);
    lsm_token_t prev = {0}, t, found;
    uint32_t run_start = 0; /* index of the first token at prev's position */
    for (uint32_t i = 0; i < n; i++) {
        if (lsm_view_get_token(view, i, &t, NULL) != 0)
            return FAIL("get_token(%u) failed", i);
        if (i > 0 && (t.dst_line < prev.dst_line ||
                      (t.dst_line == prev.dst_line && t.dst_col < prev.dst_col)))
            return FAIL("token %u (%u:%u) before token %u (%u:%u)", i, t.dst_line, t.dst_col,
                        i - 1, prev.dst_line, prev.dst_col);
        if (i == 0 || t.dst_line != prev.dst_line || t.dst_col != prev.dst_col)
            run_start = i;
        if (t.src_id == LSM_NO_ID) {
            if (t.src_line != LSM_NO_ID || t.src_col != LSM_NO_ID || t.name_id != LSM_NO_ID ||
                t.src || t.name)
                return FAIL("token %u without a source has other fields", i);
        } else {
            if (t.src_id >= nsrc)
                return FAIL("token %u: src_id %u of %u", i, t.src_id, nsrc);
            size_t len;
            const char *joined = lsm_view_source_joined(view, t.src_id, &len, NULL);
            if (!joined || t.src != joined || t.src_len != len)
                return FAIL("token %u: src is not source_joined(%u)", i, t.src_id);
            if (t.src_line == LSM_NO_ID || t.src_col == LSM_NO_ID)
                return FAIL("token %u: src fields missing", i);
            if (t.name_id != LSM_NO_ID) {
                if (t.name_id >= nnames)
                    return FAIL("token %u: name_id %u of %u", i, t.name_id, nnames);
                const char *name = lsm_view_name(view, t.name_id, &len, NULL);
                if (t.name != name || t.name_len != len)
                    return FAIL("token %u: name is not name(%u)", i, t.name_id);
            } else if (t.name) {
                return FAIL("token %u: a name without a name_id", i);
            }
        }
        /* At a token's exact position: SAME_LINE finds the first token
         * there, GREATEST_LOWER_BOUND and LEAST_UPPER_BOUND the last. */
        uint32_t run_end = i;
        lsm_token_t next;
        while (run_end + 1 < n && lsm_view_get_token(view, run_end + 1, &next, NULL) == 0 &&
               next.dst_line == t.dst_line && next.dst_col == t.dst_col)
            run_end++;
        for (int rule = 0; rule < 3; rule++) {
            uint32_t want_index = rule == LSM_RULE_SAME_LINE ? run_start : run_end;
            lsm_token_t want_tok;
            if (lsm_view_get_token(view, want_index, &want_tok, NULL) != 0)
                return FAIL("get_token(%u) failed", want_index);
            int rc = lsm_lookup_ex(view, t.dst_line, t.dst_col, rule, &found, NULL);
            int want = want_tok.src_id != LSM_NO_ID;
            if (rc != want || !token_equal(&found, &want_tok, true))
                return FAIL("rule %d at token %u (%u:%u): rc %d, want token %u", rule, i,
                            t.dst_line, t.dst_col, rc, want_index);
        }
        prev = t;
    }
    uint32_t lines = n ? prev.dst_line + 1 : 0;
    if (lsm_view_line_count(view) != lines)
        return FAIL("line_count %u, want %u", lsm_view_line_count(view), lines);
    return 1;
}

/* ------------------------------------------------- allocation failures */

void oom_begin(oom_loop_t *L) {
    memset(L, 0, sizeof *L);
    L->live = lsm_alloc_live();
}

bool oom_next(oom_loop_t *L) {
    if (L->done || L->problem[0])
        return false;
    if (L->n >= 100000) {
        snprintf(L->problem, sizeof L->problem, "no round got through in %" PRIu64, L->n);
        return false;
    }
    L->n++;
    L->reached = false;
    return true;
}

void oom_arm(oom_loop_t *L) {
    lsm_alloc_fail_after(L->n);
}

void oom_disarm(oom_loop_t *L) {
    /* While the countdown still runs, one of the next n allocations fails. */
    L->reached = true;
    for (uint64_t i = 0; i < L->n; i++) {
        void *p = lsm_malloc(1);
        if (!p) {
            L->reached = false;
            break;
        }
        lsm_free(p);
    }
    lsm_alloc_fail_after(0);
}

void oom_end(oom_loop_t *L, bool ok, const lsm_error_t *err) {
    int64_t leaked = lsm_alloc_live() - L->live;
    if (!ok && err->code != LSM_ERR_NOMEM)
        snprintf(L->problem, sizeof L->problem, "N=%" PRIu64 ": %s (%.120s), want LSM_ERR_NOMEM",
                 L->n, lsm_error_name(err->code), err->message);
    else if (!ok && !L->reached)
        snprintf(L->problem, sizeof L->problem,
                 "N=%" PRIu64 ": LSM_ERR_NOMEM without a failed allocation", L->n);
    else if (leaked)
        snprintf(L->problem, sizeof L->problem, "N=%" PRIu64 ": %" PRId64 " allocations leaked",
                 L->n, leaked);
    L->failures += L->reached;
    L->done = ok && !L->reached;
}
