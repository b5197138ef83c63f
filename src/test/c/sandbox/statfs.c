/* statfs and fstatfs (statfs(2)): what holds on every Linux, natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sys/vfs.h>

int main(void) {
    struct statfs a, b, pr;
    CHECK(statfs("/", &a) == 0, "statfs of / succeeds");
    CHECK(a.f_bsize > 0 && a.f_namelen == 255, "a block size and 255-byte names");
    CHECK(a.f_blocks >= a.f_bfree && a.f_bfree >= a.f_bavail, "blocks >= free >= available");
    CHECK((a.f_flags & 0x20) != 0, "f_flags carries ST_VALID");
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(fstatfs(fd, &b) == 0 && b.f_type == a.f_type && b.f_bsize == a.f_bsize, "fstatfs of / agrees with statfs");
    CHECK(statfs("/proc/self", &pr) == 0 && pr.f_type == 0x9fa0, "/proc is procfs");
    errno = 0;
    CHECK(statfs("/no/such/path", &a) == -1 && errno == ENOENT, "a missing path is ENOENT");
    errno = 0;
    CHECK(fstatfs(999, &a) == -1 && errno == EBADF, "a closed descriptor is EBADF");
    errno = 0;
    CHECK(statfs("/", (struct statfs *) 8) == -1 && errno == EFAULT, "a bad buffer is EFAULT");
    return done();
}
