/* link and linkat (link(2), linkat(2)): a second name for a file, st_nlink, AT_SYMLINK_FOLLOW,
 * the errors. Same output natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(void) {
    char dir[] = "/tmp/linkXXXXXX";
    CHECK(mkdtemp(dir) != NULL && chdir(dir) == 0, "a scratch directory");
    int fd = open("a", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, "hello", 5) == 5 && close(fd) == 0, "a file a");
    CHECK(link("a", "b") == 0, "link a b");
    struct stat sa, sb;
    CHECK(stat("a", &sa) == 0 && stat("b", &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_nlink == 2, "both names, one inode, st_nlink 2");
    fd = open("b", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, " world", 6) == 6 && close(fd) == 0, "a write through b");
    char buf[32] = {0};
    fd = open("a", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 11 && strcmp(buf, "hello world") == 0 && close(fd) == 0, "is read through a");
    CHECK(unlink("a") == 0 && stat("b", &sb) == 0 && sb.st_nlink == 1 && sb.st_size == 11, "unlinking a leaves b with st_nlink 1");
    errno = 0;
    CHECK(link("b", "b") == -1 && errno == EEXIST, "linking onto an existing name is EEXIST");
    errno = 0;
    CHECK(link("missing", "c") == -1 && errno == ENOENT, "linking a missing file is ENOENT");
    CHECK(mkdir("d", 0755) == 0, "a directory d");
    errno = 0;
    CHECK(link("d", "e") == -1 && errno == EPERM, "linking a directory is EPERM");
    CHECK(symlink("b", "s") == 0, "a symbolic link s to b");
    CHECK(linkat(AT_FDCWD, "s", AT_FDCWD, "f", AT_SYMLINK_FOLLOW) == 0 && stat("f", &sa) == 0 && sa.st_ino == sb.st_ino,
          "linkat AT_SYMLINK_FOLLOW links what s names");
    CHECK(linkat(AT_FDCWD, "s", AT_FDCWD, "g", 0) == 0 && lstat("g", &sa) == 0 && S_ISLNK(sa.st_mode), "linkat without it links the symbolic link");
    errno = 0;
    CHECK(linkat(AT_FDCWD, "b", AT_FDCWD, "h", 0x8) == -1 && errno == EINVAL, "unknown flags are EINVAL");
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(linkat(dfd, "b", dfd, "i", 0) == 0 && stat("i", &sa) == 0 && sa.st_nlink == 3, "linkat relative to a directory descriptor");
    unlink("b"); unlink("f"); unlink("g"); unlink("i"); unlink("s"); rmdir("d");
    CHECK(chdir("/") == 0 && rmdir(dir) == 0, "everything removed");
    return done();
}
