/* "x_facebook_segments": a segment's own map, made on request from the
 * JSON text src/hermes.c kept (a view per call; the caller frees it). */
#include "hermes.h"

lsm_view_t *lsm_view_segment_map(const lsm_view_t *view, uint32_t segment, uint32_t flags,
                                 lsm_error_t *err) {
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    size_t len = 0;
    const char *text = lsm_fb_segment_text(view, segment, &len);
    if (!text) {
        lsm_clear_error(err);
        return NULL;
    }
    return lsm_view_from_json_ex(text, len, flags, err);
}
