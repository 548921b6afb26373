/*
 * file.c - see file.h.
 */
#include "file.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
file_read_at(int dirfd, const char *name, size_t max, char **out, size_t *len, char *err,
             size_t errlen)
{
    struct stat st;
    size_t got = 0;
    char *p;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", name, strerror(e));
        return e == ENOENT || e == ENOTDIR ? MOAT_ENOENT : MOAT_EIO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, errlen, "%s: not a regular file", name);
        return MOAT_EINVAL;
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        snprintf(err, errlen, "%s: %lld bytes, more than the limit of %zu", name,
                 (long long)st.st_size, max);
        return MOAT_ETOOBIG;
    }
    p = malloc((size_t)st.st_size + 1);
    if (!p) {
        close(fd);
        return MOAT_ENOMEM;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", name, strerror(errno));
            close(fd);
            free(p);
            return MOAT_EIO;
        }
        if (r == 0)
            break; /* shrank while read: what is there is the file */
        got += (size_t)r;
    }
    close(fd);
    p[got] = '\0';
    *out = p;
    *len = got;
    return 0;
}
