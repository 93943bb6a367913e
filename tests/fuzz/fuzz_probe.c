/* Fuzz target: arbitrary bytes through lsm_json_probe().
 *
 * A failure must carry a known code and a well-formed message and leave
 * the result zeroed; a success must give a debug ID that lies inside the
 * input. Whenever lsm_view_from_json() parses the input, the probe must
 * succeed too and agree with the view on the debug ID (unless the ID is
 * escaped, which the probe only flags) and on being an index map. A
 * violated invariant traps.
 *
 * Built as a libFuzzer binary with -Dfuzzing=true (clang); always built
 * with replay.c as the fuzz-replay-probe test. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *bytes = (const char *)data;
    lsm_json_probe_t p;
    lsm_error_t err;
    memset(&err, 0xff, sizeof err);
    int rc = lsm_json_probe(bytes, size, &p, &err);
    if (rc != 0) {
        REQUIRE(rc == -1);
        REQUIRE(err.code != LSM_OK);
        REQUIRE(strcmp(lsm_error_name(err.code), "LSM_ERR_UNKNOWN") != 0);
        const char *end = memchr(err.message, 0, sizeof err.message);
        REQUIRE(end != NULL && end != err.message);
        REQUIRE(memchr(err.message, '\n', (size_t)(end - err.message)) == NULL);
        REQUIRE(p.debug_id == NULL && p.debug_id_len == 0 && p.debug_id_escaped == 0 &&
                p.is_index == 0);
    } else {
        REQUIRE(err.code == LSM_OK && err.message[0] == 0 && err.offset == -1);
        REQUIRE(p.is_index == 0 || p.is_index == 1);
        if (p.debug_id) {
            REQUIRE(p.debug_id >= bytes && p.debug_id_len <= size &&
                    (size_t)(p.debug_id - bytes) <= size - p.debug_id_len);
            REQUIRE(p.debug_id_escaped == 0);
        }
    }
    lsm_view_t *view = lsm_view_from_json(bytes, size, NULL);
    if (view) {
        REQUIRE(rc == 0);
        size_t vlen = 0;
        const char *vid = lsm_view_debug_id(view, &vlen);
        if (!p.debug_id_escaped) {
            REQUIRE((vid == NULL) == (p.debug_id == NULL));
            REQUIRE(vid == NULL || (vlen == p.debug_id_len && memcmp(vid, p.debug_id, vlen) == 0));
        } else {
            REQUIRE(vid != NULL);
        }
        REQUIRE(p.is_index == lsm_view_is_index(view));
        lsm_view_free(view);
    }
    return 0;
}
