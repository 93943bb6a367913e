/* Index maps ("sections") against the regular maps they stand for.
 *
 * For each index map (a few written out, a few hundred generated from a
 * fixed seed) the test writes by hand the equivalent flattened regular map:
 * a section's line offset added to its lines, its column offset added on
 * its first line only, its tokens at or after the next section's offset
 * dropped, its sources (resolved against its own sourceRoot) and names
 * appended after the earlier sections', its ignore list shifted with its
 * sources. Both are loaded, and every lookup under every rule, at every
 * column 0..N of every line (section boundaries included), must give equal
 * answers, as must the tokens, sources, contents, names and ignore lists. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

/* ------------------------------------------------------------ the model */

#define MAX_TOKENS 48
#define MAX_SOURCES 4
#define MAX_SECTIONS 6

typedef struct tok {
    uint32_t line, col;   /* within the section */
    int fields;           /* 1, 4 or 5 */
    uint32_t src, src_line, src_col, name;
} tok_t;

typedef struct section {
    uint32_t off_line, off_col;
    const char *root;     /* NULL: no sourceRoot */
    uint32_t nsrc, nnames;
    char sources[MAX_SOURCES][32];
    bool src_null[MAX_SOURCES];
    bool has_content[MAX_SOURCES];
    uint32_t ncontents;   /* length of its sourcesContent array */
    tok_t toks[MAX_TOKENS];
    int ntoks;
    uint32_t ignore[MAX_SOURCES];
    uint32_t nignore;
} section_t;

typedef struct index_map {
    section_t s[MAX_SECTIONS];
    int n;
} index_map_t;

static void name_of(char *buf, size_t size, int section, uint32_t i) {
    snprintf(buf, size, "n%d_%u", section, i);
}

static void content_of(char *buf, size_t size, int section, uint32_t i) {
    snprintf(buf, size, "// section %d source %u\n", section, i);
}

static void write_strings(sb_t *sb, const section_t *s, int k, bool resolved) {
    sb_puts(sb, "\"sources\":[");
    for (uint32_t i = 0; i < s->nsrc; i++) {
        if (i)
            sb_puts(sb, ",");
        if (s->src_null[i]) {
            sb_puts(sb, "null");
            continue;
        }
        char buf[64];
        const char *root = resolved && s->root ? s->root : "";
        size_t rl = strlen(root);
        snprintf(buf, sizeof buf, "%s%s%s", root, rl && root[rl - 1] != '/' ? "/" : "",
                 s->sources[i]);
        sb_json_string(sb, buf, strlen(buf));
    }
    sb_puts(sb, "]");
    (void)k;
}

static void write_section_map(sb_t *sb, const section_t *s, int k) {
    mappings_writer_t mw = {0};
    for (int i = 0; i < s->ntoks; i++) {
        const tok_t *t = &s->toks[i];
        mw_segment(&mw, t->line, t->col, t->fields, t->src, t->src_line, t->src_col, t->name);
    }
    sb_puts(sb, "{\"version\":3,");
    if (s->root) {
        sb_puts(sb, "\"sourceRoot\":");
        sb_json_string(sb, s->root, strlen(s->root));
        sb_puts(sb, ",");
    }
    /* Properties of a section's map are not the index map's. */
    sb_printf(sb, "\"file\":\"section%d.js\",\"debugId\":\"section-%d\",", k, k);
    write_strings(sb, s, k, false);
    sb_puts(sb, ",\"sourcesContent\":[");
    for (uint32_t i = 0; i < s->ncontents; i++) {
        char buf[64];
        content_of(buf, sizeof buf, k, i);
        if (i)
            sb_puts(sb, ",");
        if (s->has_content[i])
            sb_json_string(sb, buf, strlen(buf));
        else
            sb_puts(sb, "null");
    }
    sb_puts(sb, "],\"names\":[");
    for (uint32_t i = 0; i < s->nnames; i++) {
        char buf[32];
        name_of(buf, sizeof buf, k, i);
        sb_printf(sb, "%s\"%s\"", i ? "," : "", buf);
    }
    sb_printf(sb, "],\"mappings\":\"%s\",\"ignoreList\":[", sb_str(&mw.sb));
    for (uint32_t i = 0; i < s->nignore; i++)
        sb_printf(sb, "%s%u", i ? "," : "", s->ignore[i]);
    sb_puts(sb, "]}");
    sb_free(&mw.sb);
}

