/* Listens on vsock port argv[1], echoes one connection until EOF, prints the byte count. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: vsock-echo PORT\n");
        return 2;
    }
    int s = socket(AF_VSOCK, SOCK_STREAM, 0);
    struct sockaddr_vm a = {0};
    a.svm_family = AF_VSOCK;
    a.svm_cid = VMADDR_CID_ANY;
    a.svm_port = (unsigned) atoi(argv[1]);
    if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a) || listen(s, 4)) {
        perror("vsock listen");
        return 1;
    }
    printf("ECHO-LISTENING\n");
    fflush(stdout);
    int c = accept(s, 0, 0);
    if (c < 0) {
        perror("accept");
        return 1;
    }
    static char buf[65536];
    long total = 0;
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(c, buf + off, n - off);
            if (w <= 0) {
                perror("write");
                return 1;
            }
            off += w;
        }
        total += n;
    }
    printf("ECHO-DONE %ld\n", total);
    fflush(stdout);
    close(c);
    return 0;
}
