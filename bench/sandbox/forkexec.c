/* fork + execve("/bin/true") + waitpid, N times; prints "forkexec N runs <us> us/run". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) {
            execl("/bin/true", "true", (char *) NULL);
            _exit(127);
        }
        int status;
        if (c < 0 || waitpid(c, &status, 0) != c || status != 0) {
            fprintf(stderr, "run %ld failed\n", i);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
    printf("forkexec %ld runs %.1f us/run\n", n, us);
    return 0;
}