static void write_index(sb_t *sb, const index_map_t *m) {
    sb_puts(sb, "{\"version\":3,\"file\":\"all.js\",\"debugId\":\"top\",\"sections\":[");
    for (int k = 0; k < m->n; k++) {
        sb_printf(sb, "%s{\"offset\":{\"line\":%u,\"column\":%u},\"map\":", k ? "," : "",
                  m->s[k].off_line, m->s[k].off_col);
        write_section_map(sb, &m->s[k], k);
        sb_puts(sb, "}");
    }
    sb_puts(sb, "]}");
}

static unsigned long clipped_tokens;   /* dropped at a next section's offset */

/* The regular map the index map stands for, written from the rules. */
static void write_flattened(sb_t *sb, const index_map_t *m) {
    mappings_writer_t mw = {0};
    uint32_t src_base = 0, name_base = 0;
    for (int k = 0; k < m->n; k++) {
        const section_t *s = &m->s[k];
        const section_t *next = k + 1 < m->n ? &m->s[k + 1] : NULL;
        for (int i = 0; i < s->ntoks; i++) {
            const tok_t *t = &s->toks[i];
            uint32_t line = s->off_line + t->line;
            uint32_t col = t->col + (t->line == 0 ? s->off_col : 0);
            if (next && (line > next->off_line ||
                         (line == next->off_line && col >= next->off_col))) {
                clipped_tokens++;
                continue;
            }
            mw_segment(&mw, line, col, t->fields, t->src + src_base, t->src_line, t->src_col,
                       t->name + name_base);
        }
        src_base += s->nsrc;
        name_base += s->nnames;
    }
    sb_puts(sb, "{\"version\":3,\"file\":\"all.js\",\"debugId\":\"top\",\"sources\":[");
    bool first = true;
    for (int k = 0; k < m->n; k++) {
        const section_t *s = &m->s[k];
        if (s->nsrc == 0)
            continue;
        sb_t part = {0};
        write_strings(&part, s, k, true);
        /* Strip "\"sources\":[" and "]". */
        sb_printf(sb, "%s%.*s", first ? "" : ",", (int)(part.len - 12), part.s + 11);
        sb_free(&part);
        first = false;
    }
    sb_puts(sb, "],\"sourcesContent\":[");
    first = true;
    for (int k = 0; k < m->n; k++) {
        const section_t *s = &m->s[k];
        for (uint32_t i = 0; i < s->nsrc; i++) {
            char buf[64];
            content_of(buf, sizeof buf, k, i);
            sb_puts(sb, first ? "" : ",");
            first = false;
            if (i < s->ncontents && s->has_content[i])
                sb_json_string(sb, buf, strlen(buf));
            else
                sb_puts(sb, "null");
        }
    }
    sb_puts(sb, "],\"names\":[");
    first = true;
    for (int k = 0; k < m->n; k++) {
        for (uint32_t i = 0; i < m->s[k].nnames; i++) {
            char buf[32];
            name_of(buf, sizeof buf, k, i);
            sb_printf(sb, "%s\"%s\"", first ? "" : ",", buf);
            first = false;
        }
    }
    sb_printf(sb, "],\"mappings\":\"%s\",\"ignoreList\":[", sb_str(&mw.sb));
    first = true;
    src_base = 0;
    for (int k = 0; k < m->n; k++) {
        for (uint32_t i = 0; i < m->s[k].nignore; i++) {
            sb_printf(sb, "%s%u", first ? "" : ",", m->s[k].ignore[i] + src_base);
            first = false;
        }
        src_base += m->s[k].nsrc;
    }
    sb_puts(sb, "]}");
    sb_free(&mw.sb);
}

/* ----------------------------------------------------------- comparing */

