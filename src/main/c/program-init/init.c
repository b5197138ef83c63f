/*
 * PID 1 of a kapsel single-program image (kapsel build-unikernel): mounts /proc, /dev and /tmp, reads
 * the program's argv, environment and working directory from /kapsel (NUL-separated files the image
 * builder wrote), starts it under a seccomp filter that refuses creating processes (fork, vfork, a
 * clone without CLONE_THREAD: EPERM; clone3: ENOSYS, so libc falls back to clone, which the filter
 * judges), waits for it, and ends the VM: power-off when it exited 0, otherwise a line on the console
 * naming its status and a reset (kapsel's exit 80). Threads stay allowed: they are not processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILE (256 * 1024)
#define MAX_ITEMS 4096

static void end_vm(int ok)
{
    sync();
    reboot(ok ? RB_POWER_OFF : RB_AUTOBOOT);
    _exit(ok ? 0 : 1);
}

static void die(const char *what)
{
    dprintf(2, "kapsel-init: %s: %s\n", what, strerror(errno));
    end_vm(0);
}

/* Reads a NUL-separated file into a NULL-terminated vector (empty file: one NULL). */
static char **read_vector(const char *path)
{
    static char *none[] = {NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return none;
        die(path);
    }
    char *buf = malloc(MAX_FILE + 1);
    if (!buf)
        die("malloc");
    size_t len = 0;
    ssize_t n;
    while (len < MAX_FILE && (n = read(fd, buf + len, MAX_FILE - len)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = '\0';
    char **v = calloc(MAX_ITEMS + 1, sizeof *v);
    if (!v)
        die("calloc");
    size_t count = 0;
    for (size_t i = 0; i < len && count < MAX_ITEMS; count++) {
        v[count] = buf + i;
        i += strlen(buf + i) + 1;
    }
    return v;
}

static void refuse_new_processes(void)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), /* x32 numbers */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fork, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_vfork, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 3, 6),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        /* clone: allowed only with CLONE_THREAD in its flags (the low 32 bits of the first argument) */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die("no_new_privs");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        die("seccomp");
}

int main(void)
{
    mkdir("/proc", 0555);
    mkdir("/dev", 0755);
    mkdir("/tmp", 01777);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        die("mount /proc");
    if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL) != 0 && errno != EBUSY)
        die("mount /dev");
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
        die("mount /tmp");
    int console = open("/dev/console", O_RDWR);
    if (console >= 0) {
        dup2(console, 0);
        dup2(console, 1);
        dup2(console, 2);
        if (console > 2)
            close(console);
    }
    char **argv = read_vector("/kapsel/argv");
    char **envp = read_vector("/kapsel/env");
    char **cwd = read_vector("/kapsel/cwd");
    if (!argv[0]) {
        errno = EINVAL;
        die("/kapsel/argv names no program");
    }
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        if (cwd[0] && chdir(cwd[0]) != 0)
            die(cwd[0]);
        refuse_new_processes();
        execve(argv[0], argv, envp);
        die(argv[0]);
    }
    int status;
    pid_t ended;
    /* PID 1 reaps every orphan; the VM ends with the program */
    while ((ended = wait(&status)) != child) {
        if (ended < 0 && errno != EINTR)
            die("wait");
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        end_vm(1);
    if (WIFEXITED(status))
        dprintf(2, "kapsel-init: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
    else
        dprintf(2, "kapsel-init: %s was killed by signal %d\n", argv[0], WTERMSIG(status));
    end_vm(0);
    return 1;
}
