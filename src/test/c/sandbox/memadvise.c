/* madvise (DONTNEED, FREE, WILLNEED, bad arguments), mincore and the mlock family (madvise(2),
 * mincore(2), mlock(2)). Same output natively (as root) and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    (void) argc;
    long pg = 4096;
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 'x', 4 * pg);
    unsigned char vec[4] = {0};
    CHECK(mincore(m, 4 * pg, vec) == 0 && (vec[0] & 1) && (vec[3] & 1), "mincore: touched pages are resident");
    CHECK(madvise(m, pg, MADV_DONTNEED) == 0, "MADV_DONTNEED succeeds");
    CHECK(m[0] == 0 && m[pg - 1] == 0 && m[pg] == 'x', "after MADV_DONTNEED the page reads zeros, its neighbour keeps its data");
    CHECK(madvise(m + pg, pg, MADV_FREE) == 0, "MADV_FREE on private anonymous memory succeeds");
    CHECK(m[pg] == 0 || m[pg] == 'x', "after MADV_FREE the page holds its data or zeros");
    m[pg] = 'y';
    CHECK(m[pg] == 'y', "a write after MADV_FREE stays");
    CHECK(madvise(m, 4 * pg, MADV_WILLNEED) == 0, "MADV_WILLNEED succeeds");
    CHECK(madvise(m, 4 * pg, MADV_NORMAL) == 0 && madvise(m, pg, MADV_SEQUENTIAL) == 0 && madvise(m, pg, MADV_RANDOM) == 0,
          "the access-pattern hints succeed");
    errno = 0;
    CHECK(madvise(m + 1, pg, MADV_DONTNEED) == -1 && errno == EINVAL, "an unaligned address is EINVAL");
    errno = 0;
    CHECK(madvise(m, pg, 9999) == -1 && errno == EINVAL, "unknown advice is EINVAL");
    CHECK(madvise(m, 0, MADV_DONTNEED) == 0, "a zero length succeeds");
    munmap(m + 2 * pg, pg);
    errno = 0;
    CHECK(madvise(m, 4 * pg, MADV_WILLNEED) == -1 && errno == ENOMEM, "a range with a hole is ENOMEM");
    errno = 0;
    CHECK(mincore(m, 4 * pg, vec) == -1 && errno == ENOMEM, "mincore over a hole is ENOMEM");
    errno = 0;
    CHECK(mincore(m + 1, pg, vec) == -1 && errno == EINVAL, "mincore at an unaligned address is EINVAL");
    int fd = open(argv[0], O_RDONLY);
    char *f = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
    errno = 0;
    CHECK(f != MAP_FAILED && madvise(f, pg, MADV_FREE) == -1 && errno == EINVAL, "MADV_FREE on a file mapping is EINVAL");
    CHECK(madvise(f, pg, MADV_DONTNEED) == 0 && f[1] == 'E' && f[2] == 'L' && f[3] == 'F', "a dropped file page reads the file again");
    CHECK(mlock(m, pg) == 0 && munlock(m, pg) == 0, "mlock and munlock succeed");
    CHECK(mlock(m + 10, 100) == 0, "mlock rounds an unaligned start down");
    errno = 0;
    CHECK(mlock((char *) 0x10000000000, pg) == -1 && errno == ENOMEM, "mlock of unmapped memory is ENOMEM");
    CHECK(mlock2(m, pg, MLOCK_ONFAULT) == 0, "mlock2 with MLOCK_ONFAULT succeeds");
    errno = 0;
    CHECK(mlock2(m, pg, 2) == -1 && errno == EINVAL, "mlock2 with an unknown flag is EINVAL");
    errno = 0;
    CHECK(mlockall(0) == -1 && errno == EINVAL, "mlockall(0) is EINVAL");
    errno = 0;
    CHECK(mlockall(MCL_ONFAULT) == -1 && errno == EINVAL, "mlockall(MCL_ONFAULT) alone is EINVAL");
    CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0 && munlockall() == 0, "mlockall and munlockall succeed");
    return done();
}
