/*
 * A hostile program. Without arguments it hands the kernel bad pointers and lengths and checks the
 * error codes; "escape PATH..." tries to read and list files through the given paths; any other
 * argument executes one forbidden instruction or access, which must kill it with a signal.
 */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define KERNEL_ADDRESS ((void *) 0xffffffff80001000UL)

static void forbidden(const char *what) {
    printf("trying %s\n", what);
    fflush(stdout);
    if (!strcmp(what, "hlt")) __asm__ volatile("hlt");
    else if (!strcmp(what, "cli")) __asm__ volatile("cli");
    else if (!strcmp(what, "out")) __asm__ volatile("mov $0x80, %%al; outb %%al, $0x80" ::: "al");
    else if (!strcmp(what, "in")) __asm__ volatile("inb $0x20, %%al" ::: "al");
    else if (!strcmp(what, "mov-cr3")) __asm__ volatile("xor %%eax, %%eax; mov %%rax, %%cr3" ::: "rax");
    else if (!strcmp(what, "wrmsr")) __asm__ volatile("xor %%ecx, %%ecx; wrmsr" ::: "rcx");
    else if (!strcmp(what, "lidt")) { char zero[10] = {0}; __asm__ volatile("lidt %0" :: "m"(zero)); }
    else if (!strcmp(what, "int80")) __asm__ volatile("int $0x80");
    else if (!strcmp(what, "int-vector-14")) __asm__ volatile("int $14");
    else if (!strcmp(what, "ud2")) __asm__ volatile("ud2");
    else if (!strcmp(what, "int3")) __asm__ volatile("int3");
    else if (!strcmp(what, "div0")) __asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idiv %%ecx" ::: "rax", "rcx", "rdx");
    else if (!strcmp(what, "jump-kernel")) ((void (*)(void)) 0xffffffff80003000UL)();
    else if (!strcmp(what, "read-kernel")) { volatile char c = *(volatile char *) KERNEL_ADDRESS; (void) c; }
    else if (!strcmp(what, "write-kernel")) *(volatile char *) KERNEL_ADDRESS = 0;
    else if (!strcmp(what, "noncanonical")) { volatile char c = *(volatile char *) 0x800000000000UL; (void) c; }
    else if (!strcmp(what, "syscall-then-hlt")) { syscall(SYS_getpid); __asm__ volatile("hlt"); }
    else if (!strcmp(what, "fake-syscall-entry")) {
        /* jump straight to the syscall entry with RCX pointing at an hlt: it is only a system call */
        __asm__ volatile("lea 1f(%%rip), %%rcx; mov $39, %%eax; pushq $0x202; pop %%r11;"
                         "movabs $0xffffffff80003200, %%rdx; jmp *%%rdx; 1: hlt" ::: "rax", "rcx", "rdx", "r11", "memory");
    }
    else if (!strcmp(what, "kill-self")) kill(getpid(), 15);
    else if (!strcmp(what, "abort")) abort();
    printf("survived %s\n", what);
    exit(0);
}

