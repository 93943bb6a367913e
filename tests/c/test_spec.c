/* The conformance corpus of tests/spec/ (see its README.md): every case of
 * cases.txt loads with the expected outcome, and every "ok" case decodes
 * to exactly the tokens of its .tokens file.
 *
 * Usage: test_spec [--only PREFIX] [SPEC_DIR]; SPEC_DIR defaults to
 * $LSM_SPEC_DIR. Each case is loaded from its path and from memory (the two
 * must agree), leaks nothing (lsm_alloc_live), and an "ok" view passes the
 * generic invariants of util.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "util.h"

static int known_code_name(const char *name) {
    for (int code = 1; code < 1000; code++)
        if (strcmp(lsm_error_name(code), name) == 0)
            return 1;
    return 0;
}

static void run_case(const char *dir, const char *file, const char *expected) {
    int64_t live_before = lsm_alloc_live();
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len;
    char *bytes = read_file(path, &len);
    if (!bytes) {
        check_fail(__FILE__, __LINE__, "cannot read %s: %s", path, strerror(errno));
        return;
    }

    lsm_error_t err, err_mem;
    POISON(err);
    POISON(err_mem);
    lsm_view_t *view = lsm_view_from_path(path, LSM_LOAD_DEFAULT, &err);
    lsm_view_t *view_mem = lsm_view_from_json(bytes, len, &err_mem);
    const char *got = view ? "ok" : lsm_error_name(err.code);

    if (strcmp(got, expected) != 0) {
        check_fail(__FILE__, __LINE__, "%s: got %s, want %s", file, got, expected);
        if (!view)
            check_print_error(&err);
    } else if (view) {
        CHECK_OK(err);
    } else {
        CHECK_ERR(err, err.code);   /* well-formed message and positions */
    }
    /* From memory: the same outcome, the same error. */
    if ((view == NULL) != (view_mem == NULL) || err.code != err_mem.code ||
        strcmp(err.message, err_mem.message) != 0 || err.offset != err_mem.offset ||
        err.line != err_mem.line || err.segment != err_mem.segment) {
        check_fail(__FILE__, __LINE__, "%s: from_path and from_json differ", file);
        check_print_error(&err);
        check_print_error(&err_mem);
    }

    if (view && strcmp(expected, "ok") == 0) {
        char tokens_path[4200];
        snprintf(tokens_path, sizeof tokens_path, "%s.tokens", path);
        size_t want_len;
        char *want = read_file(tokens_path, &want_len);
        if (!want) {
            check_fail(__FILE__, __LINE__, "cannot read %s: %s", tokens_path, strerror(errno));
        } else {
            sb_t have = {0}, have_mem = {0};
            char diag[512];
            view_tokens_text(view, &have);
            view_tokens_text(view_mem, &have_mem);
            if (!tokens_text_equal(have.s, have.len, want, want_len, diag, sizeof diag))
                check_fail(__FILE__, __LINE__, "%s: %s", file, diag);
            if (!tokens_text_equal(have.s, have.len, have_mem.s, have_mem.len, diag, sizeof diag))
                check_fail(__FILE__, __LINE__, "%s: from memory: %s", file, diag);
            if (!view_check_invariants(view, diag, sizeof diag))
                check_fail(__FILE__, __LINE__, "%s: %s", file, diag);
            sb_free(&have);
            sb_free(&have_mem);
            free(want);
        }
        /* LSM_LOAD_REJECT_INDEX rejects exactly the index maps. */
        lsm_view_t *strict = lsm_view_from_json_ex(bytes, len, LSM_LOAD_REJECT_INDEX, &err);
        if (lsm_view_is_index(view)) {
            CHECK(strict == NULL);
            CHECK_ERR(err, LSM_ERR_INDEX_MAP);
        } else {
            CHECK_CALL(strict != NULL, err);
        }
        lsm_view_free(strict);
    }
    lsm_view_free(view);
    lsm_view_free(view_mem);
    free(bytes);
    int64_t leaked = lsm_alloc_live() - live_before;
    if (leaked != 0)
        check_fail(__FILE__, __LINE__, "%s: %lld allocations not freed", file, (long long)leaked);
}

int main(int argc, char **argv) {
    const char *only = NULL, *dir = getenv("LSM_SPEC_DIR");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else
            dir = argv[i];
    }
    if (!dir)
        check_bail("usage: test_spec [--only PREFIX] SPEC_DIR (or set LSM_SPEC_DIR)");

    char manifest_path[4096];
    snprintf(manifest_path, sizeof manifest_path, "%s/cases.txt", dir);
    size_t len;
    char *manifest = read_file(manifest_path, &len);
    if (!manifest)
        check_bail("cannot read tests/spec/cases.txt");

    int cases = 0;
    for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
        /* <file> TAB <expected> TAB <description> */
        char file[512], expected[128], description[2];
        if (sscanf(line, "%511[^\t]\t%127[^\t]\t%1[^\n]", file, expected, description) != 3) {
            check_begin(line);
            check_fail(__FILE__, __LINE__, "malformed cases.txt line \"%s\"", line);
            check_end();
            continue;
        }
        if (only && strncmp(file, only, strlen(only)) != 0)
            continue;
        char name[700];
        snprintf(name, sizeof name, "%s %s", file, expected);
        check_begin(name);
        if (strcmp(expected, "ok") != 0 && !known_code_name(expected))
            check_fail(__FILE__, __LINE__, "%s is not a code the library knows", expected);
        run_case(dir, file, expected);
        check_end();
        cases++;
    }
    free(manifest);
    if (cases == 0)
        check_bail("no case matched");
    return check_finish();
}
