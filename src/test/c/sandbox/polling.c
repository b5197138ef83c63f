/* Readiness and IPC: pipes with poll/select/epoll, eventfd, socketpair, O_NONBLOCK, timeouts. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static long ms_since(struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void) {
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2");
    char b[16];
    CHECK(read(p[0], b, sizeof b) == -1 && errno == EAGAIN, "empty non-blocking pipe: EAGAIN");
    struct pollfd pf[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
    CHECK(poll(pf, 2, 0) == 1 && pf[0].revents == 0 && pf[1].revents == POLLOUT, "poll: write end ready, read end not");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(poll(pf, 1, 50) == 0 && ms_since(&t0) >= 40, "poll times out");
    write(p[1], "hello", 5);
    CHECK(poll(pf, 1, -1) == 1 && (pf[0].revents & POLLIN), "poll: readable after a write");
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = {0, 0};
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs), "select sees the data");
    CHECK(read(p[0], b, sizeof b) == 5 && memcmp(b, "hello", 5) == 0, "read the data");
    close(p[1]);
    pf[0].revents = 0;
    CHECK(poll(pf, 1, 0) == 1 && (pf[0].revents & POLLHUP), "POLLHUP when the writer is gone");
    close(p[0]);

    pipe(p);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890abcdefULL};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll_ctl ADD");
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "epoll_wait: nothing yet");
    pid_t c = fork();
    if (c == 0) { usleep(20000); write(p[1], "x", 1); _exit(0); }
    int n = epoll_wait(ep, out, 4, 5000);
    CHECK(n == 1 && out[0].data.u64 == 0x1234567890abcdefULL && (out[0].events & EPOLLIN), "epoll_wait wakes on a write from another process");
    waitpid(c, NULL, 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 && errno == EEXIST, "epoll_ctl ADD twice: EEXIST");
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0 && epoll_wait(ep, out, 4, 0) == 0, "epoll_ctl DEL");
    close(ep);
    close(p[0]);
    close(p[1]);

    int efd = eventfd(0, EFD_NONBLOCK);
    uint64_t v = 3;
    write(efd, &v, 8);
    write(efd, &v, 8);
    v = 0;
    CHECK(read(efd, &v, 8) == 8 && v == 6, "eventfd adds and reads the sum");
    CHECK(read(efd, &v, 8) == -1 && errno == EAGAIN, "eventfd empty: EAGAIN");
    close(efd);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    c = fork();
    if (c == 0) {
        close(sv[0]);
        char q[8] = {0};
        read(sv[1], q, 4);
        for (int i = 0; i < 4; i++) q[i] ^= 0x20;
        write(sv[1], q, 4);
        _exit(0);
    }
    close(sv[1]);
    write(sv[0], "ping", 4);
    memset(b, 0, sizeof b);
    CHECK(read(sv[0], b, 4) == 4 && memcmp(b, "PING", 4) == 0, "socketpair carries data both ways between processes");
    CHECK(read(sv[0], b, 4) == 0, "socketpair: end of file after the peer exits");
    waitpid(c, NULL, 0);
    close(sv[0]);

    pipe(p);
    c = fork();
    if (c == 0) {
        close(p[0]);
        static char big[1 << 20];
        memset(big, 'q', sizeof big);
        _exit(write(p[1], big, sizeof big) == sizeof big ? 0 : 1);
    }
    close(p[1]);
    long total = 0;
    char chunk[8192];
    ssize_t got;
    while ((got = read(p[0], chunk, sizeof chunk)) > 0) total += got;
    int status;
    waitpid(c, &status, 0);
    CHECK(total == (1 << 20) && WEXITSTATUS(status) == 0, "1 MiB through a pipe with a blocking writer");
    close(p[0]);
    return done();
}
