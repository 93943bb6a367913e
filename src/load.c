/* The public entry points that make a view from JSON: read it, build the
 * view, release the parse. */
#include "parse.h"

lsm_view_t *lsm_view_from_json_ex(const char *bytes, size_t len, uint32_t flags,
                                  lsm_error_t *err) {
    lsm_clear_error(err);
    if (!bytes && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "bytes is NULL");
        return NULL;
    }
    if (flags & ~(uint32_t)(LSM_LOAD_REJECT_INDEX | LSM_LOAD_RANGE_MAPPINGS_ONE_BASED |
                            LSM_LOAD_RANGE_MAPPINGS_BITS)) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown load flags 0x%x", flags);
        return NULL;
    }
    if ((flags & LSM_LOAD_RANGE_MAPPINGS_ONE_BASED) && (flags & LSM_LOAD_RANGE_MAPPINGS_BITS)) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "two rangeMappings encodings asked for");
        return NULL;
    }
    lsm_parse_t parse;
    memset(&parse, 0, sizeof parse);
    lsm_view_t *view = NULL;
    uint64_t started = lsm_now_ns();
    if (lsm_read_json(bytes ? bytes : "", len, &parse, err) == 0)
        view = lsm_build_view(&parse, flags, err);
    lsm_parse_release(&parse);
    if (view) {
        view->bytes_read = len;
        view->parse_ns = lsm_now_ns() - started;
        lsm_clear_error(err);
    }
    return view;
}

lsm_view_t *lsm_view_from_json(const char *bytes, size_t len, lsm_error_t *err) {
    return lsm_view_from_json_ex(bytes, len, LSM_LOAD_DEFAULT, err);
}

lsm_view_t *lsm_view_from_path(const char *path, uint32_t flags, lsm_error_t *err) {
    lsm_clear_error(err);
    void *addr;
    size_t len;
    if (lsm_map_file(path, &addr, &len, err))
        return NULL;
    lsm_view_t *view = lsm_view_from_json_ex(addr, len, flags, err);
    lsm_unmap_file(addr, len);
    return view;
}
