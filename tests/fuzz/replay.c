/* Replays inputs through a fuzz target without libFuzzer, so that every
 * fuzz target is also a plain test over its corpus.
 *
 * Usage: replay PATH...   (files, or directories walked recursively)
 *
 * Each file is copied into a buffer of exactly its size (so that a read
 * past the end shows under ASan and valgrind) and passed to
 * LLVMFuzzerTestOneInput. A crash or trap fails the run; the file being
 * replayed is printed first. Exits 1 when no input was found. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;
static int verbose;

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (!data || fread(data, 1, size, f) != size) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        free(data);
        fclose(f);
        return 1;
    }
    fclose(f);
    /* Written before the call: if it crashes, this is the last line. */
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    else
        fprintf(stderr, "\rreplay: %-70.70s", path);
    LLVMFuzzerTestOneInput(size ? data : NULL, size);
    free(data);
    replayed++;
    return 0;
}

static int errors;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if (type == FTW_F)
        errors += replay_file(path);
    else if (type == FTW_DNR || type == FTW_NS)
        errors++;
    return 0;
}

int main(int argc, char **argv) {
    verbose = getenv("REPLAY_VERBOSE") != NULL;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            errors++;
        } else if (S_ISDIR(st.st_mode)) {
            if (nftw(argv[i], visit, 16, FTW_PHYS) != 0)
                errors++;
        } else {
            errors += replay_file(argv[i]);
        }
    }
    fprintf(stderr, "\n");
    printf("replayed %lu inputs, %d unreadable\n", replayed, errors);
    return replayed == 0 || errors ? 1 : 0;
}
