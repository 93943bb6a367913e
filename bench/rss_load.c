/* One map loaded from a path in a fresh process, for bench/rss.py:
 *
 *     rss_load [MAP]
 *
 * lsm_view_from_path() maps and parses the file (index maps flattened);
 * one lookup at the first token's position, then exit. Without MAP it
 * only starts (the baseline). */
#include <stdio.h>

#include "libsourcemap.h"

int main(int argc, char **argv) {
    if (argc < 2 || !argv[1][0]) {
        puts("baseline");
        return 0;
    }
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_path(argv[1], LSM_LOAD_DEFAULT, &err);
    if (!view) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    lsm_token_t t;
    int found = 0;
    if (lsm_view_get_token(view, 0, &t, NULL) == 0)
        found = lsm_lookup(view, t.dst_line, t.dst_col, &t, NULL) == 1;
    printf("tokens %u found %d\n", lsm_view_token_count(view), found);
    lsm_view_free(view);
    return 0;
}
