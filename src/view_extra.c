/* The top-level fields a view keeps as JSON text (read by
 * src/json_extra.c, written back by src/encode.c): the public getters. */
#include "internal.h"

uint32_t lsm_view_extra_count(const lsm_view_t *view) {
    return view ? view->extras.count / 2 : 0;
}

int lsm_view_extra_field(const lsm_view_t *view, uint32_t index, const char **name,
                         size_t *name_len, const char **value, size_t *value_len,
                         lsm_error_t *err) {
    if (name)
        *name = NULL;
    if (value)
        *value = NULL;
    if (name_len)
        *name_len = 0;
    if (value_len)
        *value_len = 0;
    if (!view || !name || !name_len || !value || !value_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or an output pointer is NULL"),
               -1;
    uint32_t count = view->extras.count / 2;
    if (index >= count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "field %u of %u", index, count), -1;
    const char *n = lsm_strtab_get(view, &view->extras, 2 * index, name_len);
    const char *v = lsm_strtab_get(view, &view->extras, 2 * index + 1, value_len);
    if (!n || !v) {
        *name_len = *value_len = 0;
        return lsm_set_error(err, LSM_ERR_CACHE_CORRUPT, "field %u is damaged", index), -1;
    }
    *name = n;
    *value = v;
    lsm_clear_error(err);
    return 0;
}
