/*
 * The agent's duties as PID 1 and its transports: logging to stderr (the console in the guest),
 * powering off instead of exiting on a fatal error (PID 1 exiting panics the kernel), mounting the
 * pseudo file systems the container expects, and the listening sockets (vsock or Unix).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <limits.h>
#include <linux/vm_sockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void log_msg(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dprintf(2, "kapsel-agent: %s\n", line);
}

void fatal(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dprintf(2, "kapsel-agent: error: %s\n", line);
    if (getpid() == 1) {
        dprintf(2, "kapsel-agent: powering off\n");
        sync();
        reboot(RB_POWER_OFF);
        for (;;)
            pause();
    }
    exit(1);
}

static int exists(const char *root, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s%s", strcmp(root, "/") ? root : "", rel);
    return stat(path, &st) == 0;
}

static int mount_if_missing(const char *root, const char *probe, const char *fstype, const char *target,
                            unsigned long flags, const char *options)
{
    char path[PATH_MAX];
    if (exists(root, probe))
        return 0;
    snprintf(path, sizeof path, "%s%s", strcmp(root, "/") ? root : "", target);
    mkdir(path, 0755);
    if (mount(fstype, path, fstype, flags, options) < 0) {
        log_msg("cannot mount %s on %s: %s", fstype, path, strerror(errno));
        return -1;
    }
    return 1;
}

int init_mounts(const char *root)
{
    int rc = 0;
    const unsigned long nosuid_nodev_noexec = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    rc |= mount_if_missing(root, "/proc/self", "proc", "/proc", nosuid_nodev_noexec, NULL) < 0;
    rc |= mount_if_missing(root, "/sys/kernel", "sysfs", "/sys", nosuid_nodev_noexec | MS_RDONLY, NULL) < 0;
    rc |= mount_if_missing(root, "/dev/null", "devtmpfs", "/dev", MS_NOSUID, "mode=0755") < 0;
    int devpts = mount_if_missing(root, "/dev/pts/ptmx", "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC,
                                  "newinstance,ptmxmode=0666,mode=0620,gid=5");
    rc |= devpts < 0;
    rc |= mount_if_missing(root, "/dev/shm/.", "tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "mode=1777") < 0;
    rc |= mount_if_missing(root, "/dev/mqueue/.", "mqueue", "/dev/mqueue", nosuid_nodev_noexec, NULL) < 0;
    if (devpts != 1)
        return rc ? -1 : 0;
    /* /dev/ptmx must be our devpts instance's multiplexer so that pts numbers match /dev/pts */
    char ptmx[PATH_MAX];
    snprintf(ptmx, sizeof ptmx, "%s/dev/ptmx", strcmp(root, "/") ? root : "");
    struct stat st;
    if (lstat(ptmx, &st) != 0 || !S_ISLNK(st.st_mode)) {
        unlink(ptmx);
        if (symlink("pts/ptmx", ptmx) < 0) {
            log_msg("cannot link %s to pts/ptmx: %s", ptmx, strerror(errno));
            rc = 1;
        }
    }
    return rc ? -1 : 0;
}

int listen_vsock(unsigned port)
{
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fatal("cannot create a vsock socket (is the vsock transport module loaded?): %s", strerror(errno));
    struct sockaddr_vm addr = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = port };
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        fatal("cannot bind vsock port %u: %s", port, strerror(errno));
    if (listen(fd, 8) < 0)
        fatal("cannot listen on vsock port %u: %s", port, strerror(errno));
    return fd;
}

int listen_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path)
        fatal("Unix socket path is longer than %zu bytes: %s", sizeof addr.sun_path - 1, path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fatal("cannot create a Unix socket: %s", strerror(errno));
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        fatal("cannot bind %s: %s", path, strerror(errno));
    if (listen(fd, 8) < 0)
        fatal("cannot listen on %s: %s", path, strerror(errno));
    return fd;
}
