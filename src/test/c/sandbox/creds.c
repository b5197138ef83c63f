/* The set*id/get*id family and personality (credentials(7), setresuid(2), personality(2)), as root
 * dropping privileges, and a child inheriting them. Same output natively (as root) and in the sandbox. */
#define _GNU_SOURCE
#include "check.h"
#include <grp.h>
#include <sys/personality.h>
#include <sys/fsuid.h>
#include <sys/wait.h>

static void drop(void) {
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "getresuid as root is 0 0 0");
    gid_t set[2] = {10, 20}, got[4] = {0};
    CHECK(setgroups(2, set) == 0, "root may setgroups");
    CHECK(getgroups(0, NULL) == 2, "getgroups(0) counts the groups");
    CHECK(getgroups(4, got) == 2 && got[0] == 10 && got[1] == 20, "getgroups returns them");
    errno = 0;
    CHECK(getgroups(1, got) == -1 && errno == EINVAL, "getgroups with a short list is EINVAL");
    CHECK(setresgid(100, 101, 102) == 0, "root may setresgid to anything");
    CHECK(getresgid(&gr, &ge, &gs) == 0 && gr == 100 && ge == 101 && gs == 102, "getresgid reads it back");
    CHECK(getgid() == 100 && getegid() == 101, "getgid and getegid follow");
    CHECK(setresuid(1000, 1001, 0) == 0, "root may setresuid to anything");
    CHECK(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1001 && s == 0, "getresuid reads it back");
    CHECK(getuid() == 1000 && geteuid() == 1001, "getuid and geteuid follow");
    errno = 0;
    CHECK(setuid(5) == -1 && errno == EPERM, "unprivileged setuid to a foreign id is EPERM");
    errno = 0;
    CHECK(setgroups(0, NULL) == -1 && errno == EPERM, "unprivileged setgroups is EPERM");
    CHECK(setuid(1000) == 0 && geteuid() == 1000 && getuid() == 1000, "unprivileged setuid to the real id sets the effective one");
    CHECK(getresuid(&r, &e, &s) == 0 && s == 0, "and keeps the saved one");
    CHECK(seteuid(0) == 0 && geteuid() == 0, "the saved id 0 gives root back");
    CHECK(setreuid(-1, 1002) == 0 && getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1002 && s == 1002,
          "setreuid moving the effective id off the real one sets the saved id too");
    errno = 0;
    CHECK(seteuid(0) == -1 && errno == EPERM, "root is gone once no id is 0");
    CHECK(setfsuid(-1) == 1002, "setfsuid(-1) reports the fs uid, which follows the effective one");
    errno = 0;
    CHECK(setresuid(7, -1, -1) == -1 && errno == EPERM, "unprivileged setresuid to a foreign id is EPERM");
    CHECK(setresuid(-1, 1000, -1) == 0 && geteuid() == 1000, "unprivileged setresuid among its own ids works");
    errno = 0;
    CHECK(setuid(-1) == -1 && errno == EINVAL, "setuid(-1) is EINVAL");
}

int main(void) {
    int old = personality(0xffffffff);
    CHECK(old == PER_LINUX, "the persona is PER_LINUX");
    CHECK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == PER_LINUX, "personality returns the previous persona");
    CHECK(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE), "and keeps the new one");
    personality(old);
    drop();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        uid_t r, e, s;
        gid_t g[4];
        _exit(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1000 && s == 1002 && getgroups(4, g) == 2 ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "a child inherits the ids and groups");
    return done();
}
