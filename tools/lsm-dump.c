/* lsm-dump MAP: prints every token of a source map, one per line, as
 * "dst_line dst_col src_id src_line src_col name_id" (0-based, "-" where
 * absent). Used to compare our decoding with other consumers. */
#include <inttypes.h>
#include <stdio.h>

#include "libsourcemap.h"

static void field(FILE *out, uint32_t v, char sep) {
    if (v == LSM_NO_ID)
        fputc('-', out);
    else
        fprintf(out, "%" PRIu32, v);
    fputc(sep, out);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MAP\n", argv[0]);
        return 2;
    }
    lsm_error_t err;
    lsm_view_t *view = lsm_view_from_path(argv[1], LSM_LOAD_DEFAULT, &err);
    if (!view) {
        fprintf(stderr, "%s: %s: %s\n", argv[1], lsm_error_name(err.code), err.message);
        return 1;
    }
    uint32_t n = lsm_view_token_count(view);
    for (uint32_t i = 0; i < n; i++) {
        lsm_token_t t;
        if (lsm_view_get_token(view, i, &t, &err) != 0) {
            fprintf(stderr, "%s\n", err.message);
            lsm_view_free(view);
            return 1;
        }
        fprintf(stdout, "%" PRIu32 " %" PRIu32 " ", t.dst_line, t.dst_col);
        field(stdout, t.src_id, ' ');
        field(stdout, t.src_line, ' ');
        field(stdout, t.src_col, ' ');
        field(stdout, t.name_id, '\n');
    }
    lsm_view_free(view);
    return 0;
}
