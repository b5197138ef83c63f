/* Threads: pthread_create/join, mutexes, condition variables, TLS, timed waits, thread exit values. */
#include "check.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static __thread long mine;
static int queue[16], head, tail, produced, consumed;

static void *adder(void *arg) {
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        mine++;
    }
    return (void *) (intptr_t) (mine == ROUNDS ? syscall(SYS_gettid) : -1);
}

static void *producer(void *arg) {
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&lock);
        while (tail - head == 16) pthread_cond_wait(&cond, &lock);
        queue[tail++ % 16] = i;
        produced += i;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&lock);
        while (tail == head) pthread_cond_wait(&cond, &lock);
        consumed += queue[head++ % 16];
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_t t[THREADS];
    int ok = 1;
    for (int i = 0; i < THREADS; i++) ok &= pthread_create(&t[i], NULL, adder, NULL) == 0;
    CHECK(ok, "pthread_create x4");
    long tids[THREADS];
    ok = 1;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        ok &= pthread_join(t[i], &r) == 0;
        tids[i] = (long) (intptr_t) r;
    }
    CHECK(ok, "pthread_join x4");
    CHECK(counter == THREADS * ROUNDS, "mutex protects the shared counter");
    CHECK(mine == 0, "TLS variable is per thread");
    int distinct = 1;
    for (int i = 0; i < THREADS; i++) {
        if (tids[i] <= 0 || tids[i] == getpid()) distinct = 0;
        for (int j = 0; j < i; j++) if (tids[i] == tids[j]) distinct = 0;
    }
    CHECK(distinct, "threads have their own thread ids");

    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    CHECK(produced == 500500 && consumed == 500500, "condition variable producer/consumer");

    struct timespec ts, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&lock);
    int r = pthread_cond_timedwait(&cond, &lock, &ts);
    pthread_mutex_unlock(&lock);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(r == ETIMEDOUT && ms >= 40 && ms < 2000, "pthread_cond_timedwait times out");

    pthread_mutex_t m2;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m2, &a);
    pthread_mutex_lock(&m2);
    CHECK(pthread_mutex_lock(&m2) == EDEADLK, "error-checking mutex reports EDEADLK");
    pthread_mutex_unlock(&m2);
    return done();
}
