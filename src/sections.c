/* The public index-map sections API (include/libsourcemap.h, "index-map
 * sections"): where each regular map of a flattened index map went, as
 * src/build.c kept it (or a cache file's section 35). */
#include "internal.h"

uint32_t lsm_view_section_count(const lsm_view_t *view) {
    return view ? view->section_count : 0;
}

int lsm_view_section_offset(const lsm_view_t *view, uint32_t index, uint32_t *line,
                            uint32_t *col, lsm_error_t *err) {
    lsm_clear_error(err);
    if (line)
        *line = 0;
    if (col)
        *col = 0;
    if (!view || !line || !col)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "NULL view, line or col"), -1;
    if (index >= view->section_count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "no section %u", index), -1;
    *line = lsm_rd32(view->section_offsets + (size_t)index * 8);
    *col = lsm_rd32(view->section_offsets + (size_t)index * 8 + 4);
    return 0;
}
