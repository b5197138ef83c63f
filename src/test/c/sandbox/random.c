/* Randomness: getrandom, AT_RANDOM, and getrandom's checks on the buffer. */
#include "check.h"
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>

int main(void) {
    unsigned char a[64] = {0}, b[64] = {0}, zero[64] = {0};
    CHECK(getrandom(a, sizeof a, 0) == 64 && memcmp(a, zero, 64) != 0, "getrandom fills the buffer");
    CHECK(getrandom(b, sizeof b, GRND_NONBLOCK) == 64 && memcmp(a, b, 64) != 0, "two calls differ");
    unsigned char *r = (unsigned char *) getauxval(AT_RANDOM);
    CHECK(r != NULL && memcmp(r, zero, 16) != 0, "AT_RANDOM points to 16 random bytes");
    CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ");
    CHECK(getauxval(AT_PHNUM) > 0 && getauxval(AT_PHDR) != 0 && getauxval(AT_ENTRY) != 0, "AT_PHDR, AT_PHNUM, AT_ENTRY");
    CHECK(getauxval(AT_EXECFN) && !strcmp((char *) getauxval(AT_EXECFN), "/bin/random"), "AT_EXECFN");
    CHECK(syscall(SYS_getrandom, (void *) 8, 16, 0) == -1 && errno == EFAULT, "getrandom into an unmapped page gives EFAULT");
    CHECK(syscall(SYS_getrandom, a, (size_t) 1 << 40, 0) == -1 && errno == EFAULT, "getrandom with a huge length gives EFAULT");
    CHECK(syscall(SYS_getrandom, a, 16, 0x100) == -1 && errno == EINVAL, "getrandom with bad flags gives EINVAL");
    return done();
}