static void print_map(const char *label, const sb_t *sb) {
    printf("#   %s: %.*s\n", label, (int)(sb->len > 3000 ? 3000 : sb->len), sb->s);
}

/* Tokens' src is checked per source instead (view_check_invariants() ties
 * it to lsm_view_source_joined()): a null source's joined name depends on
 * its section's root, which the flat map does not have. */
static bool equal_but_src(const lsm_token_t *a, const lsm_token_t *b) {
    lsm_token_t x = *a;
    x.src = b->src;
    x.src_len = b->src_len;
    return token_equal(&x, b, false);
}

static int compare_views(const lsm_view_t *idx, const lsm_view_t *flat, const index_map_t *m) {
    int before = check_state.current_failures;
    char diag[512];
    CHECK_EQ(lsm_view_is_index(idx), 1);
    CHECK_EQ(lsm_view_is_index(flat), 0);
    CHECK_EQ(lsm_view_token_count(idx), lsm_view_token_count(flat));
    CHECK_EQ(lsm_view_line_count(idx), lsm_view_line_count(flat));
    if (!view_check_invariants(idx, diag, sizeof diag))
        check_fail(__FILE__, __LINE__, "index view: %s", diag);

    /* Tokens. */
    uint32_t max_col = 0;
    uint32_t n = lsm_view_token_count(idx) < lsm_view_token_count(flat)
                     ? lsm_view_token_count(idx) : lsm_view_token_count(flat);
    for (uint32_t i = 0; i < n; i++) {
        lsm_token_t a, b;
        CHECK_EQ(lsm_view_get_token(idx, i, &a, NULL), 0);
        CHECK_EQ(lsm_view_get_token(flat, i, &b, NULL), 0);
        if (!equal_but_src(&a, &b)) {
            check_fail(__FILE__, __LINE__, "token %u differs", i);
            token_print("index", &a);
            token_print("flat ", &b);
            break;
        }
        if (a.dst_col > max_col)
            max_col = a.dst_col;
    }

    /* Sources, as written and resolved, contents, names. */
    CHECK_EQ(lsm_view_source_count(idx), lsm_view_source_count(flat));
    uint32_t k = 0, i = 0;
    for (uint32_t s = 0; s < lsm_view_source_count(idx) && s < lsm_view_source_count(flat); s++) {
        while (k < (uint32_t)m->n && i >= m->s[k].nsrc)
            k++, i = 0;
        size_t la, lb;
        lsm_error_t err;
        POISON(err);
        const char *a = lsm_view_source_url(idx, s, &la, &err);
        CHECK_OK(err);
        const char *b = lsm_view_source_url(flat, s, &lb, NULL);
        CHECK_MEM(a, la, b, lb);
        POISON(err);
        a = lsm_view_source_name(idx, s, &la, &err);
        CHECK_OK(err);
        if (k < (uint32_t)m->n)
            CHECK_STR(a, la, m->s[k].src_null[i] ? NULL : m->s[k].sources[i]);
        if (k < (uint32_t)m->n) {
            /* Joined as 0.8 did, with the section's own root. */
            const char *root = m->s[k].root ? m->s[k].root : "";
            const char *src = m->s[k].src_null[i] ? "" : m->s[k].sources[i];
            size_t trimmed = strlen(root);
            while (trimmed && root[trimmed - 1] == '/')
                trimmed--;
            bool kept = !*root || src[0] == '/' || strncmp(src, "http:", 5) == 0 ||
                        strncmp(src, "https:", 6) == 0;
            char want[160];
            snprintf(want, sizeof want, "%.*s%s%s", kept ? 0 : (int)trimmed, root, kept ? "" : "/",
                     src);
            a = lsm_view_source_joined(idx, s, &la, NULL);
            CHECK_STR(a, la, want);
        }
        a = lsm_view_source_contents(idx, s, &la, NULL);
        b = lsm_view_source_contents(flat, s, &lb, NULL);
        CHECK_MEM(a, la, b, lb);
        CHECK_EQ(lsm_view_has_source_contents(idx, s, NULL),
                 lsm_view_has_source_contents(flat, s, NULL));
        CHECK_EQ(lsm_view_is_ignored(idx, s), lsm_view_is_ignored(flat, s));
        i++;
    }
    CHECK_EQ(lsm_view_name_count(idx), lsm_view_name_count(flat));
    for (uint32_t s = 0; s < lsm_view_name_count(idx) && s < lsm_view_name_count(flat); s++) {
        size_t la, lb;
        const char *a = lsm_view_name(idx, s, &la, NULL);
        const char *b = lsm_view_name(flat, s, &lb, NULL);
        CHECK_MEM(a, la, b, lb);
    }
    uint32_t ca, cb;
    const uint32_t *ia = lsm_view_ignore_list(idx, &ca);
    const uint32_t *ib = lsm_view_ignore_list(flat, &cb);
    CHECK_EQ(ca, cb);
    if (ca == cb && ca)
        CHECK(memcmp(ia, ib, ca * sizeof *ia) == 0);

    /* Properties are the index map's own, not its sections'. */
    size_t len;
    const char *file = lsm_view_file(idx, &len);
    CHECK_STR(file, len, "all.js");
    const char *debug_id = lsm_view_debug_id(idx, &len);
    CHECK_STR(debug_id, len, "top");
    CHECK(lsm_view_source_root(idx, NULL) == NULL);

    /* Every position, every rule; section boundaries are among them. */
    uint32_t lines = lsm_view_line_count(flat) + 2;
    uint32_t cols = max_col + 3;
    for (int k2 = 0; k2 < m->n; k2++) {
        if (m->s[k2].off_line + 2 > lines)
            lines = m->s[k2].off_line + 2;
        if (m->s[k2].off_col + 3 > cols)
            cols = m->s[k2].off_col + 3;
    }
    size_t grid = (size_t)lines * cols;
    uint32_t *gl = malloc(grid * sizeof *gl), *gc = malloc(grid * sizeof *gc);
    lsm_token_t *many = malloc(grid * sizeof *many);
    if (!gl || !gc || !many)
        abort();
    size_t g = 0;
    for (uint32_t line = 0; line < lines; line++)
        for (uint32_t col = 0; col < cols; col++, g++)
            gl[g] = line, gc[g] = col;
    for (int rule = 0; rule < 3 && check_state.current_failures == before; rule++) {
        int64_t found = 0;
        for (g = 0; g < grid; g++) {
            lsm_token_t a, b;
            int ra = lsm_lookup_ex(idx, gl[g], gc[g], rule, &a, NULL);
            int rb = lsm_lookup_ex(flat, gl[g], gc[g], rule, &b, NULL);
            found += ra == 1;
            if (ra != rb || !equal_but_src(&a, &b)) {
                check_fail(__FILE__, __LINE__, "rule %d at %u:%u: index %d, flat %d", rule,
                           gl[g], gc[g], ra, rb);
                token_print("index", &a);
                token_print("flat ", &b);
                break;
            }
        }
        lsm_error_t err;
        POISON(err);
        int64_t many_found = lsm_lookup_many(idx, gl, gc, grid, rule, many, &err);
        CHECK_OK(err);
        CHECK_EQ(many_found, found);
    }
    free(gl);
    free(gc);
    free(many);
    return check_state.current_failures == before;
}

