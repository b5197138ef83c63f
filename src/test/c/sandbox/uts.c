/* uname's host and domain name and sethostname/setdomainname (uname(2), sethostname(2)).
 * argv[1] is the host name the sandbox was given. Changes the names: run it in the sandbox only. */
#define _GNU_SOURCE
#include "check.h"
#include <sys/utsname.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
    struct utsname u;
    CHECK(argc == 2 && uname(&u) == 0 && strcmp(u.nodename, argv[1]) == 0, "uname reports the configured host name");
    char name[128];
    CHECK(gethostname(name, sizeof name) == 0 && strcmp(name, argv[1]) == 0, "gethostname agrees");
    CHECK(strcmp(u.domainname, "(none)") == 0, "the domain name starts as (none)");
    CHECK(sethostname("renamed", 7) == 0 && uname(&u) == 0 && strcmp(u.nodename, "renamed") == 0, "root may sethostname");
    CHECK(setdomainname("example.org", 11) == 0 && uname(&u) == 0 && strcmp(u.domainname, "example.org") == 0, "root may setdomainname");
    char longname[65];
    memset(longname, 'a', sizeof longname);
    errno = 0;
    CHECK(sethostname(longname, 65) == -1 && errno == EINVAL, "a name of 65 bytes is EINVAL");
    CHECK(sethostname(longname, 64) == 0 && uname(&u) == 0 && strlen(u.nodename) == 64, "64 bytes fit");
    errno = 0;
    CHECK(sethostname((char *) 8, 4) == -1 && errno == EFAULT, "a bad buffer is EFAULT");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0) {
            _exit(2);
        }
        errno = 0;
        _exit(sethostname("x", 1) == -1 && errno == EPERM ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "an unprivileged sethostname is EPERM");
    CHECK(gethostname(name, sizeof name) == 0 && strlen(name) == 64, "and changes nothing");
    return done();
}
