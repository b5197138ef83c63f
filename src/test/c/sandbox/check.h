/* PASS/FAIL reporting shared by the sandbox test programs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond, name) do { \
    int ok_ = (cond); \
    int saved_errno_ = errno; \
    checks++; \
    if (ok_) { printf("PASS %s\n", name); } \
    else { failures++; printf("FAIL %s (line %d, errno %d %s)\n", name, __LINE__, saved_errno_, strerror(saved_errno_)); } \
    fflush(stdout); \
} while (0)

static int done(void) {
    printf("DONE %d checks, %d failures\n", checks, failures);
    fflush(stdout);
    return failures ? 1 : 0;
}