/* Builds both maps, loads both, compares; prints the maps on a failure. */
static void check_index(const index_map_t *m) {
    int64_t live = lsm_alloc_live();
    sb_t idx_json = {0}, flat_json = {0};
    write_index(&idx_json, m);
    write_flattened(&flat_json, m);
    lsm_error_t err;
    POISON(err);
    lsm_view_t *idx = lsm_view_from_json(idx_json.s, idx_json.len, &err);
    int ok = CHECK_CALL(idx != NULL, err);
    if (idx)
        CHECK_OK(err);
    POISON(err);
    lsm_view_t *flat = lsm_view_from_json(flat_json.s, flat_json.len, &err);
    ok &= CHECK_CALL(flat != NULL, err);
    if (ok)
        ok = compare_views(idx, flat, m);
    if (!ok) {
        print_map("index", &idx_json);
        print_map("flat ", &flat_json);
    }
    lsm_view_free(idx);
    lsm_view_free(flat);
    sb_free(&idx_json);
    sb_free(&flat_json);
    CHECK_EQ(lsm_alloc_live(), live);
}

/* --------------------------------------------------------- written out */

static void add_tok(section_t *s, uint32_t line, uint32_t col, int fields, uint32_t src,
                    uint32_t src_line, uint32_t src_col, uint32_t name) {
    s->toks[s->ntoks++] = (tok_t){line, col, fields, src, src_line, src_col, name};
}

