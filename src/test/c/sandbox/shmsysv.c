/* System V shared memory (shmget(2), shmop(2), shmctl(2)): keys, IPC_PRIVATE, IPC_CREAT|IPC_EXCL,
 * sizes, IPC_STAT, sharing across fork, IPC_RMID with the segment kept until the last detach.
 * Same output natively (as root) and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

int main(void) {
    key_t key = 0x4b500000 + (getpid() & 0xffff);
    int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0, "shmget(IPC_CREAT|IPC_EXCL) makes a segment");
    errno = 0;
    CHECK(shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST, "again with IPC_EXCL is EEXIST");
    CHECK(shmget(key, 5000, 0600) == id, "the key finds it, for a smaller size too");
    errno = 0;
    CHECK(shmget(key, 20000, 0600) == -1 && errno == EINVAL, "asking more than its size is EINVAL");
    errno = 0;
    CHECK(shmget(key + 0x8000, 4096, 0600) == -1 && errno == ENOENT, "an unknown key without IPC_CREAT is ENOENT");
    errno = 0;
    CHECK(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600) == -1 && errno == EINVAL, "size 0 is EINVAL");
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 0 && (ds.shm_perm.mode & 0777) == 0600
          && ds.shm_perm.__key == key && ds.shm_cpid == getpid(), "IPC_STAT: size, no attaches, mode, key, creator");
    char *a = shmat(id, NULL, 0);
    CHECK(a != (void *) -1 && ((uintptr_t) a & 4095) == 0 && a[0] == 0 && a[9999] == 0, "shmat maps zeros at a page boundary");
    strcpy(a, "first attach");
    char *b = shmat(id, NULL, SHM_RDONLY);
    CHECK(b != (void *) -1 && b != a && strcmp(b, "first attach") == 0, "a second attach sees the same bytes");
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2 && ds.shm_lpid == getpid(), "two attaches counted");
    pid_t pid = fork();
    if (pid == 0) {
        struct shmid_ds cds;
        int ok = shmctl(id, IPC_STAT, &cds) == 0 && cds.shm_nattch == 4;
        strcpy(a, "from the child");
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(b, "from the child") == 0, "fork inherits the attaches; the child's store is seen");
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2, "the child's exit detaches its copies");
    CHECK(shmdt(b) == 0, "shmdt");
    errno = 0;
    CHECK(shmdt(b) == -1 && errno == EINVAL, "shmdt of an address with no attach is EINVAL");
    CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID while attached");
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && ds.shm_nattch == 1, "the removed segment lives on, marked SHM_DEST");
    errno = 0;
    CHECK(shmget(key, 10000, 0600) == -1 && errno == ENOENT, "its key no longer finds it");
    CHECK(strcmp(a, "from the child") == 0 && shmdt(a) == 0, "its attach still works until shmdt");
    errno = 0;
    CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL, "after the last detach the segment is gone");
    int p = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    int q = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    CHECK(p >= 0 && q >= 0 && p != q, "IPC_PRIVATE makes a new segment each time");
    char *fixed = shmat(p, NULL, 0);
    shmdt(fixed);
    CHECK(shmat(p, fixed + 1, SHM_RND) == fixed, "SHM_RND rounds the address down");
    errno = 0;
    CHECK(shmat(q, fixed + 1, 0) == (void *) -1 && errno == EINVAL, "an unaligned address without SHM_RND is EINVAL");
    errno = 0;
    CHECK(shmat(q, fixed, 0) == (void *) -1 && errno == EINVAL, "attaching over a mapping without SHM_REMAP is EINVAL");
    CHECK(shmdt(fixed) == 0 && shmctl(p, IPC_RMID, NULL) == 0 && shmctl(q, IPC_RMID, NULL) == 0, "both removed");
    errno = 0;
    CHECK(shmat(p, NULL, 0) == (void *) -1 && errno == EINVAL, "shmat of a removed, unattached segment is EINVAL");
    errno = 0;
    CHECK(shmctl(0x7ffffff0, IPC_STAT, &ds) == -1 && errno == EINVAL, "IPC_STAT of an unknown id is EINVAL");
    return done();
}
