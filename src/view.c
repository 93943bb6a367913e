/* Building views from JSON, freeing them, and reading what they hold. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parse.h"

/* ------------------------------------------------------------- packing */

static uint8_t bits_for(uint32_t v) {
    uint8_t n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

void lsm_packing_init(lsm_packing_t *pk, const uint32_t max[F_COUNT]) {
    uint32_t shift = 0;
    for (int f = 0; f < F_COUNT; f++) {
        pk->width[f] = bits_for(max[f]);
        pk->shift[f] = (uint8_t)shift;
        shift += pk->width[f];
    }
    pk->record_bits = shift;
}

uint64_t lsm_packing_bytes(const lsm_packing_t *pk, uint64_t count) {
    return (count * pk->record_bits + 7) / 8 + LSM_RECORD_PAD;
}

/* ------------------------------------------------------------ loading */

lsm_view_t *lsm_view_from_json_ex(const char *bytes, size_t len, uint32_t flags,
                                  lsm_error_t *err) {
    lsm_clear_error(err);
    if (!bytes && len) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "bytes is NULL");
        return NULL;
    }
    if (flags & ~(uint32_t)LSM_LOAD_REJECT_INDEX) {
        lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "unknown load flags 0x%x", flags);
        return NULL;
    }
    lsm_parse_t parse;
    memset(&parse, 0, sizeof parse);
    lsm_view_t *view = NULL;
    if (lsm_read_json(bytes ? bytes : "", len, &parse, err) == 0)
        view = lsm_build_view(&parse, flags, err);
    lsm_parse_release(&parse);
    if (view)
        lsm_clear_error(err);
    return view;
}

lsm_view_t *lsm_view_from_json(const char *bytes, size_t len, lsm_error_t *err) {
    return lsm_view_from_json_ex(bytes, len, LSM_LOAD_DEFAULT, err);
}

/* glibc 2.33 gave fstat() a new symbol version; asking the kernel directly
 * keeps the library loadable by glibc 2.17 (manylinux2014). The kernel's
 * struct stat is glibc's on the 64-bit Linux targets we build for. */
static int stat_fd(int fd, struct stat *st) {
    return (int)syscall(SYS_fstat, fd, st);
}

int lsm_map_file(const char *path, void **addr, size_t *len, lsm_error_t *err) {
    *addr = NULL;
    *len = 0;
    if (!path)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "path is NULL");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lsm_set_error(err, LSM_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    int code = 0;
    if (stat_fd(fd, &st) != 0) {
        code = lsm_set_error(err, LSM_ERR_IO, "cannot stat %s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        code = lsm_set_error(err, LSM_ERR_IO, "%s is not a regular file", path);
    } else if ((uint64_t)st.st_size > SIZE_MAX / 2) {
        code = lsm_set_error(err, LSM_ERR_TOO_LARGE, "%s is too large", path);
    } else if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            code = lsm_set_error(err, LSM_ERR_IO, "cannot map %s: %s", path, strerror(errno));
        else {
            *addr = p;
            *len = (size_t)st.st_size;
        }
    }
    close(fd);
    return code;
}

void lsm_unmap_file(void *addr, size_t len) {
    if (addr)
        munmap(addr, len);
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

void lsm_view_free(lsm_view_t *view) {
    if (!view)
        return;
    for (size_t i = 0; i < sizeof view->owned / sizeof view->owned[0]; i++)
        lsm_free(view->owned[i]);
    lsm_reverse_free(view->reverse);
    lsm_unmap_file(view->mapping, view->mapping_len);
    lsm_free(view);
}

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

const char *lsm_strtab_get(const lsm_view_t *view, const lsm_strtab_t *tab, uint32_t index,
                           size_t *len) {
    const uint8_t *e = tab->entries + (size_t)index * LSM_STRTAB_ENTRY;
    uint64_t off = lsm_rd64(e);
    if (off == LSM_NULL_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    uint64_t n = lsm_rd64(e + 8);
    /* A cache file's entries are checked here, when read, rather than all
     * when it is opened: a bad one reads as null. The views this library
     * built itself need no check (and the NUL test costs a cache miss). */
    if (!(view->flags & LSM_VIEW_TRUSTED) &&
        (off >= view->blob_len || n >= view->blob_len - off || view->blob[off + n] != 0)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)n;
    return view->blob + off;
}

uint32_t lsm_view_token_line(const lsm_view_t *view, uint32_t index) {
    /* The last line whose first token is at or before `index`. */
    uint32_t lo = 0, hi = view->line_count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lsm_line_start(view, mid) <= index)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void lsm_view_fill_token(const lsm_view_t *view, uint32_t index, uint32_t line,
                         lsm_token_t *out) {
    const uint8_t *rec = view->records;
    const lsm_packing_t *pk = &view->packing;
    out->dst_line = line;
    out->dst_col = lsm_field(rec, pk, index, F_DST_COL);
    uint32_t src = lsm_field(rec, pk, index, F_SRC_ID);
    uint32_t name = lsm_field(rec, pk, index, F_NAME_ID);
    out->src = NULL;
    out->src_len = 0;
    out->name = NULL;
    out->name_len = 0;
    /* Ids past the tables can only come from a damaged cache file; such a
     * token reads as unmapped (or nameless) rather than out of bounds. */
    if (src == 0 || src > view->sources.count) {
        out->src_id = out->src_line = out->src_col = out->name_id = LSM_NO_ID;
        return;
    }
    out->src_id = src - 1;
    out->src_line = lsm_field(rec, pk, index, F_SRC_LINE);
    out->src_col = lsm_field(rec, pk, index, F_SRC_COL);
    out->src = lsm_strtab_get(view, &view->source_urls, out->src_id, &out->src_len);
    if (name == 0 || name > view->names.count) {
        out->name_id = LSM_NO_ID;
    } else {
        out->name_id = name - 1;
        out->name = lsm_strtab_get(view, &view->names, out->name_id, &out->name_len);
    }
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

const char *lsm_view_source_contents(const lsm_view_t *view, uint32_t index, size_t *len,
                                     lsm_error_t *err) {
    return table_string(view, view ? &view->contents : NULL, index, len, err, "source");
}

int lsm_view_has_source_contents(const lsm_view_t *view, uint32_t index, lsm_error_t *err) {
    lsm_error_t local;
    const char *s = table_string(view, view ? &view->contents : NULL, index, NULL, &local,
                                 "source");
    if (local.code) {
        if (err)
            *err = local;
        return -1;
    }
    lsm_clear_error(err);
    return s != NULL;
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
