/* Reading what a view holds: the public getters. (Views are made by
 * load.c and cache.c, freed by records.c.) */
#include "contents.h"

/* ------------------------------------------------------------- tokens */

int lsm_view_is_index(const lsm_view_t *view) {
    return view && (view->flags & LSM_VIEW_INDEX) ? 1 : 0;
}

uint32_t lsm_view_token_count(const lsm_view_t *view) {
    return view ? view->token_count : 0;
}

uint32_t lsm_view_line_count(const lsm_view_t *view) {
    return view ? view->line_count : 0;
}

int lsm_view_get_token(const lsm_view_t *view, uint32_t index, lsm_token_t *out,
                       lsm_error_t *err) {
    if (!view || !out)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL"), -1;
    if (index >= view->token_count)
        return lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "token %u of %u", index,
                             view->token_count),
               -1;
    lsm_view_fill_token(view, index, lsm_view_token_line(view, index), out);
    lsm_clear_error(err);
    return 0;
}

int64_t lsm_view_get_tokens(const lsm_view_t *view, uint32_t index, uint32_t count,
                            lsm_token_t *out, lsm_error_t *err) {
    if (!view || (count && !out))
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view or out is NULL"), -1;
    lsm_clear_error(err);
    if (index >= view->token_count)
        return 0;
    if (count > view->token_count - index)
        count = view->token_count - index;
    uint32_t line = lsm_view_token_line(view, index);
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i = index + k;
        while (line + 1 < view->line_count && lsm_line_start(view, line + 1) <= i)
            line++;
        lsm_view_fill_token(view, i, line, &out[k]);
    }
    return count;
}

/* ------------------------------------------------------------ strings */

static const char *table_string(const lsm_view_t *view, const lsm_strtab_t *tab, uint32_t index,
                                size_t *len, lsm_error_t *err, const char *what) {
    if (len)
        *len = 0;
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    if (index >= tab->count) {
        lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "%s %u of %u", what, index, tab->count);
        return NULL;
    }
    lsm_clear_error(err);
    return lsm_strtab_get(view, tab, index, len);
}

uint32_t lsm_view_source_count(const lsm_view_t *view) {
    return view ? view->sources.count : 0;
}

const char *lsm_view_source_name(const lsm_view_t *view, uint32_t index, size_t *len,
                                 lsm_error_t *err) {
    return table_string(view, view ? &view->sources : NULL, index, len, err, "source");
}

const char *lsm_view_source_url(const lsm_view_t *view, uint32_t index, size_t *len,
                                lsm_error_t *err) {
    return table_string(view, view ? &view->source_urls : NULL, index, len, err, "source");
}

const char *lsm_view_source_joined(const lsm_view_t *view, uint32_t index, size_t *len,
                                   lsm_error_t *err) {
    return table_string(view, view ? &view->source_joined : NULL, index, len, err, "source");
}

const char *lsm_view_source_contents(const lsm_view_t *view, uint32_t index, size_t *len,
                                     lsm_error_t *err) {
    if (len)
        *len = 0;
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return NULL;
    }
    if (index >= view->sources.count) {
        lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", index, view->sources.count);
        return NULL;
    }
    int code = 0;
    const char *s = lsm_contents_get(view, index, len, &code);
    if (code) {
        lsm_set_error(err, code, "out of memory");
        return NULL;
    }
    lsm_clear_error(err);
    return s;
}

int lsm_view_has_source_contents(const lsm_view_t *view, uint32_t index, lsm_error_t *err) {
    if (!view) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "view is NULL");
        return -1;
    }
    if (index >= view->sources.count) {
        lsm_set_error(err, LSM_ERR_OUT_OF_RANGE, "source %u of %u", index, view->sources.count);
        return -1;
    }
    lsm_clear_error(err);
    return lsm_contents_present(view, index);
}

uint32_t lsm_view_name_count(const lsm_view_t *view) {
    return view ? view->names.count : 0;
}

const char *lsm_view_name(const lsm_view_t *view, uint32_t index, size_t *len,
                          lsm_error_t *err) {
    return table_string(view, view ? &view->names : NULL, index, len, err, "name");
}

static const char *meta(const lsm_view_t *view, int which, size_t *len) {
    if (len)
        *len = 0;
    if (!view)
        return NULL;
    return lsm_strtab_get(view, &view->meta, (uint32_t)which, len);
}

const char *lsm_view_file(const lsm_view_t *view, size_t *len) {
    return meta(view, META_FILE, len);
}

const char *lsm_view_source_root(const lsm_view_t *view, size_t *len) {
    return meta(view, META_SOURCE_ROOT, len);
}

const char *lsm_view_debug_id(const lsm_view_t *view, size_t *len) {
    return meta(view, META_DEBUG_ID, len);
}

const uint32_t *lsm_view_ignore_list(const lsm_view_t *view, uint32_t *count) {
    if (count)
        *count = view ? view->ignore_count : 0;
    return view && view->ignore_count ? view->ignore_ids : NULL;
}

int lsm_view_is_ignored(const lsm_view_t *view, uint32_t index) {
    if (!view)
        return 0;
    uint32_t lo = 0, hi = view->ignore_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t v = view->ignore_ids[mid];
        if (v == index)
            return 1;
        if (v < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
