/* Memory: mmap/munmap/mprotect/mremap/madvise, file mappings, brk. With an argument, ends in a fault on purpose. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

static volatile char sink;

int main(int argc, char **argv) {
    long page = sysconf(_SC_PAGESIZE);
    if (argc > 1) {
        char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = 1;
        if (!strcmp(argv[1], "after-munmap")) {
            munmap(p, page);
            printf("about to touch unmapped memory\n");
            fflush(stdout);
            sink = p[0];
        } else if (!strcmp(argv[1], "write-readonly")) {
            mprotect(p, page, PROT_READ);
            printf("about to write read-only memory\n");
            fflush(stdout);
            p[0] = 2;
        } else if (!strcmp(argv[1], "exec-data")) {
            p[0] = (char) 0xc3;
            printf("about to execute data\n");
            fflush(stdout);
            ((void (*)(void)) p)();
        } else if (!strcmp(argv[1], "null")) {
            sink = *(volatile char *) 0;
        } else if (!strcmp(argv[1], "oom")) {
            for (;;) {
                char *q = malloc(1 << 20);
                if (!q) { printf("malloc failed\n"); return 3; }
                memset(q, 1, 1 << 20);
            }
        }
        printf("survived\n");
        return 0;
    }

    char *a = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED, "mmap anonymous");
    CHECK(a[0] == 0 && a[16 * page - 1] == 0, "anonymous memory is zero");
    for (long i = 0; i < 16 * page; i += page) a[i] = (char) (i / page + 1);
    CHECK(a[5 * page] == 6, "write and read back");
    CHECK(munmap(a + 4 * page, 4 * page) == 0, "munmap a hole");
    CHECK(a[3 * page] == 4 && a[8 * page] == 9, "pages beside the hole stay");
    char *b = mmap(a + 4 * page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(b == a + 4 * page && b[0] == 0, "MAP_FIXED into the hole gives fresh zero memory");
    CHECK(mprotect(a, page, PROT_READ) == 0 && a[0] == 1, "mprotect read-only still reads");
    CHECK(mprotect(a, page, PROT_READ | PROT_WRITE) == 0 && (a[0] = 42) == 42 && a[0] == 42, "mprotect back to writable");
    CHECK(mprotect(a + page, page, PROT_NONE) == 0 && mprotect(a + page, page, PROT_READ) == 0 && a[page] == 2,
          "PROT_NONE and back keeps the contents");
    char *m = mremap(a + 8 * page, 2 * page, 64 * page, MREMAP_MAYMOVE);
    CHECK(m != MAP_FAILED && m[0] == 9 && m[page] == 10 && m[63 * page] == 0, "mremap grow keeps data");
    CHECK(madvise(m, page, MADV_DONTNEED) == 0 && m[0] == 0, "MADV_DONTNEED zeroes anonymous memory");
    CHECK(mmap((void *) 0x7fffffffffff000, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
          "MAP_FIXED beyond user space fails");
    CHECK(munmap((void *) 0x10001, page) == -1 && errno == EINVAL, "munmap unaligned gives EINVAL");
    CHECK(mprotect((void *) 0x200000000, page, PROT_READ) == -1 && errno == ENOMEM, "mprotect unmapped gives ENOMEM");

    int fd = open("/tmp/mapped", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char text[5000];
    for (int i = 0; i < 5000; i++) text[i] = 'a' + i % 26;
    CHECK(write(fd, text, 5000) == 5000, "write a file to map");
    char *f = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(f != MAP_FAILED && f[0] == 'a' && f[4999] == text[4999], "file mapping has the file content");
    CHECK(f[5000] == 0 && f[page + 2000] == 0, "past the end of file reads zero");
    f[0] = 'Z';
    char c;
    CHECK(pread(fd, &c, 1, 0) == 1 && c == 'a', "private file mapping does not write back");
    char *f2 = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, page);
    CHECK(f2 != MAP_FAILED && f2[0] == text[page], "file mapping at an offset");
    close(fd);

    char *brk0 = sbrk(0);
    CHECK(brk0 != (void *) -1, "sbrk(0)");
    CHECK(sbrk(3 * page) == brk0 && sbrk(0) == brk0 + 3 * page, "brk grows");
    brk0[0] = 1;
    brk0[3 * page - 1] = 2;
    CHECK(brk0[3 * page - 1] == 2, "heap memory is usable");
    CHECK(sbrk(-2 * page) == brk0 + 3 * page && sbrk(0) == brk0 + page, "brk shrinks");
    char *big = malloc(50 << 20);
    CHECK(big != NULL, "malloc 50 MiB (mmap)");
    big[0] = 1;
    big[(50 << 20) - 1] = 2;
    free(big);
    char *many[1000];
    int ok = 1;
    for (int i = 0; i < 1000; i++) { many[i] = malloc(100 + i); if (!many[i]) ok = 0; else memset(many[i], i, 100 + i); }
    for (int i = 0; i < 1000; i++) { if (many[i][99] != (char) i) ok = 0; free(many[i]); }
    CHECK(ok, "many small mallocs (brk heap)");
    CHECK(mmap(NULL, (size_t) 1 << 46, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED ||
          errno == ENOMEM, "huge mapping is lazy or ENOMEM");
    return done();
}