static void add_source(section_t *s, const char *name, bool content) {
    snprintf(s->sources[s->nsrc], sizeof s->sources[0], "%s", name ? name : "");
    s->src_null[s->nsrc] = name == NULL;
    s->has_content[s->nsrc] = content;
    s->nsrc++;
    s->ncontents = s->nsrc;
}

/* Two sections on one line: section 0's token exactly at section 1's
 * offset is dropped, and section 1's column offset applies to its first
 * line only. The expected tokens are written out too. */
static void test_boundary_written_out(void) {
    index_map_t m = {0};
    m.n = 2;
    section_t *a = &m.s[0], *b = &m.s[1];
    add_source(a, "a.js", true);
    a->nnames = 1;
    add_tok(a, 0, 0, 4, 0, 0, 0, 0);
    add_tok(a, 0, 5, 5, 0, 0, 5, 0);
    add_tok(a, 1, 3, 4, 0, 1, 0, 0);   /* at section 1's offset: dropped */
    b->off_line = 1;
    b->off_col = 3;
    b->root = "lib";
    add_source(b, "b.js", false);
    add_tok(b, 0, 0, 4, 0, 0, 0, 0);   /* (1,3) */
    add_tok(b, 0, 2, 1, 0, 0, 0, 0);   /* (1,5) unmapped */
    add_tok(b, 1, 1, 4, 0, 1, 1, 0);   /* (2,1): no column offset */
    b->ignore[b->nignore++] = 0;
    check_index(&m);

    sb_t json = {0};
    write_index(&json, &m);
    lsm_view_t *view = lsm_view_from_json(json.s, json.len, NULL);
    sb_free(&json);
    if (!view) {
        check_fail(__FILE__, __LINE__, "does not load");
        return;
    }
    sb_t have = {0};
    view_tokens_text(view, &have);
    CHECK_STR(have.s, have.len,
              "0 0 0 0 0 -\n"
              "0 5 0 0 5 0\n"
              "1 3 1 0 0 -\n"
              "1 5 - - - -\n"
              "2 1 1 1 1 -\n");
    sb_free(&have);
    CHECK_CSTR(lsm_view_source_url(view, 1, NULL, NULL), "lib/b.js");
    CHECK_CSTR(lsm_view_source_name(view, 1, NULL, NULL), "b.js");
    CHECK_EQ(lsm_view_is_ignored(view, 1), 1);
    CHECK_EQ(lsm_view_is_ignored(view, 0), 0);
    lsm_token_t t;
    /* Just before the boundary: section 0's last kept token. */
    CHECK_EQ(lsm_lookup(view, 1, 2, &t, NULL), 1);
    CHECK_EQ(t.dst_line, 0);
    CHECK_EQ(t.dst_col, 5);
    CHECK_EQ(lsm_lookup_ex(view, 1, 2, LSM_RULE_SAME_LINE, &t, NULL), 0);
    CHECK_EQ(lsm_lookup_ex(view, 1, 0, LSM_RULE_LEAST_UPPER_BOUND, &t, NULL), 1);
    CHECK_EQ(t.src_id, 1);
    /* On the boundary: section 1. */
    CHECK_EQ(lsm_lookup(view, 1, 3, &t, NULL), 1);
    CHECK_EQ(t.src_id, 1);
    CHECK_EQ(lsm_lookup(view, 1, 4, &t, NULL), 1);
    CHECK_EQ(t.src_id, 1);
    CHECK_EQ(lsm_lookup(view, 1, 5, &t, NULL), 0);
    CHECK_EQ(lsm_lookup(view, 2, 0, &t, NULL), 0);
    CHECK_EQ(t.dst_col, 5);
    lsm_view_free(view);
}

