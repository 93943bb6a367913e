/* The public entry points that make a view from JSON: read it, build the
 * view, release the parse. A view may go on reading its input (source
 * contents, src/contents.c): a file mapping it then keeps, or bytes the
 * caller promised with LSM_LOAD_BORROW. */
#include "parse.h"
#include "scopes.h"

#define KNOWN_FLAGS \
    ((uint32_t)LSM_LOAD_REJECT_INDEX | (uint32_t)LSM_LOAD_STRICT_SCOPES | (uint32_t)LSM_LOAD_BORROW | \
     (uint32_t)LSM_LOAD_RANGE_MAPPINGS_ONE_BASED | (uint32_t)LSM_LOAD_RANGE_MAPPINGS_BITS)

/* `mapped`: `bytes` is a whole mapping of lsm_map_file(). */
static lsm_view_t *load(const char *bytes, size_t len, uint32_t flags, bool mapped,
                        lsm_error_t *err) {
    lsm_clear_error(err);
    if (!bytes && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "bytes is NULL");
        return NULL;
    }
    if (flags & ~KNOWN_FLAGS) {
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
    if (lsm_read_json(bytes ? bytes : "", len, &parse, err) == 0) {
        /* The file was read once through; the builder reads "mappings"
         * again, a view its contents on demand: let the kernel take the
         * pages back, so that a mapped file does not count twice with the
         * records built from it. */
        if (mapped)
            lsm_file_drop_resident((void *)bytes, len);
        view = lsm_build_view(&parse, flags, err);
        if (mapped)
            lsm_file_drop_resident((void *)bytes, len);
    }
    /* Scopes of a regular map (src/scopes_decode.c); nothing to do, and no
     * cost, for a map without them. */
    if (view && !(view->flags & LSM_VIEW_INDEX) &&
        lsm_scopes_decode(view, &parse.root, (flags & LSM_LOAD_STRICT_SCOPES) != 0, err)) {
        lsm_view_free(view);
        view = NULL;
    }
    lsm_parse_release(&parse);
    if (view) {
        view->bytes_read = len;
        view->parse_ns = lsm_now_ns() - started;
        lsm_clear_error(err);
    }
    return view;
}

lsm_view_t *lsm_view_from_json_ex(const char *bytes, size_t len, uint32_t flags,
                                  lsm_error_t *err) {
    return load(bytes, len, flags, false, err);
}

lsm_view_t *lsm_view_from_json(const char *bytes, size_t len, lsm_error_t *err) {
    return load(bytes, len, LSM_LOAD_DEFAULT, false, err);
}

lsm_view_t *lsm_view_from_path(const char *path, uint32_t flags, lsm_error_t *err) {
    lsm_clear_error(err);
    if (flags & ~KNOWN_FLAGS) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown load flags 0x%x", flags);
        return NULL;
    }
    void *addr;
    size_t len;
    if (lsm_map_file(path, &addr, &len, err))
        return NULL;
    /* The mapping outlives the view's reads of it: the view keeps it when
     * its contents are slices of it, and it is unmapped otherwise. */
    lsm_view_t *view = load(addr, len, flags | LSM_LOAD_BORROW, true, err);
    if (view && view->contents_ref && view->contents_ref->base == (const char *)addr && addr) {
        view->mapping = addr;
        view->mapping_len = len;
    } else {
        lsm_unmap_file(addr, len);
    }
    return view;
}
