/* Mapping whole files into memory (src/file.c). */
#ifndef LSM_FILE_H
#define LSM_FILE_H

#include "internal.h"

/* Maps a whole file read-only. An empty file gives *addr == NULL and
 * *len == 0. Returns 0 or LSM_ERR_IO / LSM_ERR_TOO_LARGE. */
LSM_INTERNAL int lsm_map_file(const char *path, void **addr, size_t *len, lsm_error_t *err);
LSM_INTERNAL void lsm_unmap_file(void *addr, size_t len);
/* Lets the kernel drop the resident pages of a mapping lsm_map_file()
 * made: they stay in the page cache and are read back on next access, so
 * the process's resident set holds only what it reads again. */
LSM_INTERNAL void lsm_file_drop_resident(void *addr, size_t len);

#endif
