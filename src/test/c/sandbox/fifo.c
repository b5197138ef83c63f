/* mkfifo and mknod (mkfifo(3), mknod(2), fifo(7)): a named pipe between two processes, the
 * blocking and non-blocking opens. Same output natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void) {
    char dir[] = "/tmp/fifoXXXXXX";
    CHECK(mkdtemp(dir) != NULL && chdir(dir) == 0, "a scratch directory");
    CHECK(mkfifo("p", 0600) == 0, "mkfifo");
    struct stat st;
    CHECK(stat("p", &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0600, "stat shows a FIFO with its mode");
    errno = 0;
    CHECK(mkfifo("p", 0600) == -1 && errno == EEXIST, "mkfifo over an existing name is EEXIST");
    errno = 0;
    CHECK(open("p", O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO, "a non-blocking writer without a reader is ENXIO");
    int r = open("p", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0, "a non-blocking reader opens at once");
    int w = open("p", O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0 && write(w, "ping", 4) == 4, "then a writer opens and writes");
    char buf[16] = {0};
    CHECK(read(r, buf, sizeof buf) == 4 && memcmp(buf, "ping", 4) == 0, "the reader gets the bytes");
    close(w);
    close(r);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cw = open("p", O_WRONLY); /* waits for the parent's reader */
        _exit(cw >= 0 && write(cw, "hello", 5) == 5 ? 0 : 1);
    }
    r = open("p", O_RDONLY); /* waits for the child's writer */
    CHECK(r >= 0, "a blocking reader opens once the writer comes");
    memset(buf, 0, sizeof buf);
    int got = 0, n;
    while ((n = read(r, buf + got, sizeof buf - 1 - got)) > 0) {
        got += n;
    }
    CHECK(got == 5 && strcmp(buf, "hello") == 0 && n == 0, "reads what the other process wrote, then end of file");
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer succeeded");
    close(r);
    CHECK(mknod("q", S_IFIFO | 0644, 0) == 0 && stat("q", &st) == 0 && S_ISFIFO(st.st_mode), "mknod S_IFIFO makes one too");
    CHECK(mknod("f", S_IFREG | 0644, 0) == 0 && stat("f", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0, "mknod S_IFREG makes an empty file");
    errno = 0;
    CHECK(mknod("x", 0170000 | 0644, 0) == -1 && errno == EINVAL, "an unknown file type is EINVAL");
    CHECK(unlink("p") == 0 && unlink("q") == 0 && unlink("f") == 0 && chdir("/") == 0 && rmdir(dir) == 0, "everything removed");
    return done();
}
