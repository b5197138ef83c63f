/*
 * Freed memory stays unreachable: a thread keeps reading (or writing) a page while another thread
 * unmaps it (or makes it read-only) and fills fresh memory, which in the sandbox gets the freed
 * frame first. The reader must fault, never see the new contents, and never complete an access
 * that started after munmap/mprotect returned. Same output natively and in the sandbox.
 */
#define _GNU_SOURCE
#include "check.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#define ROUNDS 8
#define FRESH_PAGES 64

static char *volatile page;
static atomic_long accesses;
static atomic_int changed;       /* munmap/mprotect has returned */
static atomic_int late_access;   /* an access that began after it returned completed */
static atomic_int stale;         /* the reader saw another mapping's bytes */
static atomic_int faulted;
static int writer_mode;
static __thread sigjmp_buf escape;

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void) sig; (void) info; (void) context;
    atomic_store(&faulted, 1);
    siglongjmp(escape, 1);
}

static void *reader(void *arg) {
    (void) arg;
    if (sigsetjmp(escape, 1)) {
        return NULL;
    }
    for (;;) {
        int after = atomic_load(&changed);
        if (writer_mode) {
            page[0] = 'W';
        } else if (page[100] == 'B') {
            atomic_store(&stale, 1);
        }
        if (after) {
            atomic_store(&late_access, 1);
        }
        atomic_fetch_add(&accesses, 1);
    }
}

static int round_trip(int writing) {
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        return 0;
    }
    memset(page, 'A', 4096);
    writer_mode = writing;
    atomic_store(&accesses, 0);
    atomic_store(&changed, 0);
    atomic_store(&faulted, 0);
    pthread_t t;
    if (pthread_create(&t, NULL, reader, NULL) != 0) {
        return 0;
    }
    while (atomic_load(&accesses) < 100000) {
    }
    char *fresh = NULL;
    if (writing) {
        mprotect(page, 4096, PROT_READ);
        atomic_store(&changed, 1);
    } else {
        munmap(page, 4096);
        atomic_store(&changed, 1);
        fresh = mmap(NULL, FRESH_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(fresh, 'B', FRESH_PAGES * 4096);
    }
    pthread_join(t, NULL);
    if (fresh) {
        munmap(fresh, FRESH_PAGES * 4096);
    } else {
        munmap(page, 4096);
    }
    return atomic_load(&faulted);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    int unmapped = 0, protected = 0;
    for (int i = 0; i < ROUNDS; i++) {
        unmapped += round_trip(0);
        protected += round_trip(1);
    }
    CHECK(unmapped == ROUNDS, "a reader of a page another thread unmapped faults, every round");
    CHECK(protected == ROUNDS, "a writer to a page another thread made read-only faults, every round");
    CHECK(!atomic_load(&stale), "the reader never sees the bytes of memory mapped after the unmap");
    CHECK(!atomic_load(&late_access), "no access begun after munmap/mprotect returned completes");
    return done();
}
