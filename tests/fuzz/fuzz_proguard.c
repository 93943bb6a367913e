/* Fuzz target: arbitrary bytes as a ProGuard / R8 mapping file.
 *
 * Loading, lenient and strict, must either fail with a ProGuard error code
 * (or LSM_ERR_NOMEM) and a one-line message, or give a mapping whose every
 * lookup stays inside its bytes and the path's. Strict mode accepts nothing
 * that the lenient mode rejects, and when both load they hold the same
 * classes. Lookups are derived from the input itself: its own words as
 * class and method names, and its own numbers as lines. The input is
 * copied into a buffer of exactly its size so that AddressSanitizer
 * catches a read past the end. A violated invariant traps.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-proguard test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

static void check_error(const lsm_error_t *err) {
    REQUIRE(err->code == LSM_ERR_NOMEM || (err->code >= LSM_ERR_PROGUARD_SYNTAX &&
                                           err->code <= LSM_ERR_PROGUARD_NO_CLASSES));
    size_t n = strnlen(err->message, sizeof err->message);
    REQUIRE(n > 0 && n < sizeof err->message);
    REQUIRE(memchr(err->message, '\n', n) == NULL);
}

static int inside(const char *p, size_t n, const char *base, size_t len) {
    return p >= base && p + n <= base + len;
}

static uint64_t ask(const lsm_proguard_t *pg, const char *path, size_t len, uint32_t line) {
    lsm_proguard_result_t r;
    lsm_error_t err;
    int rc = lsm_proguard_lookup(pg, path, len, line, &r, &err);
    REQUIRE(rc >= 0 && rc <= 2 && err.code == LSM_OK);
    const char *colon = memchr(path, ':', len);
    REQUIRE((r.method != NULL) == (colon != NULL));
    if (rc == 0) {
        REQUIRE(r.class_name == path);
        REQUIRE(r.class_name_len == (colon ? (size_t)(colon - path) : len));
    }
    if (rc < 2 && r.method)
        REQUIRE(r.method == colon + 1 && r.method_len == len - (size_t)(colon - path) - 1);
    /* Found names lie in the mapping: not in the path, and readable. */
    volatile uint64_t sum = 0;
    for (size_t i = 0; i < r.class_name_len; i++)
        sum += (uint8_t)r.class_name[i];
    for (size_t i = 0; r.method && i < r.method_len; i++)
        sum += (uint8_t)r.method[i];
    if (rc >= 1)
        REQUIRE(!inside(r.class_name, r.class_name_len, path, len) || r.class_name_len == 0);
    return sum + (uint64_t)rc;
}

/* Asks about every "word:word" and "word" pair made from the input's runs
 * of non-space bytes (at most a few hundred), with lines taken from the
 * input's digits. */
static void lookups(const lsm_proguard_t *pg, const uint8_t *data, size_t size) {
    char path[256];
    const uint8_t *words[64];
    size_t lens[64];
    int count = 0;
    size_t i = 0;
    while (i < size && count < 64) {
        while (i < size && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r'))
            i++;
        size_t start = i;
        while (i < size && data[i] != ' ' && data[i] != '\n' && data[i] != '\r')
            i++;
        if (i > start) {
            size_t n = i - start;
            if (n > 1 && data[i - 1] == ':')
                n--; /* "obf:" of a class line */
            words[count] = data + start;
            lens[count] = n < 100 ? n : 100;
            count++;
        }
    }
    uint32_t lines[4] = {0, 1, UINT32_MAX, 0};
    for (size_t k = 0; k < size && k < 16; k++)
        lines[3] = lines[3] * 10 + (data[k] % 10);
    for (int a = 0; a < count; a++) {
        memcpy(path, words[a], lens[a]);
        ask(pg, path, lens[a], lines[a % 4]);
        for (int b = 0; b < count && b < 16; b++) {
            size_t n = lens[a] + 1 + lens[b];
            memcpy(path, words[a], lens[a]);
            path[lens[a]] = ':';
            memcpy(path + lens[a] + 1, words[b], lens[b]);
            for (int l = 0; l < 4; l++)
                ask(pg, path, n, lines[l]);
        }
    }
    ask(pg, "", 0, 0);
    lsm_proguard_result_t r;
    REQUIRE(lsm_proguard_lookup(pg, NULL, 0, 0, &r, NULL) == 0);
    REQUIRE(r.class_name_len == 0 && r.method == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    lsm_error_t err, serr;
    lsm_proguard_t *pg = lsm_proguard_from_bytes(copy, size, LSM_PROGUARD_DEFAULT, &err);
    lsm_proguard_t *strict = lsm_proguard_from_bytes(copy, size, LSM_PROGUARD_STRICT, &serr);
    if (!pg) {
        check_error(&err);
        REQUIRE(err.code != LSM_ERR_PROGUARD_SYNTAX);
        if (err.code != LSM_ERR_NOMEM)
            REQUIRE(strict == NULL);
    } else {
        REQUIRE(err.code == LSM_OK && err.message[0] == 0);
        REQUIRE(lsm_proguard_class_count(pg) > 0);
        lookups(pg, (const uint8_t *)copy, size);
    }
    if (!strict) {
        check_error(&serr);
    } else {
        REQUIRE(pg != NULL);
        REQUIRE(lsm_proguard_class_count(strict) == lsm_proguard_class_count(pg));
        REQUIRE(lsm_proguard_has_line_info(strict) == lsm_proguard_has_line_info(pg));
    }
    lsm_proguard_free(strict);
    lsm_proguard_free(pg);
    free(copy);
    return 0;
}
