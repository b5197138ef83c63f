/* alarm, getitimer and setitimer with ITIMER_REAL (alarm(2), setitimer(2)): SIGALRM arrives,
 * intervals repeat, fork does not inherit the timer. Same output natively and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void) sig;
    alarms++;
}

int main(void) {
    signal(SIGALRM, on_alarm);
    CHECK(alarm(5) == 0, "alarm with none pending returns 0");
    CHECK(alarm(3) == 5, "alarm returns the seconds left of the previous one");
    struct itimerval cur;
    CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec <= 3 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0)
          && cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0, "getitimer sees the alarm as ITIMER_REAL");
    CHECK(alarm(0) == 3, "alarm(0) cancels and returns what was left");
    CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "nothing is pending after that");
    struct itimerval once = {{0, 0}, {0, 20000}}, old;
    CHECK(setitimer(ITIMER_REAL, &once, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0, "setitimer arms a one-shot timer");
    pause();
    CHECK(alarms == 1, "SIGALRM interrupts pause");
    struct itimerval every = {{0, 10000}, {0, 10000}};
    CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0, "setitimer arms a repeating timer");
    while (alarms < 4) {
        pause();
    }
    CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_usec == 10000, "the interval reads back");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct itimerval c;
        _exit(getitimer(ITIMER_REAL, &c) == 0 && c.it_value.tv_sec == 0 && c.it_value.tv_usec == 0 ? 0 : 1);
    }
    int status;
    while (waitpid(pid, &status, 0) != pid) {
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child has no timer");
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0, "a zero value disarms");
    int seen = alarms;
    usleep(50000);
    CHECK(alarms == seen, "no SIGALRM after disarming");
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    errno = 0;
    CHECK(setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL, "microseconds beyond 999999 are EINVAL");
    errno = 0;
    CHECK(setitimer(7, &once, NULL) == -1 && errno == EINVAL, "an unknown timer is EINVAL");
    return done();
}
