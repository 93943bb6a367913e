/* Maps written by real bundlers (tests/fixtures/bundlers/TOOL/NAME.map):
 * every token equals <map>.tokens, and the sources (as written and
 * resolved), names, file, sourceRoot, ignore list and kind equal
 * <map>.meta.json, both made by @jridgewell/trace-mapping
 * (tests/fixtures/gen/decode.mjs).
 *
 * Usage: test_fixtures [DIR]; DIR defaults to $LSM_FIXTURES_DIR.
 *
 * One known difference: trace-mapping resolves sources as URLs, removing
 * "." segments ("webpack:///./src/a.js" becomes "webpack:///src/a.js"),
 * while the header promises a plain join with sourceRoot. Such entries
 * are reported as notes, not failures; any other difference fails. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#include "check.h"
#include "internal.h"
#include "util.h"

static int notes;

static int cmp_strings(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a/./b" -> "a/b", "./a" -> "a": the only normalization the references
 * apply to these fixtures. */
static void remove_dot_segments(const char *in, char *out, size_t size) {
    size_t o = 0;
    if (strncmp(in, "./", 2) == 0)
        in += 2;
    for (; *in && o + 1 < size; in++) {
        if (in[0] == '/' && in[1] == '.' && in[2] == '/')
            in++;
        else
            out[o++] = *in;
    }
    out[o] = 0;
}

static yajl_val field(yajl_val meta, const char *name) {
    const char *path[] = {name, NULL};
    return yajl_tree_get(meta, path, yajl_t_any);
}

typedef const char *(*string_getter)(const lsm_view_t *, uint32_t, size_t *, lsm_error_t *);

/* An array of strings (or nulls) in the meta against the view's table. */
static void compare_list(const char *map, const lsm_view_t *view, yajl_val list,
                         const char *what, string_getter get, uint32_t count, bool urls) {
    if (!YAJL_IS_ARRAY(list)) {
        check_fail(__FILE__, __LINE__, "%s: meta \"%s\" is not an array", map, what);
        return;
    }
    size_t n = YAJL_GET_ARRAY(list)->len;
    if (n != count) {
        check_fail(__FILE__, __LINE__, "%s: %u %s, want %zu", map, count, what, n);
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        yajl_val want = YAJL_GET_ARRAY(list)->values[i];
        lsm_error_t err;
        size_t len;
        POISON(err);
        const char *got = get(view, i, &len, &err);
        CHECK_OK(err);
        const char *w = YAJL_IS_STRING(want) ? YAJL_GET_STRING(want) : NULL;
        if (!YAJL_IS_STRING(want) && !YAJL_IS_NULL(want)) {
            check_fail(__FILE__, __LINE__, "%s: meta %s[%u] is neither string nor null", map,
                       what, i);
            continue;
        }
        if (got && w && urls && (len != strlen(w) || memcmp(got, w, len) != 0)) {
            char normalized[4096];
            remove_dot_segments(got, normalized, sizeof normalized);
            if (strcmp(normalized, w) == 0) {
                printf("# note: %s: %s[%u] is \"%s\"; trace-mapping normalizes it to \"%s\"\n",
                       map, what, i, got, w);
                notes++;
                continue;
            }
        }
        if ((got == NULL) != (w == NULL) || (got && (len != strlen(w) || memcmp(got, w, len)))) {
            check_fail(__FILE__, __LINE__, "%s: %s[%u]", map, what, i);
            printf("#   got  ");
            check_print_bytes(got, len);
            printf("\n#   want ");
            check_print_bytes(w, w ? strlen(w) : 0);
            printf("\n");
        }
    }
}

/* A string-or-null property. */
static void compare_prop(const char *map, const char *what, const char *got, size_t len,
                         yajl_val want) {
    if (YAJL_IS_NULL(want) || want == NULL) {
        if (got)
            check_fail(__FILE__, __LINE__, "%s: %s is \"%s\", want null", map, what, got);
    } else if (YAJL_IS_STRING(want)) {
        const char *w = YAJL_GET_STRING(want);
        if (!got || len != strlen(w) || memcmp(got, w, len) != 0)
            check_fail(__FILE__, __LINE__, "%s: %s is \"%s\", want \"%s\"", map, what,
                       got ? got : "(null)", w);
    } else {
        check_fail(__FILE__, __LINE__, "%s: meta %s is neither string nor null", map, what);
    }
}

