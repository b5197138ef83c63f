/* Thread-local storage: __thread variables and errno live at FS; arch_prctl reports and moves the FS base. */
#include "check.h"
#include <asm/prctl.h>
#include <stdint.h>
#include <sys/syscall.h>

static __thread int counter = 5;
static __thread char big[4096];

int main(void) {
    CHECK(counter == 5, "initialised __thread variable");
    counter += 10;
    big[4095] = 7;
    CHECK(counter == 15 && big[4095] == 7 && big[0] == 0, "__thread variables are writable");
    uintptr_t fs = 0;
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs != 0, "ARCH_GET_FS");
    uintptr_t self;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    CHECK(self == fs, "the TCB points to itself at fs:0");
    CHECK((uintptr_t) &counter < fs && fs - (uintptr_t) &counter < 65536, "TLS block sits below the TCB");
    errno = 0;
    CHECK(close(-1) == -1 && errno == EBADF, "errno (a TLS variable) is set");
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_FS, (void *) 0xffff800000000000UL) == -1 && errno == EPERM,
          "ARCH_SET_FS to a kernel address gives EPERM");
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_FS, fs) == 0 && counter == 15, "ARCH_SET_FS back to the same base");
    return done();
}
