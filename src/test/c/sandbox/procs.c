/* Processes: fork/wait, exit statuses, exec, vfork, posix_spawn, orphans reparented to PID 1, groups. */
#include "check.h"
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        return 42;
    }
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        for (;;) pause();
    }
    int status;
    pid_t c = fork();
    if (c == 0) _exit(7);
    CHECK(c > 0 && waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 7, "fork, _exit(7), waitpid");

    int fds[2];
    pipe(fds);
    c = fork();
    if (c == 0) {
        close(fds[0]);
        char msg[32];
        int n = snprintf(msg, sizeof msg, "%d %d", getpid(), getppid());
        write(fds[1], msg, n);
        _exit(0);
    }
    close(fds[1]);
    char buf[64] = {0};
    int n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    waitpid(c, NULL, 0);
    int cpid = 0, ppid = 0;
    sscanf(buf, "%d %d", &cpid, &ppid);
    CHECK(n > 0 && cpid == c && ppid == getpid(), "child sees its pid and parent pid through a pipe");

    int shared = 1;
    c = fork();
    if (c == 0) { shared = 2; _exit(shared); }
    waitpid(c, &status, 0);
    CHECK(shared == 1 && WEXITSTATUS(status) == 2, "fork copies memory: the child's write stays in the child");

    c = fork();
    if (c == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *) NULL);
        _exit(99);
    }
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "fork + exec + wait");

    c = fork();
    if (c == 0) {
        execl("/proc/self/exe", argv[0], "sleep", (char *) NULL);
        _exit(99);
    }
    usleep(20000);
    kill(c, SIGTERM);
    waitpid(c, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "kill SIGTERM: child ends by the signal");

    c = fork();
    if (c == 0) { abort(); }
    waitpid(c, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort(): SIGABRT with core");

    c = vfork();
    if (c == 0) _exit(5);
    waitpid(c, &status, 0);
    CHECK(WEXITSTATUS(status) == 5, "vfork + _exit");

    pid_t sp;
    char *args[] = {argv[0], "child", NULL};
    int r = posix_spawn(&sp, "/proc/self/exe", NULL, NULL, args, environ);
    CHECK(r == 0 && waitpid(sp, &status, 0) == sp && WEXITSTATUS(status) == 42, "posix_spawn");

    pipe(fds);
    c = fork();
    if (c == 0) {
        pid_t g = fork();
        if (g == 0) {
            close(fds[0]);
            while (getppid() != 1) usleep(1000);
            char p = (char) getppid();
            write(fds[1], &p, 1);
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    waitpid(c, NULL, 0);
    char pp = 0;
    n = read(fds[0], &pp, 1);
    close(fds[0]);
    if (getpid() == 1) {
        CHECK(n == 1 && pp == 1, "orphan is reparented to PID 1");
        while (waitpid(-1, NULL, 0) > 0) {}
    } else {
        CHECK(n == 1 && pp == 1, "orphan is reparented to PID 1 (when we are PID 1)");
    }

    CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "no children left: ECHILD");
    c = fork();
    if (c == 0) { setpgid(0, 0); _exit(getpgrp() == getpid() ? 0 : 1); }
    waitpid(c, &status, 0);
    CHECK(WEXITSTATUS(status) == 0, "setpgid makes a new process group");

    siginfo_t si;
    c = fork();
    if (c == 0) _exit(3);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, c, &si, WEXITED) == 0 && si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 3, "waitid");
    return done();
}
