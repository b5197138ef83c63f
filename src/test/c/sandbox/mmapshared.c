/* MAP_SHARED file mappings through the page cache, shared anonymous memory across fork, msync,
 * mremap/munmap/mprotect on shared mappings, madvise(MADV_DONTNEED) and mincore on them (mmap(2),
 * msync(2), mremap(2), madvise(2)). Same output natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

static const long pg = 4096;

/* Runs f in a child and returns its exit status (0 when all its own checks held). */
static int in_child(int (*f)(char *), char *m) {
    pid_t pid = fork();
    if (pid == 0) {
        _exit(f(m));
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int child_writes(char *m) {
    if (m[0] != 'P') {
        return 1;
    }
    strcpy(m, "from the child");
    return 0;
}

static int child_reads_then_writes_second_page(char *m) {
    if (strcmp(m + pg, "parent page 2") != 0) {
        return 1;
    }
    m[pg] = 'Q';
    return 0;
}

static sigjmp_buf escape;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) context;
    bus_code = info->si_code;
    siglongjmp(escape, 1);
}

/* Reads *p; returns 1 if that raised SIGBUS with BUS_ADRERR. */
static int read_raises_sigbus(volatile char *p) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    bus_code = 0;
    int raised = 0;
    if (sigsetjmp(escape, 1) == 0) {
        (void) *p;
    } else {
        raised = bus_code == BUS_ADRERR;
    }
    signal(SIGBUS, SIG_DFL);
    return raised;
}

int main(void) {
    char path[] = "/tmp/mmapsharedXXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && ftruncate(fd, 3 * pg) == 0, "a file of three pages");
    char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap(MAP_SHARED, PROT_WRITE) of a file opened O_RDWR");
    CHECK(m[0] == 0 && m[3 * pg - 1] == 0, "a new file maps as zeros");
    strcpy(m, "stored through the mapping");
    char buf[64] = {0};
    CHECK(pread(fd, buf, 26, 0) == 26 && memcmp(buf, "stored through the mapping", 26) == 0, "read sees a store to the mapping");
    CHECK(pwrite(fd, "written", 7, pg) == 7 && memcmp(m + pg, "written", 7) == 0, "the mapping sees a write");
    char *m2 = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
    CHECK(m2 != MAP_FAILED && memcmp(m2, "written", 7) == 0, "a second mapping at an offset sees the same page");
    m[pg] = 'W';
    CHECK(m2[0] == 'W', "a store in one mapping shows in the other");
    CHECK(msync(m, 3 * pg, MS_SYNC) == 0, "msync(MS_SYNC)");
    CHECK(msync(m, pg, MS_ASYNC) == 0 && msync(m, pg, MS_INVALIDATE) == 0, "msync(MS_ASYNC) and MS_INVALIDATE");
    errno = 0;
    CHECK(msync(m + 1, pg, MS_SYNC) == -1 && errno == EINVAL, "msync at an unaligned address is EINVAL");
    errno = 0;
    CHECK(msync(m, pg, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "msync with MS_SYNC|MS_ASYNC is EINVAL");
    munmap(m2, pg);
    CHECK(munmap(m, 3 * pg) == 0, "munmap of the shared mapping");
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 26, 0) == 26 && memcmp(buf, "stored through the mapping", 26) == 0, "the stores stay in the file after munmap");
    close(fd);
    int rd = open(path, O_RDONLY);
    errno = 0;
    CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0) == MAP_FAILED && errno == EACCES,
          "a writable shared mapping of a read-only descriptor is EACCES");
    char *r = mmap(NULL, pg, PROT_READ, MAP_SHARED, rd, 0);
    CHECK(r != MAP_FAILED && r[0] == 's', "a read-only shared mapping of it works");
    errno = 0;
    CHECK(mprotect(r, pg, PROT_READ | PROT_WRITE) == -1 && errno == EACCES, "mprotect cannot make it writable: EACCES");
    CHECK(mprotect(r, pg, PROT_NONE) == 0 && mprotect(r, pg, PROT_READ) == 0 && r[1] == 't', "PROT_NONE and back keeps the bytes");
    munmap(r, pg);
    close(rd);

    fd = open(path, O_RDWR);
    m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[0] = 'P';
    CHECK(in_child(child_writes, m) == 0 && strcmp(m, "from the child") == 0, "a file mapping stays shared across fork");
    CHECK(madvise(m, pg, MADV_DONTNEED) == 0 && strcmp(m, "from the child") == 0, "MADV_DONTNEED on a shared mapping reads the shared bytes again");
    unsigned char vec[2];
    CHECK(mincore(m, 2 * pg, vec) == 0, "mincore on a shared mapping");
    char *grown = mremap(m, 2 * pg, 3 * pg, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED && strcmp(grown, "from the child") == 0 && memcmp(grown + pg, "Written", 7) == 0,
          "mremap of a shared mapping keeps its pages");
    grown[2 * pg] = 'T';
    buf[0] = 0;
    CHECK(pread(fd, buf, 1, 2 * pg) == 1 && buf[0] == 'T', "the grown part maps the file's next page");
    grown[pg + 9] = 'k';
    grown[pg + 10] = 'l';
    CHECK(ftruncate(fd, pg + 10) == 0 && grown[pg + 9] == 'k' && grown[pg + 10] == 0,
          "ftruncate zeroes the cached bytes beyond the new end");
    CHECK(munmap(grown, 3 * pg) == 0, "munmap of the moved mapping");
    close(fd);
    fd = open(path, O_RDWR | O_TRUNC);
    CHECK(fd >= 0 && write(fd, "tiny", 4) == 4, "a file of four bytes");
    char *t = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(t != MAP_FAILED && memcmp(t, "tiny", 4) == 0 && t[pg - 1] == 0, "its one page maps, zeros after the end");
    CHECK(read_raises_sigbus(t + pg), "a page wholly past the end raises SIGBUS (BUS_ADRERR)");
    CHECK(ftruncate(fd, 2 * pg) == 0 && t[pg] == 0, "once the file grows the page maps");
    munmap(t, 2 * pg);
    close(fd);
    unlink(path);

    char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED && a[0] == 0, "MAP_SHARED|MAP_ANONYMOUS maps zeros");
    strcpy(a + pg, "parent page 2");
    CHECK(in_child(child_reads_then_writes_second_page, a) == 0 && a[pg] == 'Q', "shared anonymous memory is shared across fork");
    a[0] = 'z';
    CHECK(madvise(a, pg, MADV_DONTNEED) == 0 && a[0] == 'z', "MADV_DONTNEED keeps shared anonymous bytes");
    errno = 0;
    CHECK(madvise(a, pg, MADV_FREE) == -1 && errno == EINVAL, "MADV_FREE on shared memory is EINVAL");
    char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 'x';
    CHECK(madvise(p, pg, MADV_DONTNEED) == 0 && p[0] == 0, "MADV_DONTNEED on private anonymous memory zeroes");
    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 'c';
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CHECK(p[0] == 0, "a private mapping stays private across fork");
    CHECK(munmap(a, 2 * pg) == 0 && munmap(p, pg) == 0, "munmap of anonymous mappings");
    errno = 0;
    CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED, 0x7fff, 0) == MAP_FAILED && errno == EBADF, "MAP_SHARED of a bad descriptor is EBADF");
    return done();
}
