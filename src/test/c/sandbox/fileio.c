/* File I/O: create, write, read, seek, positional and vector I/O, append, truncate, dup, fcntl, devices, copy-up. */
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(void) {
    char buf[256];
    int fd = open("/tmp/a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 3, "open O_CREAT");
    CHECK(write(fd, "hello world", 11) == 11, "write");
    CHECK(lseek(fd, 0, SEEK_CUR) == 11, "lseek SEEK_CUR");
    CHECK(lseek(fd, 6, SEEK_SET) == 6, "lseek SEEK_SET");
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0, "read after seek");
    CHECK(read(fd, buf, sizeof buf) == 0, "read at end of file");
    CHECK(pwrite(fd, "W", 1, 6) == 1, "pwrite");
    CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0, "pread");
    CHECK(lseek(fd, 0, SEEK_CUR) == 11, "pread/pwrite keep the offset");
    struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
    CHECK(lseek(fd, 0, SEEK_END) == 11 && writev(fd, iov, 2) == 4, "writev");
    char x[3] = {0}, y[3] = {0};
    struct iovec riov[2] = {{x, 2}, {y, 2}};
    CHECK(lseek(fd, 11, SEEK_SET) == 11 && readv(fd, riov, 2) == 4 && !strcmp(x, "ab") && !strcmp(y, "cd"), "readv");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 15 && S_ISREG(st.st_mode), "fstat size and type");
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_size == 15, "stat by path");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    int fd2 = dup(fd);
    CHECK(fd2 > fd, "dup");
    CHECK(lseek(fd2, 0, SEEK_SET) == 0 && lseek(fd, 0, SEEK_CUR) == 0, "dup shares the offset");
    CHECK(dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0, "dup2");
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "fcntl FD_CLOEXEC");
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "fcntl F_GETFL");
    CHECK(fcntl(fd, F_DUPFD, 30) == 30, "fcntl F_DUPFD");
    CHECK(close(fd2) == 0 && close(20) == 0 && close(30) == 0 && close(fd) == 0, "close");
    CHECK(close(fd) == -1 && errno == EBADF, "close twice gives EBADF");

    fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "!", 1) == 1 && close(fd) == 0, "O_APPEND write");
    fd = open("/tmp/a.txt", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "hello!", 6) == 0, "append went to the end");
    CHECK(write(fd, "x", 1) == -1 && errno == EBADF, "write to read-only fd gives EBADF");
    close(fd);
    CHECK(open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 && errno == EEXIST, "O_EXCL on existing file");
    CHECK(open("/nonexistent/file", O_RDONLY) == -1 && errno == ENOENT, "missing file gives ENOENT");
    CHECK(open("/etc/passwd/x", O_RDONLY) == -1 && errno == ENOTDIR, "file as directory gives ENOTDIR");

    fd = open("/etc/passwd", O_RDONLY);
    int n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0 && strncmp(buf, "root:x:0:0", 10) == 0, "read a file of the image");
    close(fd);
    fd = open("/etc/passwd", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "guest:x:1:1::/:/bin/sh\n", 23) == 23, "write to an image file (copy-up)");
    close(fd);
    fd = open("/etc/passwd", O_RDONLY);
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, "root:x") && strstr(buf, "guest:x"), "copy-up keeps old and new content");
    close(fd);

    fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0 && write(fd, buf, 100) == 100 && read(fd, buf, 10) == 0, "/dev/null");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 16);
    CHECK(fd >= 0 && read(fd, buf, 16) == 16 && buf[0] == 0 && buf[15] == 0, "/dev/zero");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    unsigned char r1[32] = {0}, r2[32] = {0};
    CHECK(fd >= 0 && read(fd, r1, 32) == 32 && read(fd, r2, 32) == 32 && memcmp(r1, r2, 32) != 0, "/dev/urandom");
    close(fd);
    fd = open("/tmp/a.txt", O_RDONLY);
    struct winsize ws;
    CHECK(ioctl(fd, TIOCGWINSZ, &ws) == -1 && errno == ENOTTY, "TIOCGWINSZ on a file gives ENOTTY");
    CHECK(!isatty(fd), "isatty is false for a file");
    close(fd);
    CHECK(unlink("/tmp/a.txt") == 0 && access("/tmp/a.txt", F_OK) == -1 && errno == ENOENT, "unlink");
    return done();
}
