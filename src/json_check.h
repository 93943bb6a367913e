/* Checking that a text is one JSON value, as the map reader would accept
 * it (src/json_check.c). */
#ifndef LSM_JSON_CHECK_H
#define LSM_JSON_CHECK_H

#include "internal.h"

/* Checks that s[0..n) is exactly one JSON value (white space around it
 * allowed) that the map reader accepts inside a map: strings as strict as
 * lsm_json_scan() judges them, nesting at most 999 levels deep
 * (inside a map, whose own object is the 1000th the reader allows). Returns
 * 0, or the code set in `err`: LSM_ERR_JSON, LSM_ERR_JSON_DEPTH,
 * LSM_ERR_INVALID_UTF8, LSM_ERR_NOMEM. `what` names the text in messages. */
LSM_INTERNAL int lsm_json_check_value(const char *s, size_t n, const char *what,
                                      lsm_error_t *err);

#endif
