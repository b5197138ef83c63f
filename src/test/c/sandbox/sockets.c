/* AF_UNIX sockets: named stream echo with a forked client, datagrams with sender names, abstract
 * names, readiness, EINTR and restart, EPIPE, socketpair datagrams, and AF_INET refused without
 * --network host. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>

static socklen_t unix_addr(struct sockaddr_un *a, const char *path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static volatile int got_signal;
static void on_usr1(int s) { got_signal = s; }

static int waited_ok(pid_t pid) {
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void stream_echo(void) {
    struct sockaddr_un a;
    socklen_t len = unix_addr(&a, "/tmp/echo.sock");
    int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(srv >= 0, "stream socket");
    CHECK(bind(srv, (struct sockaddr *) &a, len) == 0, "bind to a path");
    struct stat st;
    CHECK(stat("/tmp/echo.sock", &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket inode");
    int again = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(again, (struct sockaddr *) &a, len) == -1 && errno == EADDRINUSE, "second bind: EADDRINUSE");
    CHECK(connect(again, (struct sockaddr *) &a, len) == -1 && errno == ECONNREFUSED, "connect before listen: ECONNREFUSED");
    close(again);
    CHECK(listen(srv, 4) == 0, "listen");
    int acc;
    CHECK(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &acc, &(socklen_t){sizeof acc}) == 0 && acc == 1, "SO_ACCEPTCONN");
    fcntl(srv, F_SETFL, O_NONBLOCK);
    CHECK(accept(srv, NULL, NULL) == -1 && errno == EAGAIN, "non-blocking accept with no client: EAGAIN");
    fcntl(srv, F_SETFL, 0);

    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, len) != 0) _exit(1);
        if (write(c, "ping", 4) != 4) _exit(2);
        char b[8] = {0};
        if (read(c, b, 4) != 4 || memcmp(b, "PING", 4) != 0) _exit(3);
        struct sockaddr_un peer;
        socklen_t pl = sizeof peer;
        if (getpeername(c, (struct sockaddr *) &peer, &pl) != 0 || strcmp(peer.sun_path, "/tmp/echo.sock") != 0) _exit(4);
        shutdown(c, SHUT_WR);
        if (read(c, b, sizeof b) != 0) _exit(5); /* the server closes after our end of file */
        _exit(0);
    }
    struct pollfd pf = {.fd = srv, .events = POLLIN};
    CHECK(poll(&pf, 1, 5000) == 1 && (pf.revents & POLLIN), "poll: listener readable when a client connects");
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    int s = accept4(srv, (struct sockaddr *) &from, &fl, SOCK_CLOEXEC);
    CHECK(s >= 0 && fl == offsetof(struct sockaddr_un, sun_path), "accept4: the client is unnamed");
    CHECK((fcntl(s, F_GETFD) & FD_CLOEXEC) != 0, "accept4 SOCK_CLOEXEC");
    struct sockaddr_un me;
    socklen_t ml = sizeof me;
    CHECK(getsockname(s, (struct sockaddr *) &me, &ml) == 0 && ml == len && strcmp(me.sun_path, "/tmp/echo.sock") == 0,
          "getsockname of the accepted socket");
    char b[8];
    CHECK(read(s, b, sizeof b) == 4 && memcmp(b, "ping", 4) == 0, "server reads ping");
    CHECK(send(s, "PING", 4, 0) == 4, "server echoes");
    CHECK(recv(s, b, sizeof b, 0) == 0, "end of file after the client's shutdown");
    close(s);
    CHECK(waited_ok(pid), "client saw the echo and end of file");
    close(srv);
    CHECK(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *) &a, len) == -1 && errno == ECONNREFUSED,
          "connect after the listener closed: ECONNREFUSED");
    CHECK(unlink("/tmp/echo.sock") == 0, "unlink the socket file");
    struct sockaddr_un missing;
    socklen_t ml2 = unix_addr(&missing, "/tmp/none.sock");
    CHECK(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *) &missing, ml2) == -1 && errno == ENOENT,
          "connect to a missing path: ENOENT");
}

