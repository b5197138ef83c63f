/* Directories, links and the kernel-made trees: mkdir, chdir, getcwd, getdents64, rename, symlinks, /proc. */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

static int listed(const char *dir, const char *name) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, name)) found = 1;
    }
    closedir(d);
    return found;
}

int main(void) {
    char buf[512];
    CHECK(mkdir("/tmp/d", 0755) == 0, "mkdir");
    CHECK(mkdir("/tmp/d", 0755) == -1 && errno == EEXIST, "mkdir existing gives EEXIST");
    CHECK(chdir("/tmp/d") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d"), "chdir and getcwd");
    int fd = open("f1", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0, "create relative to cwd");
    CHECK(mkdir("sub", 0755) == 0, "mkdir relative");
    CHECK(listed("/tmp/d", "f1") && listed("/tmp/d", "sub") && listed("/tmp/d", ".."), "readdir lists new entries");
    CHECK(listed("/", "etc") && listed("/", "bin") && listed("/", "proc") && listed("/", "dev"), "readdir of the root");
    CHECK(rename("f1", "sub/f2") == 0 && access("/tmp/d/sub/f2", F_OK) == 0 && access("f1", F_OK) == -1, "rename into subdir");
    CHECK(rmdir("sub") == -1 && errno == ENOTEMPTY, "rmdir non-empty gives ENOTEMPTY");
    CHECK(unlink("sub/f2") == 0 && rmdir("sub") == 0, "unlink and rmdir");
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp"), "chdir ..");
    CHECK(chdir("/../../..") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, "/"), ".. stops at the root");
    CHECK(symlink("/etc/passwd", "/tmp/link") == 0, "symlink");
    ssize_t n = readlink("/tmp/link", buf, sizeof buf);
    CHECK(n == 11 && !memcmp(buf, "/etc/passwd", 11), "readlink");
    fd = open("/tmp/link", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "root", 4), "open follows symlink");
    close(fd);
    CHECK(open("/tmp/link", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP, "O_NOFOLLOW on a link gives ELOOP");
    struct stat st;
    CHECK(lstat("/tmp/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the link");
    CHECK(symlink("loop2", "/tmp/loop1") == 0 && symlink("loop1", "/tmp/loop2") == 0 &&
          open("/tmp/loop1", O_RDONLY) == -1 && errno == ELOOP, "symlink loop gives ELOOP");
    n = readlink("/proc/self/exe", buf, sizeof buf);
    CHECK(n > 0 && !memcmp(buf, "/bin/dirs", 9), "/proc/self/exe");
    CHECK(listed("/proc/self/fd", "0") && listed("/proc/self/fd", "2"), "/proc/self/fd lists descriptors");
    fd = open("/proc/self/maps", O_RDONLY);
    n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && strstr(buf, "/bin/dirs") && strstr(buf, "r-xp"), "/proc/self/maps");
    close(fd);
    fd = open("/proc/meminfo", O_RDONLY);
    n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && strstr(buf, "MemTotal:"), "/proc/meminfo");
    close(fd);
    fd = open("/proc/cpuinfo", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 9) == 9 && !memcmp(buf, "processor", 9), "/proc/cpuinfo");
    close(fd);
    fd = open("/proc/uptime", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 10) > 0, "/proc/uptime");
    close(fd);
    fd = open("/dev/stdout", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "via /dev/stdout\n", 16) == 16, "/dev/stdout reaches fd 1");
    close(fd);
    int dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0 && faccessat(dfd, "passwd", R_OK, 0) == 0, "faccessat relative to a directory fd");
    CHECK(fstatat(dfd, "passwd", &st, 0) == 0 && S_ISREG(st.st_mode), "fstatat relative to a directory fd");
    CHECK(mkdirat(dfd, "newdir", 0755) == 0 && access("/etc/newdir", F_OK) == 0, "mkdirat in an image directory");
    CHECK(unlinkat(dfd, "newdir", AT_REMOVEDIR) == 0 && access("/etc/newdir", F_OK) == -1, "unlinkat AT_REMOVEDIR");
    CHECK(unlinkat(dfd, "hostname", 0) == 0 && access("/etc/hostname", F_OK) == -1 && !listed("/etc", "hostname"),
          "unlink an image file hides it");
    close(dfd);
    return done();
}
