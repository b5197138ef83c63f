/* Spins in user mode without a system call, so only a vCPU kick can stop it.
 * "thread": a second thread spins while main exits with 3 after 100 ms (exit_group kills the spinner).
 * "child": a forked child spins while PID 1 exits with 4 (the child outlives PID 1: a straggler). */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *spin(void *arg) {
    (void) arg;
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
    return 0;
}

int main(int argc, char **argv) {
    struct timespec pause = {0, 100 * 1000 * 1000};
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        if (fork() == 0) {
            spin(0);
        }
        nanosleep(&pause, 0);
        return 4;
    }
    pthread_t t;
    pthread_create(&t, 0, spin, 0);
    nanosleep(&pause, 0);
    return 3;
}
