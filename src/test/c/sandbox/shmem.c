/* memfd_create with its seals (memfd_create(2), fcntl(2) "File Sealing"), and POSIX shared memory
 * in /dev/shm (shm_open(3), sem_open(3)) shared across fork. Same output natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const long pg = 4096;

int main(void) {
    int fd = memfd_create("kapsel-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0, "memfd_create with MFD_CLOEXEC|MFD_ALLOW_SEALING");
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "MFD_CLOEXEC sets close-on-exec");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0, "a memfd is an empty regular file");
    char link[64], target[128] = {0};
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    CHECK(readlink(link, target, sizeof target - 1) > 0 && strcmp(target, "/memfd:kapsel-test (deleted)") == 0,
          "its /proc/self/fd link names it memfd:NAME (deleted)");
    CHECK(ftruncate(fd, 2 * pg) == 0 && fstat(fd, &st) == 0 && st.st_size == 2 * pg, "ftruncate sizes it");
    CHECK(write(fd, "hello", 5) == 5, "write to a memfd");
    char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED && memcmp(m, "hello", 5) == 0, "a shared mapping of it sees the write");
    m[pg] = 'M';
    char c = 0;
    CHECK(pread(fd, &c, 1, pg) == 1 && c == 'M', "read sees a store to the mapping");
    CHECK(fcntl(fd, F_GET_SEALS) == 0, "no seals at first");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0 && fcntl(fd, F_GET_SEALS) == F_SEAL_SHRINK, "F_ADD_SEALS F_SEAL_SHRINK");
    errno = 0;
    CHECK(ftruncate(fd, pg) == -1 && errno == EPERM, "shrinking a F_SEAL_SHRINK file is EPERM");
    CHECK(ftruncate(fd, 3 * pg) == 0, "growing it still works");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0, "F_ADD_SEALS F_SEAL_GROW");
    errno = 0;
    CHECK(ftruncate(fd, 4 * pg) == -1 && errno == EPERM, "growing a F_SEAL_GROW file is EPERM");
    errno = 0;
    CHECK(pwrite(fd, "x", 1, 3 * pg) == -1 && errno == EPERM, "writing past its end is EPERM");
    CHECK(pwrite(fd, "y", 1, 10) == 1, "writing inside it works");
    errno = 0;
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY, "F_SEAL_WRITE while a shared mapping may write is EBUSY");
    munmap(m, 2 * pg);
    char *priv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0, "F_SEAL_WRITE once no shared mapping is left (a private one may stay)");
    errno = 0;
    CHECK(write(fd, "z", 1) == -1 && errno == EPERM, "writing a F_SEAL_WRITE file is EPERM");
    errno = 0;
    CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
          "a writable shared mapping of it is EPERM");
    char *ro = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(ro != MAP_FAILED && ro[10] == 'y', "a read-only shared mapping still works");
    errno = 0;
    CHECK(mprotect(ro, pg, PROT_READ | PROT_WRITE) == -1 && errno == EACCES, "and mprotect cannot make it writable: EACCES");
    priv[10] = 'p';
    CHECK(priv[10] == 'p' && ro[10] == 'y', "a private mapping made before the seal stays writable, privately");
    munmap(ro, pg);
    munmap(priv, pg);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0, "F_SEAL_SEAL");
    errno = 0;
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1 && errno == EPERM, "no seal can be added after F_SEAL_SEAL");
    CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), "F_GET_SEALS lists them all");
    close(fd);
    int plain = memfd_create("plain", 0);
    CHECK(plain >= 0 && fcntl(plain, F_GETFD) == 0, "memfd_create without flags");
    errno = 0;
    CHECK(fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM, "without MFD_ALLOW_SEALING adding a seal is EPERM");
    CHECK(fcntl(plain, F_GET_SEALS) == F_SEAL_SEAL, "and F_SEAL_SEAL is set");
    close(plain);
    errno = 0;
    CHECK(memfd_create("bad", 0x1000) == -1 && errno == EINVAL, "an unknown flag is EINVAL");
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    errno = 0;
    CHECK(memfd_create(longname, 0) == -1 && errno == EINVAL, "a name longer than 249 bytes is EINVAL");
    errno = 0;
    CHECK(fcntl(0, F_GET_SEALS) == -1 && errno == EINVAL, "F_GET_SEALS on a non-memfd is EINVAL");

    char name[64];
    snprintf(name, sizeof name, "/kapsel-shm-%d", getpid());
    int sfd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(sfd >= 0, "shm_open(O_CREAT|O_EXCL) makes a file in /dev/shm");
    CHECK(fcntl(sfd, F_GETFD) == FD_CLOEXEC, "shm_open's descriptor is close-on-exec");
    errno = 0;
    CHECK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST, "a second O_EXCL shm_open is EEXIST");
    CHECK(ftruncate(sfd, pg) == 0, "ftruncate sizes the shm object");
    int *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
    CHECK(shared != MAP_FAILED && shared[0] == 0, "mmap of the shm object");
    sem_t *sem = (sem_t *) (shared + 16);
    CHECK(sem_init(sem, 1, 0) == 0, "a process-shared semaphore in it");
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = shm_open(name, O_RDWR, 0);
        int *view = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        view[0] = 42;
        sem_post((sem_t *) (view + 16));
        _exit(0);
    }
    CHECK(sem_wait(sem) == 0 && shared[0] == 42, "the child's store through its own shm_open reaches the parent");
    waitpid(pid, NULL, 0);
    int again = shm_open(name, O_RDONLY, 0);
    int value = 0;
    CHECK(again >= 0 && pread(again, &value, sizeof value, 0) == sizeof value && value == 42, "read of the object sees it");
    close(again);
    CHECK(shm_unlink(name) == 0, "shm_unlink");
    errno = 0;
    CHECK(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT, "after shm_unlink shm_open is ENOENT");
    CHECK(shared[0] == 42, "the mapping outlives the name");
    munmap(shared, pg);
    close(sfd);
    sfd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(sfd >= 0 && ftruncate(sfd, 2 * pg) == 0 && pwrite(sfd, "kept", 4, pg) == 4, "a second object of two pages");
    char *late = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
    CHECK(late != MAP_FAILED && shm_unlink(name) == 0 && close(sfd) == 0, "mapped, then unlinked and closed before any access");
    CHECK(memcmp(late + pg, "kept", 4) == 0 && late[0] == 0, "the mapping still reads the unlinked object's bytes");
    munmap(late, 2 * pg);

    snprintf(name, sizeof name, "/kapsel-sem-%d", getpid());
    sem_t *named = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
    CHECK(named != SEM_FAILED, "sem_open(O_CREAT) of a named semaphore");
    CHECK(sem_trywait(named) == 0 && sem_trywait(named) == -1 && errno == EAGAIN, "its count is shared state: one, then EAGAIN");
    CHECK(sem_post(named) == 0 && sem_close(named) == 0 && sem_unlink(name) == 0, "sem_post, sem_close, sem_unlink");
    return done();
}
