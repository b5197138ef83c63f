/* The smallest check: libc start-up (TLS, IRELATIVE relocations, stdio) and exit status. */
#include <stdio.h>
int main(int argc, char **argv) {
    printf("hello from the sandbox, argc=%d argv[1]=%s\n", argc, argc > 1 ? argv[1] : "-");
    return 7;
}