/* Sections that start on later lines, empty sections, a section with
 * no sources, sections one column apart. */
static void test_shapes_written_out(void) {
    index_map_t m = {0};
    m.n = 5;
    add_source(&m.s[0], "a.js", false);
    add_tok(&m.s[0], 0, 2, 4, 0, 0, 0, 0);
    add_tok(&m.s[0], 2, 0, 4, 0, 2, 0, 0);
    m.s[1].off_line = 2;        /* same line as section 0's last token, after it */
    m.s[1].off_col = 1;
    m.s[1].root = "";
    add_source(&m.s[1], NULL, false);
    add_source(&m.s[1], "c.js", true);
    add_tok(&m.s[1], 0, 0, 4, 1, 0, 0, 0);
    add_tok(&m.s[1], 0, 0, 4, 0, 9, 9, 0);   /* same position, kept in order */
    add_tok(&m.s[1], 3, 7, 1, 0, 0, 0, 0);
    m.s[2].off_line = 9;        /* two empty sections, then one right after */
    m.s[3].off_line = 9;
    m.s[3].off_col = 4;
    m.s[4].off_line = 9;
    m.s[4].off_col = 5;
    m.s[4].root = "https://x/";
    m.s[4].nnames = 2;
    add_source(&m.s[4], "d.js", true);
    add_tok(&m.s[4], 0, 0, 5, 0, 3, 3, 1);
    add_tok(&m.s[4], 0, 6, 5, 0, 3, 9, 0);
    add_tok(&m.s[4], 1, 0, 4, 0, 4, 0, 0);
    check_index(&m);
}

/* ------------------------------------------------------------ generated */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

static void generate(index_map_t *m) {
    static const char *const roots[] = {NULL, "", "src", "src/", "https://h/r"};
    memset(m, 0, sizeof *m);
    m->n = 1 + (int)rnd(MAX_SECTIONS);
    uint32_t line = rnd(3), col = rnd(6);
    for (int k = 0; k < m->n; k++) {
        section_t *s = &m->s[k];
        s->off_line = line;
        s->off_col = col;
        s->root = roots[rnd(5)];
        s->nsrc = rnd(MAX_SOURCES + 1);
        for (uint32_t i = 0; i < s->nsrc; i++) {
            snprintf(s->sources[i], sizeof s->sources[i], "s%d_%u.js", k, i);
            s->src_null[i] = rnd(6) == 0;
            s->has_content[i] = rnd(2);
        }
        s->ncontents = rnd(s->nsrc + 2);
        if (s->ncontents > s->nsrc && rnd(2))
            s->ncontents = s->nsrc;
        if (s->ncontents > MAX_SOURCES)
            s->ncontents = MAX_SOURCES;
        s->nnames = rnd(4);
        for (uint32_t i = 0; i < s->nsrc; i++)
            if (rnd(4) == 0)
                s->ignore[s->nignore++] = i;

        /* Tokens, lines in order, columns in any order. */
        uint32_t nlines = 1 + rnd(4);
        for (uint32_t l = 0; l < nlines; l++) {
            uint32_t count = rnd(5);
            for (uint32_t t = 0; t < count && s->ntoks < MAX_TOKENS; t++) {
                int fields = s->nsrc == 0 ? 1 : (int[]){1, 4, 4, 5}[rnd(4)];
                if (fields == 5 && s->nnames == 0)
                    fields = 4;
                add_tok(s, l, rnd(13), fields, rnd(s->nsrc), rnd(20), rnd(40), rnd(s->nnames));
            }
        }

        /* Where the next section may start: at or after this one's last
         * token (end line, greatest column there). */
        uint32_t end_line = s->off_line, end_col = s->off_col;
        if (s->ntoks) {
            uint32_t last = 0, max = 0;
            for (int i = 0; i < s->ntoks; i++)
                if (s->toks[i].line > last)
                    last = s->toks[i].line;
            for (int i = 0; i < s->ntoks; i++)
                if (s->toks[i].line == last && s->toks[i].col > max)
                    max = s->toks[i].col;
            end_line = s->off_line + last;
            end_col = max + (last == 0 ? s->off_col : 0);
        }
        switch (rnd(4)) {
        case 0: /* exactly at the last token: it is dropped (unless that is
                 * this section's own offset: equal offsets overlap) */
            line = end_line, col = end_col;
            if (line == s->off_line && col == s->off_col)
                col++;
            break;
        case 1: /* later on the same line */
            line = end_line, col = end_col + 1 + rnd(4);
            break;
        default: /* a later line */
            line = end_line + 1 + rnd(2), col = rnd(8);
            break;
        }
    }
}

