/* A program written against the installed library only:
 *
 *   cc lookup.c $(pkg-config --cflags --libs libsourcemap) -o lookup
 *   ./lookup app.min.js.map 0:120 3:5
 *
 * For each LINE:COL (0-based) it prints the original position, or why
 * there is none; a broken map prints the library's error and exits 1. */
#include <libsourcemap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s MAP [LINE:COL...]\n", argv[0]);
        return 2;
    }
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_path(argv[1], LSM_LOAD_DEFAULT, &err);
    if (!view) {
        fprintf(stderr, "%s: error %d (%s): %s\n", argv[1], err.code, lsm_error_name(err.code),
                err.message);
        return 1;
    }
    printf("libsourcemap %s: %u tokens, %u sources, %u names\n", lsm_version(),
           lsm_view_token_count(view), lsm_view_source_count(view), lsm_view_name_count(view));
    for (int i = 2; i < argc; i++) {
        unsigned line, col;
        if (sscanf(argv[i], "%u:%u", &line, &col) != 2) {
            fprintf(stderr, "not LINE:COL: %s\n", argv[i]);
            continue;
        }
        lsm_token_t tok;
        int found = lsm_lookup_ex(view, line, col, LSM_RULE_SAME_LINE, &tok, &err);
        if (found < 0)
            printf("%u:%u error: %s\n", line, col, err.message);
        else if (found == 0)
            printf("%u:%u unmapped\n", line, col);
        else
            printf("%u:%u -> %.*s:%u:%u%s%.*s\n", line, col, (int)tok.src_len,
                   tok.src ? tok.src : "", tok.src_line, tok.src_col, tok.name ? " " : "",
                   (int)tok.name_len, tok.name ? tok.name : "");
    }
    lsm_view_free(view);
    return 0;
}