static void run_map(const char *path, const char *name) {
    int64_t live_before = lsm_alloc_live();
    char side[4800];
    size_t len;

    lsm_error_t err;
    POISON(err);
    lsm_view_t *view = lsm_view_from_path(path, LSM_LOAD_DEFAULT, &err);
    if (!CHECK_CALL(view != NULL, err))
        return;
    CHECK_OK(err);

    /* Tokens. */
    snprintf(side, sizeof side, "%s.tokens", path);
    char *want = read_file(side, &len);
    if (!want) {
        check_fail(__FILE__, __LINE__, "cannot read %s: %s", side, strerror(errno));
    } else {
        sb_t have = {0};
        char diag[512];
        view_tokens_text(view, &have);
        if (!tokens_text_equal(have.s, have.len, want, len, diag, sizeof diag))
            check_fail(__FILE__, __LINE__, "%s: %s", name, diag);
        if (!view_check_invariants(view, diag, sizeof diag))
            check_fail(__FILE__, __LINE__, "%s: %s", name, diag);
        sb_free(&have);
        free(want);
    }

    /* Metadata. */
    snprintf(side, sizeof side, "%s.meta.json", path);
    char *text = read_file(side, &len);
    char errbuf[256] = "";
    yajl_val meta = text ? yajl_tree_parse(text, errbuf, sizeof errbuf) : NULL;
    if (!meta) {
        check_fail(__FILE__, __LINE__, "cannot read %s: %s", side, text ? errbuf : strerror(errno));
    } else {
        compare_list(name, view, field(meta, "sources"), "sources", lsm_view_source_name,
                     lsm_view_source_count(view), false);
        compare_list(name, view, field(meta, "resolvedSources"), "resolvedSources",
                     lsm_view_source_url, lsm_view_source_count(view), true);
        compare_list(name, view, field(meta, "names"), "names", lsm_view_name,
                     lsm_view_name_count(view), false);
        size_t n;
        const char *got = lsm_view_file(view, &n);
        compare_prop(name, "file", got, n, field(meta, "file"));
        got = lsm_view_source_root(view, &n);
        compare_prop(name, "sourceRoot", got, n, field(meta, "sourceRoot"));

        /* The ignore list: null and [] both mean none. */
        yajl_val ignore = field(meta, "ignoreList");
        uint32_t count;
        const uint32_t *ids = lsm_view_ignore_list(view, &count);
        size_t want_count = YAJL_IS_ARRAY(ignore) ? YAJL_GET_ARRAY(ignore)->len : 0;
        if (count != want_count) {
            check_fail(__FILE__, __LINE__, "%s: %u ignored sources, want %zu", name, count,
                       want_count);
        } else {
            for (size_t i = 0; i < want_count; i++) {
                yajl_val v = YAJL_GET_ARRAY(ignore)->values[i];
                int in = 0;
                for (uint32_t k = 0; k < count; k++)
                    in |= YAJL_IS_INTEGER(v) && ids[k] == (uint32_t)YAJL_GET_INTEGER(v);
                if (!in || !lsm_view_is_ignored(view, (uint32_t)YAJL_GET_INTEGER(v)))
                    check_fail(__FILE__, __LINE__, "%s: ignore list entry %zu", name, i);
            }
        }

        /* "sections": null for a regular map, the count for an index map. */
        yajl_val sections = field(meta, "sections");
        CHECK_EQ(lsm_view_is_index(view), sections != NULL && !YAJL_IS_NULL(sections));
        yajl_tree_free(meta);
    }
    free(text);

    /* Loading from memory gives the same tokens. */
    char *bytes = read_file(path, &len);
    lsm_view_t *again = bytes ? lsm_view_from_json(bytes, len, &err) : NULL;
    if (CHECK_CALL(again != NULL, err)) {
        sb_t a = {0}, b = {0};
        view_tokens_text(view, &a);
        view_tokens_text(again, &b);
        CHECK_STR(a.s, a.len, b.s);
        sb_free(&a);
        sb_free(&b);
    }
    lsm_view_free(again);
    free(bytes);
    lsm_view_free(view);
    int64_t leaked = lsm_alloc_live() - live_before;
    if (leaked)
        check_fail(__FILE__, __LINE__, "%s: %lld allocations not freed", name, (long long)leaked);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The names of the entries of `dir` that pass `keep`, sorted. */
static size_t list_dir(const char *dir, bool (*keep)(const char *, const char *), char ***out) {
    DIR *d = opendir(dir);
    *out = NULL;
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !keep(dir, e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_strings);
    *out = names;
    return n;
}

static bool is_dir(const char *dir, const char *name) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_map(const char *dir, const char *name) {
    (void)dir;
    return ends_with(name, ".map");
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : getenv("LSM_FIXTURES_DIR");
    if (!root)
        check_bail("usage: test_fixtures DIR (or set LSM_FIXTURES_DIR)");
    char **tools;
    size_t ntools = list_dir(root, is_dir, &tools);
    int maps = 0;
    for (size_t t = 0; t < ntools; t++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, tools[t]);
        char **files;
        size_t nfiles = list_dir(dir, is_map, &files);
        for (size_t f = 0; f < nfiles; f++) {
            char name[600], path[4700];
            snprintf(name, sizeof name, "%s/%s", tools[t], files[f]);
            snprintf(path, sizeof path, "%s/%s", dir, files[f]);
            check_begin(name);
            run_map(path, name);
            check_end();
            maps++;
            free(files[f]);
        }
        free(files);
        free(tools[t]);
    }
    free(tools);
    if (maps == 0)
        check_bail("no fixture maps found");
    printf("# %d maps, %d resolved sources differing only by \".\" segments\n", maps, notes);
    return check_finish();
}