static void test_generated(void) {
    int failures = 0, sections = 0;
    clipped_tokens = 0;
    for (int i = 0; i < 400 && failures < 3; i++) {
        rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)i * 0x2545f4914f6cdd1dull;
        index_map_t m;
        generate(&m);
        int before = check_state.current_failures;
        sections += m.n;
        check_index(&m);
        if (check_state.current_failures != before) {
            printf("#   (generated map %d)\n", i);
            failures++;
        }
    }
    printf("# 400 index maps, %d sections, %lu tokens dropped at section boundaries\n",
           sections, clipped_tokens);
    CHECK(clipped_tokens > 50);
}

/* ------------------------------------------------------------- errors */

static void expect_error(int line, const char *json, int code) {
    lsm_error_t err;
    POISON(err);
    lsm_view_t *view = lsm_view_from_json(json, strlen(json), &err);
    if (view) {
        check_fail(__FILE__, line, "expected %s, the map loaded", lsm_error_name(code));
        lsm_view_free(view);
        return;
    }
    check_filled(__FILE__, line, "load", &err, code);
}

#define SEC(line, col, mappings)                                                             \
    "{\"offset\":{\"line\":" #line ",\"column\":" #col "},\"map\":{\"version\":3,"           \
    "\"sources\":[\"a\"],\"mappings\":\"" mappings "\"}}"

static void test_order_errors(void) {
    /* A section before the previous one's last token. */
    expect_error(__LINE__, "{\"version\":3,\"sections\":[" SEC(0, 0, "AAAA,KAAA") "," SEC(0, 4, "AAAA") "]}",
                 LSM_ERR_SECTION_ORDER);
    /* ... on a later line of the previous section. */
    expect_error(__LINE__, "{\"version\":3,\"sections\":[" SEC(0, 0, "AAAA;EAAA") "," SEC(1, 1, "AAAA") "]}",
                 LSM_ERR_SECTION_ORDER);
    /* Offsets out of order. */
    expect_error(__LINE__, "{\"version\":3,\"sections\":[" SEC(2, 0, "") "," SEC(1, 0, "AAAA") "]}",
                 LSM_ERR_SECTION_ORDER);
    /* The column offset counts on the previous section's first line. */
    expect_error(__LINE__, "{\"version\":3,\"sections\":[" SEC(0, 5, "AAAA") "," SEC(0, 4, "AAAA") "]}",
                 LSM_ERR_SECTION_ORDER);
    /* Exactly at the previous token is fine (and drops it). */
    lsm_error_t err;
    static const char ok[] = "{\"version\":3,\"sections\":[" SEC(0, 5, "AAAA,EAAA") "," SEC(0, 7, "AAAA") "]}";
    lsm_view_t *view = lsm_view_from_json(ok, strlen(ok), &err);
    if (CHECK_CALL(view != NULL, err)) {
        CHECK_EQ(lsm_view_token_count(view), 2);
        lsm_token_t t;
        CHECK_EQ(lsm_view_get_token(view, 1, &t, NULL), 0);
        CHECK_EQ(t.dst_col, 7);
        CHECK_EQ(t.src_id, 1);
    }
    lsm_view_free(view);
}

int main(void) {
    RUN(test_boundary_written_out);
    RUN(test_shapes_written_out);
    RUN(test_generated);
    RUN(test_order_errors);
    return check_finish();
}