static void datagrams(void) {
    struct sockaddr_un sa, ca;
    socklen_t sl = unix_addr(&sa, "/tmp/d.sock"), cl = unix_addr(&ca, "/tmp/c.sock");
    int srv = socket(AF_UNIX, SOCK_DGRAM, 0), cli = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(srv, (struct sockaddr *) &sa, sl) == 0 && bind(cli, (struct sockaddr *) &ca, cl) == 0, "bind two datagram sockets");
    pid_t pid = fork();
    if (pid == 0) {
        char b[64];
        struct sockaddr_un from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(srv, b, sizeof b, 0, (struct sockaddr *) &from, &fl);
        if (n != 5 || memcmp(b, "hello", 5) != 0 || strcmp(from.sun_path, "/tmp/c.sock") != 0) _exit(1);
        if (sendto(srv, "world!", 6, 0, (struct sockaddr *) &from, fl) != 6) _exit(2);
        _exit(0);
    }
    CHECK(sendto(cli, "hello", 5, 0, (struct sockaddr *) &sa, sl) == 5, "sendto a named datagram socket");
    char b[64];
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(cli, b, sizeof b, 0, (struct sockaddr *) &from, &fl) == 6 && memcmp(b, "world!", 6) == 0
          && strcmp(from.sun_path, "/tmp/d.sock") == 0, "reply with the server's name");
    CHECK(waited_ok(pid), "datagram server child");
    CHECK(sendto(cli, "0123456789", 10, 0, (struct sockaddr *) &sa, sl) == 10, "send 10 bytes");
    CHECK(recv(srv, b, 4, MSG_TRUNC) == 10 && memcmp(b, "0123", 4) == 0, "short buffer: cut, MSG_TRUNC gives the length");
    CHECK(connect(cli, (struct sockaddr *) &sa, sl) == 0 && send(cli, "a", 1, 0) == 1 && send(cli, "bc", 2, 0) == 2,
          "connected datagram socket sends");
    CHECK(recv(srv, b, sizeof b, 0) == 1 && recv(srv, b, sizeof b, 0) == 2, "message boundaries kept");
    CHECK(recv(srv, b, sizeof b, MSG_DONTWAIT) == -1 && errno == EAGAIN, "MSG_DONTWAIT on an empty queue: EAGAIN");
    close(srv);
    CHECK(send(cli, "x", 1, 0) == -1 && errno == ECONNREFUSED, "send to a closed peer: ECONNREFUSED");
    close(cli);
}

static void abstract_names(void) {
    struct sockaddr_un a;
    socklen_t len = abstract_addr(&a, "kapsel-test");
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(srv, (struct sockaddr *) &a, len) == 0 && listen(srv, 1) == 0, "bind and listen on an abstract name");
    struct sockaddr_un me;
    socklen_t ml = sizeof me;
    CHECK(getsockname(srv, (struct sockaddr *) &me, &ml) == 0 && ml == len && me.sun_path[0] == 0
          && memcmp(me.sun_path + 1, "kapsel-test", 11) == 0, "getsockname shows the abstract name");
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(other, (struct sockaddr *) &a, len) == -1 && errno == EADDRINUSE, "abstract name in use");
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, len) != 0) _exit(1);
        struct iovec iov[2] = {{"abc", 3}, {"defg", 4}};
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
        if (sendmsg(c, &m, 0) != 7) _exit(2);
        _exit(0);
    }
    int s = accept(srv, NULL, NULL);
    char x[3], y[8];
    struct iovec iov[2] = {{x, 3}, {y, sizeof y}};
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n = recvmsg(s, &m, MSG_WAITALL);
    CHECK(n == 7 && memcmp(x, "abc", 3) == 0 && memcmp(y, "defg", 4) == 0, "sendmsg/recvmsg with two iovecs");
    CHECK(waited_ok(pid), "abstract client");
    close(s);
    close(srv);
    CHECK(bind(other, (struct sockaddr *) &a, len) == 0, "abstract name free after close");
    close(other);
}

static void readiness_and_signals(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair stream");
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
    CHECK(epoll_wait(ep, &out, 1, 0) == 0, "epoll: nothing yet");
    write(sv[1], "z", 1);
    CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.u32 == 7, "epoll: readable");
    char b[4];
    CHECK(recv(sv[0], b, 1, MSG_PEEK) == 1 && recv(sv[0], b, 4, 0) == 1 && b[0] == 'z', "MSG_PEEK leaves the data");

    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    got_signal = 0;
    CHECK(recv(sv[0], b, 1, 0) == -1 && errno == EINTR && got_signal == SIGUSR1, "blocking recv: EINTR after a handler");
    waitpid(pid, NULL, 0);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        usleep(100000);
        write(sv[1], "r", 1);
        _exit(0);
    }
    got_signal = 0;
    CHECK(recv(sv[0], b, 1, 0) == 1 && b[0] == 'r' && got_signal == SIGUSR1, "SA_RESTART: recv restarted and got data");
    waitpid(pid, NULL, 0);

    close(sv[0]);
    signal(SIGPIPE, SIG_DFL);
    CHECK(send(sv[1], "q", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "send to a closed peer: EPIPE, no SIGPIPE with MSG_NOSIGNAL");
    close(sv[1]);

    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0 && write(dv[0], "12", 2) == 2 && write(dv[0], "345", 3) == 3
          && read(dv[1], b, 4) == 2 && read(dv[1], b, 4) == 3, "socketpair datagrams keep boundaries");
    int type;
    CHECK(getsockopt(dv[0], SOL_SOCKET, SO_TYPE, &type, &(socklen_t){sizeof type}) == 0 && type == SOCK_DGRAM, "SO_TYPE");
    int p[2];
    pipe(p);
    CHECK(getsockname(p[0], (struct sockaddr *) &(struct sockaddr_un){0}, &(socklen_t){sizeof(struct sockaddr_un)}) == -1
          && errno == ENOTSOCK, "getsockname on a pipe: ENOTSOCK");
}

int main(int argc, char **argv) {
    stream_echo();
    datagrams();
    abstract_names();
    readiness_and_signals();
    if (argc < 2 || strcmp(argv[1], "host") != 0) {
        CHECK(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT, "AF_INET without --network host: EAFNOSUPPORT");
        CHECK(socket(AF_INET6, SOCK_DGRAM, 0) == -1 && errno == EAFNOSUPPORT, "AF_INET6 without --network host: EAFNOSUPPORT");
    }
    return done();
}
