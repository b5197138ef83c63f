/* Calls system call 500, which the kernel-bug test defines to fail inside the Java kernel. */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void) {
    long r = syscall(500, 0x11, 0x22, 0x33);
    printf("returned %ld\n", r);
    return 0;
}
