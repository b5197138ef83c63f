/* Prints each file named on the command line, each after a line with its name. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        printf("== %s\n", argv[i]);
        fflush(stdout);
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            perror(argv[i]);
            return 1;
        }
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
            if (write(1, buf, n) != n) {
                return 1;
            }
        }
        close(fd);
    }
    return 0;
}
