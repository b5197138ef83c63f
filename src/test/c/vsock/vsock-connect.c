/* Connects to vsock CID argv[1] port argv[2], sends argv[3], half-closes, prints what comes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: vsock-connect CID PORT MESSAGE\n");
        return 2;
    }
    int s = socket(AF_VSOCK, SOCK_STREAM, 0);
    struct sockaddr_vm a = {0};
    a.svm_family = AF_VSOCK;
    a.svm_cid = (unsigned) atoi(argv[1]);
    a.svm_port = (unsigned) atoi(argv[2]);
    if (s < 0 || connect(s, (struct sockaddr *) &a, sizeof a)) {
        perror("vsock connect");
        return 1;
    }
    size_t len = strlen(argv[3]);
    if (write(s, argv[3], len) != (ssize_t) len) {
        perror("write");
        return 1;
    }
    shutdown(s, SHUT_WR);
    char buf[4096];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(s, buf + got, sizeof buf - 1 - got)) > 0) {
        got += n;
    }
    buf[got] = 0;
    printf("GUEST-GOT: %s\n", buf);
    close(s);
    return 0;
}