static void escape(int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        char buf[200];
        int fd = open(argv[i], O_RDONLY);
        if (fd >= 0) {
            int n = read(fd, buf, sizeof buf - 1);
            buf[n > 0 ? n : 0] = 0;
            for (char *p = buf; *p; p++) if (*p == '\n') *p = ' ';
            printf("READ %s: %s\n", argv[i], buf);
            close(fd);
        } else {
            printf("OPEN %s: %s\n", argv[i], strerror(errno));
        }
        DIR *d = opendir(argv[i]);
        if (d) {
            struct dirent *e;
            printf("LIST %s:", argv[i]);
            while ((e = readdir(d))) printf(" %s", e->d_name);
            printf("\n");
            closedir(d);
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "escape")) {
        escape(argc, argv);
        return 0;
    }
    if (argc > 1) {
        forbidden(argv[1]);
    }
    long page = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(edge + page, page);
    memset(edge, 'a', page);           /* a string that runs into an unmapped page */
    int fd = open("/etc/passwd", O_RDONLY);
    char buf[64];
    CHECK(write(1, (void *) 16, 10) == -1 && errno == EFAULT, "write from an unmapped address gives EFAULT");
    CHECK(write(1, KERNEL_ADDRESS, 10) == -1 && errno == EFAULT, "write from a kernel address gives EFAULT");
    CHECK(read(fd, KERNEL_ADDRESS, 10) == -1 && errno == EFAULT, "read into a kernel address gives EFAULT");
    CHECK(read(fd, ro, 10) == -1 && errno == EFAULT, "read into a read-only page gives EFAULT");
    CHECK(read(fd, buf, (size_t) 1 << 62) == -1 && errno == EFAULT, "read with a huge length gives EFAULT");
    CHECK(write(1, buf, (size_t) -1) == -1 && (errno == EFAULT || errno == EINVAL), "write with length -1 fails");
    CHECK(syscall(SYS_open, (void *) 8, O_RDONLY) == -1 && errno == EFAULT, "open with an unmapped path gives EFAULT");
    CHECK(syscall(SYS_open, edge + page - 4, O_RDONLY) == -1 && errno == EFAULT, "unterminated path at a mapping end gives EFAULT");
    char *longpath = malloc(10000);
    memset(longpath, 'x', 9999);
    longpath[0] = '/';
    longpath[9999] = 0;
    CHECK(open(longpath, O_RDONLY) == -1 && errno == ENAMETOOLONG, "a 10000-byte path gives ENAMETOOLONG");
    struct iovec iov[2] = {{buf, 8}, {KERNEL_ADDRESS, 8}};
    CHECK(readv(fd, iov, 100000) == -1 && errno == EINVAL, "readv with a huge count gives EINVAL");
    CHECK(writev(1, iov + 1, 1) == -1 && errno == EFAULT, "writev from a kernel address gives EFAULT");
    CHECK(syscall(SYS_readv, fd, (void *) 24, 1) == -1 && errno == EFAULT, "readv with an unmapped iovec gives EFAULT");
    CHECK(fstat(fd, (struct stat *) ro) == -1 && errno == EFAULT, "fstat into a read-only page gives EFAULT");
    CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *) 8) == -1 && errno == EFAULT, "clock_gettime to NULL+8 gives EFAULT");
    CHECK(syscall(SYS_getcwd, KERNEL_ADDRESS, 4096) == -1 && errno == EFAULT, "getcwd into the kernel gives EFAULT");
    CHECK(syscall(1000) == -1 && errno == ENOSYS, "unknown system call 1000 gives ENOSYS");
    CHECK(syscall(-1L) == -1 && errno == ENOSYS, "system call -1 gives ENOSYS");
    CHECK(read(1 << 30, buf, 1) == -1 && errno == EBADF, "a huge fd gives EBADF");
    CHECK(syscall(SYS_read, -5L, buf, 1) == -1 && errno == EBADF, "a negative fd gives EBADF");
    CHECK(mmap(NULL, (size_t) -4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM,
          "mmap of almost 2^64 bytes gives ENOMEM");
    CHECK(mmap(KERNEL_ADDRESS, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
          "MAP_FIXED over the kernel fails");
    CHECK(munmap(KERNEL_ADDRESS, page) == -1 && errno == EINVAL, "munmap of the kernel gives EINVAL");
    CHECK(mprotect(KERNEL_ADDRESS, page, PROT_READ | PROT_WRITE) == -1, "mprotect of the kernel fails");
    CHECK(syscall(SYS_execve, "/etc/passwd", NULL, NULL) == -1 && errno == EACCES, "execve of a non-executable gives EACCES");
    CHECK(syscall(SYS_rt_sigaction, 2, (void *) 8, NULL, 8) == -1 && errno == EFAULT, "rt_sigaction from NULL+8 gives EFAULT");
    CHECK(syscall(SYS_uname, KERNEL_ADDRESS) == -1 && errno == EFAULT, "uname into the kernel gives EFAULT");
    return done();
}
