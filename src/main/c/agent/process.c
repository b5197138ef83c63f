/*
 * Spawning one container process: its stdio (pipes, or a pseudo-terminal from <root>/dev/ptmx),
 * session, rlimits, root and working directory, groups and user, environment, and exec. A failure
 * in the child before exec travels back over a close-on-exec pipe, so the host gets a precise
 * SPAWN_FAILED instead of a mysterious exit status 127.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

extern char **environ;

enum stage { S_SESSION = 1, S_TERMINAL, S_STDIO, S_RLIMIT, S_ROOT, S_CWD, S_GROUPS, S_GID, S_UID, S_EXEC };

static const char *stage_name(int stage)
{
    switch (stage) {
    case S_SESSION: return "setsid";
    case S_TERMINAL: return "make the terminal the controlling terminal";
    case S_STDIO: return "set up stdin/stdout/stderr";
    case S_RLIMIT: return "setrlimit";
    case S_ROOT: return "chroot";
    case S_CWD: return "change to the working directory";
    case S_GROUPS: return "setgroups";
    case S_GID: return "setgid";
    case S_UID: return "setuid";
    case S_EXEC: return "exec";
    default: return "start";
    }
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void close_if(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

struct child_report {
    int stage;
    int err;
};

static __attribute__((noreturn)) void child_fail(int report_fd, int stage)
{
    struct child_report r = { stage, errno };
    ssize_t w = write(report_fd, &r, sizeof r);
    (void)w;
    _exit(127);
}

static void child_setup_dup(int from, int to, int report_fd)
{
    if (from == to) {
        int fl = fcntl(from, F_GETFD);
        if (fl < 0 || fcntl(from, F_SETFD, fl & ~FD_CLOEXEC) < 0)
            child_fail(report_fd, S_STDIO);
    } else if (dup2(from, to) < 0) {
        child_fail(report_fd, S_STDIO);
    }
}

/* In the child: everything between fork and exec. Only async-signal-safe work plus execvp. */
static __attribute__((noreturn)) void child(const struct spec *s, const char *root, int in, int out, int err,
                                            int terminal, int report_fd)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);

    if (setsid() < 0)
        child_fail(report_fd, S_SESSION);
    if (terminal && ioctl(out, TIOCSCTTY, 0) < 0)
        child_fail(report_fd, S_TERMINAL);
    /* move the fds out of the way of 0..2 first so dup2 cannot clobber one with another */
    int fds[3] = { in, out, err };
    for (int i = 0; i < 3; i++) {
        if (fds[i] <= 2) {
            int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (moved < 0)
                child_fail(report_fd, S_STDIO);
            fds[i] = moved;
        }
    }
    for (int i = 0; i < 3; i++)
        child_setup_dup(fds[i], i, report_fd);

    for (uint32_t i = 0; i < s->nrlimits; i++) {
        struct rlimit rl = {
            .rlim_cur = s->rlimits[i].soft == UINT64_MAX ? RLIM_INFINITY : s->rlimits[i].soft,
            .rlim_max = s->rlimits[i].hard == UINT64_MAX ? RLIM_INFINITY : s->rlimits[i].hard,
        };
        if (setrlimit((int)s->rlimits[i].resource, &rl) < 0)
            child_fail(report_fd, S_RLIMIT);
    }
    if (strcmp(root, "/") != 0 && chroot(root) < 0)
        child_fail(report_fd, S_ROOT);
    if (chdir(s->cwd[0] ? s->cwd : "/") < 0)
        child_fail(report_fd, S_CWD);

    int privileged = getuid() == 0;
    if (privileged || s->ngroups > 0) {
        if (setgroups(s->ngroups, s->groups) < 0)
            child_fail(report_fd, S_GROUPS);
    }
    if (privileged || s->gid != getgid()) {
        if (setgid(s->gid) < 0)
            child_fail(report_fd, S_GID);
    }
    if (privileged || s->uid != getuid()) {
        if (setuid(s->uid) < 0)
            child_fail(report_fd, S_UID);
    }

    environ = s->env;
    execvp(s->argv[0], s->argv);
    child_fail(report_fd, S_EXEC);
}

