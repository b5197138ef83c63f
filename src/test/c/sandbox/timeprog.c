/* Time: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep. */
#include "check.h"
#include <sys/time.h>
#include <time.h>

static double now(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_REALTIME, &t) == 0 && t.tv_sec > 1700000000, "CLOCK_REALTIME is the real date");
    printf("realtime %ld\n", (long) t.tv_sec);
    double m1 = now(CLOCK_MONOTONIC), m2 = now(CLOCK_MONOTONIC);
    CHECK(m2 >= m1 && m1 > 0, "CLOCK_MONOTONIC does not go back");
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec - t.tv_sec < 5 && tv.tv_sec >= t.tv_sec, "gettimeofday agrees");
    CHECK(time(NULL) >= t.tv_sec, "time");
    struct timespec req = {0, 50 * 1000 * 1000};
    double s = now(CLOCK_MONOTONIC);
    CHECK(nanosleep(&req, NULL) == 0, "nanosleep");
    double slept = now(CLOCK_MONOTONIC) - s;
    CHECK(slept >= 0.05 && slept < 2, "nanosleep slept 50 ms");
    struct timespec bad = {0, 2000000000};
    CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep with bad nanoseconds gives EINVAL");
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 20 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0 && now(CLOCK_MONOTONIC) >=
          until.tv_sec + until.tv_nsec / 1e9 - 1e-6, "clock_nanosleep TIMER_ABSTIME");
    CHECK(clock_gettime(12345, &t) == -1 && errno == EINVAL, "unknown clock gives EINVAL");
    CHECK(clock_getres(CLOCK_MONOTONIC, &t) == 0 && t.tv_sec == 0 && t.tv_nsec > 0, "clock_getres");
    return done();
}
