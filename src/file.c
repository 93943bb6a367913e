/* Mapping whole files read-only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

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

void lsm_file_drop_resident(void *addr, size_t len) {
    /* The mapping is private and never written: dropping its pages loses
     * nothing. Advice only; a failure changes nothing but memory use. */
    if (addr && len)
        (void)madvise(addr, len, MADV_DONTNEED);
}
