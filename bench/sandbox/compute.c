/* Compute-bound loop with no system calls inside the timed part: prints its own elapsed time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 400000000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t x = 88172645463325252ULL, sum = 0;
    for (long i = 0; i < n; i++) {      /* xorshift: data-dependent, not vectorisable */
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        sum += x & 0xff;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("compute %ld iterations %.4f s (checksum %llu)\n", n, s, (unsigned long long) sum);
    return 0;
}