static int open_terminal(const char *root, const struct spec *s, int *master, int *slave, char *msg, size_t cap)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/dev/ptmx", strcmp(root, "/") ? root : "");
    *master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*master < 0) {
        snprintf(msg, cap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (grantpt(*master) < 0 || unlockpt(*master) < 0) {
        snprintf(msg, cap, "cannot unlock the pseudo-terminal: %s", strerror(errno));
        return -1;
    }
    *slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*slave < 0) {
        const char *name = ptsname(*master);
        *slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    }
    if (*slave < 0) {
        snprintf(msg, cap, "cannot open the pseudo-terminal's slave side: %s", strerror(errno));
        return -1;
    }
    struct winsize ws = { .ws_row = s->rows, .ws_col = s->cols };
    if (ioctl(*master, TIOCSWINSZ, &ws) < 0) {
        snprintf(msg, cap, "cannot set the terminal size: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int process_spawn(struct process *p, const struct spec *s, const char *root, char *msg, size_t cap)
{
    int terminal = (s->flags & SPEC_FLAG_TERMINAL) != 0;
    int want_stdin = (s->flags & SPEC_FLAG_STDIN) != 0;
    int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, report[2] = { -1, -1 };
    int master = -1, slave = -1, devnull = -1;
    int child_in, child_out, child_err;

    if (pipe2(report, O_CLOEXEC) < 0)
        goto sys_fail;
    if (terminal) {
        if (open_terminal(root, s, &master, &slave, msg, cap) < 0)
            goto fail;
        child_in = child_out = child_err = slave;
    } else {
        if (want_stdin) {
            if (pipe2(in_pipe, O_CLOEXEC) < 0)
                goto sys_fail;
            child_in = in_pipe[0];
        } else {
            devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (devnull < 0)
                goto sys_fail;
            child_in = devnull;
        }
        if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)
            goto sys_fail;
        child_out = out_pipe[1];
        child_err = err_pipe[1];
    }

    pid_t pid = fork();
    if (pid < 0)
        goto sys_fail;
    if (pid == 0)
        child(s, root, child_in, child_out, child_err, terminal, report[1]);

    close_if(&report[1]);
    close_if(&slave);
    close_if(&devnull);
    close_if(&in_pipe[0]);
    close_if(&out_pipe[1]);
    close_if(&err_pipe[1]);

    struct child_report r;
    ssize_t n;
    do
        n = read(report[0], &r, sizeof r);
    while (n < 0 && errno == EINTR);
    close_if(&report[0]);
    if (n == (ssize_t)sizeof r) {
        waitpid(pid, NULL, 0);
        if (r.stage == S_EXEC)
            snprintf(msg, cap, "cannot run '%.200s': %s", s->argv[0], strerror(r.err));
        else
            snprintf(msg, cap, "cannot start '%.200s': %s failed: %s", s->argv[0], stage_name(r.stage),
                     strerror(r.err));
        close_if(&master);
        close_if(&in_pipe[1]);
        close_if(&out_pipe[0]);
        close_if(&err_pipe[0]);
        return E_SPAWN_FAILED;
    }

    p->pid = pid;
    p->terminal = terminal;
    if (terminal) {
        p->stdout_fd = master;
        p->stderr_fd = -1;
        p->stdin_fd = want_stdin ? fcntl(master, F_DUPFD_CLOEXEC, 3) : -1;
    } else {
        p->stdin_fd = in_pipe[1];
        p->stdout_fd = out_pipe[0];
        p->stderr_fd = err_pipe[0];
    }
    if (p->stdin_fd >= 0)
        set_nonblock(p->stdin_fd);
    set_nonblock(p->stdout_fd);
    if (p->stderr_fd >= 0)
        set_nonblock(p->stderr_fd);
    return 0;

sys_fail:
    snprintf(msg, cap, "cannot start '%.200s': %s", s->argv[0], strerror(errno));
fail:
    close_if(&report[0]);
    close_if(&report[1]);
    close_if(&master);
    close_if(&slave);
    close_if(&devnull);
    for (int i = 0; i < 2; i++) {
        close_if(&in_pipe[i]);
        close_if(&out_pipe[i]);
        close_if(&err_pipe[i]);
    }
    return E_INTERNAL;
}

int process_resize(struct process *p, uint16_t rows, uint16_t cols)
{
    struct winsize ws = { .ws_row = rows, .ws_col = cols };
    return ioctl(p->stdout_fd, TIOCSWINSZ, &ws);
}
