/* TCP and UDP on the host's loopback with --network host.
 *   netecho serve PORT          listen on 127.0.0.1:PORT, echo one line upper-cased to one client
 *   netecho connect TCP UDP     connect to a host TCP listener and a host UDP echo on 127.0.0.1 */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int serve(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0, "AF_INET stream socket");
    int one = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR");
    struct sockaddr_in a = loopback(port);
    CHECK(bind(s, (struct sockaddr *) &a, sizeof a) == 0, "bind 127.0.0.1");
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    CHECK(getsockname(s, (struct sockaddr *) &me, &ml) == 0 && ntohs(me.sin_port) == port
          && me.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "getsockname after bind");
    CHECK(listen(s, 8) == 0, "listen");
    struct pollfd pf = {.fd = s, .events = POLLIN};
    CHECK(poll(&pf, 1, 20000) == 1 && (pf.revents & POLLIN), "poll: a host client is waiting");
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept(s, (struct sockaddr *) &peer, &pl);
    CHECK(c >= 0 && pl == sizeof peer && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "accept: the peer is on loopback");
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "TCP_NODELAY");
    char b[256];
    int n = 0;
    while (n < (int) sizeof b) {
        ssize_t r = recv(c, b + n, sizeof b - n, 0);
        if (r <= 0) break;
        n += r;
        if (b[n - 1] == '\n') break;
    }
    CHECK(n > 0 && b[n - 1] == '\n', "read a line from the host");
    for (int i = 0; i < n; i++) b[i] = toupper((unsigned char) b[i]);
    CHECK(send(c, b, n, 0) == n, "echo it back");
    close(c);
    close(s);
    return done();
}

static int client(int tcp, int udp) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = loopback(tcp);
    int r = connect(s, (struct sockaddr *) &a, sizeof a);
    CHECK(r == 0 || errno == EINPROGRESS, "non-blocking connect: EINPROGRESS or done");
    struct pollfd pf = {.fd = s, .events = POLLOUT};
    CHECK(poll(&pf, 1, 10000) == 1 && (pf.revents & POLLOUT), "poll: connected");
    int err = -1;
    socklen_t el = sizeof err;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0, "SO_ERROR 0");
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    CHECK(getpeername(s, (struct sockaddr *) &peer, &pl) == 0 && ntohs(peer.sin_port) == tcp, "getpeername");
    fcntl(s, F_SETFL, 0);
    const char *msg = "hello from the guest\n";
    CHECK(write(s, msg, strlen(msg)) == (ssize_t) strlen(msg), "send to the host");
    char b[256];
    int n = 0;
    while (n < (int) sizeof b) {
        ssize_t got = read(s, b + n, sizeof b - n);
        if (got <= 0) break;
        n += got;
    }
    CHECK(n == (int) strlen(msg) && memcmp(b, "HELLO FROM THE GUEST\n", n) == 0, "the host's reply, then end of file");
    close(s);

    int refused = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in none = loopback(1);
    CHECK(connect(refused, (struct sockaddr *) &none, sizeof none) == -1 && errno == ECONNREFUSED, "closed port: ECONNREFUSED");

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = loopback(udp);
    CHECK(sendto(u, "ping", 4, 0, (struct sockaddr *) &ua, sizeof ua) == 4, "UDP sendto the host");
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(u, b, sizeof b, 0, (struct sockaddr *) &from, &fl) == 4 && memcmp(b, "PING", 4) == 0
          && ntohs(from.sin_port) == udp, "UDP reply from the host's port");
    close(u);
    return done();
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "serve") == 0) return serve(atoi(argv[2]));
    if (argc == 4 && strcmp(argv[1], "connect") == 0) return client(atoi(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: netecho serve PORT | netecho connect TCP UDP\n");
    return 2;
}
