/* Signals: handlers with siginfo, masks and pending, fault signals, sigaltstack, SIGCHLD, SIGPIPE, EINTR and SA_RESTART. */
#include "check.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

static volatile int got, gotcode, gotpid;
static volatile uintptr_t handler_sp;
static sigjmp_buf env;

static void on_usr1(int sig, siginfo_t *si, void *uc) { got = sig; gotpid = si->si_pid; gotcode = si->si_code; }
static void on_fault(int sig, siginfo_t *si, void *uc) { got = sig; siglongjmp(env, 1); }
static void on_alt(int sig) { int x; handler_sp = (uintptr_t) &x; got = sig; }
static void on_chld(int sig) { got = sig; }
static void nothing(int sig) { got = sig; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    got = 0;
    raise(SIGUSR1);
    CHECK(got == SIGUSR1 && gotcode == SI_TKILL, "raise runs the SA_SIGINFO handler");
    got = 0;
    kill(getpid(), SIGUSR1);
    CHECK(got == SIGUSR1 && gotpid == getpid() && gotcode == SI_USER, "kill: si_pid is the sender");

    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    got = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    CHECK(got == 0 && sigismember(&pend, SIGUSR1), "a blocked signal stays pending");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK(got == SIGUSR1, "unblocking delivers it");

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    got = 0;
    if (sigsetjmp(env, 1) == 0) {
        *(volatile int *) 16 = 1;
    }
    CHECK(got == SIGSEGV, "SIGSEGV handler runs for a bad write and siglongjmp recovers");
    sigaction(SIGFPE, &sa, NULL);
    got = 0;
    if (sigsetjmp(env, 1) == 0) {
        volatile int z = 0;
        volatile int x = 1;
        x = x / z;
    }
    CHECK(got == SIGFPE, "SIGFPE from division by zero");

    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    CHECK(handler_sp >= (uintptr_t) alt && handler_sp < (uintptr_t) alt + sizeof alt, "SA_ONSTACK handler runs on the alternate stack");

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    got = 0;
    pid_t c = fork();
    if (c == 0) _exit(0);
    while (got == 0) usleep(1000);
    waitpid(c, NULL, 0);
    CHECK(got == SIGCHLD, "SIGCHLD when a child ends");
    signal(SIGCHLD, SIG_DFL);

    int fds[2];
    pipe(fds);
    c = fork();
    if (c == 0) {
        close(fds[0]);
        write(fds[1], "x", 1);
        _exit(0);
    }
    int status;
    close(fds[0]);
    close(fds[1]);
    waitpid(c, &status, 0);
    pipe(fds);
    close(fds[0]);
    c = fork();
    if (c == 0) { write(fds[1], "x", 1); _exit(0); }
    waitpid(c, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "write to a pipe without reader: SIGPIPE kills");
    signal(SIGPIPE, SIG_IGN);
    CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE, "with SIGPIPE ignored: EPIPE");
    close(fds[1]);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nothing;
    sigaction(SIGUSR1, &sa, NULL);
    pipe(fds);
    c = fork();
    if (c == 0) { usleep(30000); kill(getppid(), SIGUSR1); usleep(30000); write(fds[1], "y", 1); _exit(0); }
    char b;
    got = 0;
    ssize_t n = read(fds[0], &b, 1);
    CHECK(n == -1 && errno == EINTR && got == SIGUSR1, "a handler without SA_RESTART interrupts read: EINTR");
    waitpid(c, NULL, 0);
    read(fds[0], &b, 1);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    c = fork();
    if (c == 0) { usleep(30000); kill(getppid(), SIGUSR1); usleep(30000); write(fds[1], "z", 1); _exit(0); }
    got = 0;
    n = read(fds[0], &b, 1);
    CHECK(n == 1 && b == 'z' && got == SIGUSR1, "SA_RESTART restarts the interrupted read");
    waitpid(c, NULL, 0);

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    c = fork();
    if (c == 0) { usleep(20000); kill(getppid(), SIGUSR1); _exit(0); }
    sigset_t none;
    sigemptyset(&none);
    got = 0;
    int r = sigsuspend(&none);
    CHECK(r == -1 && errno == EINTR && got == SIGUSR1, "sigsuspend waits for the signal");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1), "sigsuspend puts the mask back");
    waitpid(c, NULL, 0);
    return done();
}
