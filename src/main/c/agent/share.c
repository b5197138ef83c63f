/*
 * MOUNT (docs/agent-protocol.md): a virtio-fs tag mounted at a path inside the container's root
 * before its process starts. The target is resolved with openat2(RESOLVE_IN_ROOT) against the root,
 * so a symlink in the container's image (an absolute one included) stays inside that root, and the
 * missing directories on the way are made there. The mount goes onto the resolved directory through
 * the agent's working directory, never a path string built from the target.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_in_root(int rootfd, const char *path)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

int share_decode(const uint8_t *p, size_t len, struct share *s)
{
    struct reader r;
    memset(s, 0, sizeof *s);
    rd_init(&r, p, len);
    s->tag = rd_string(&r);
    if (r.ok)
        s->target = rd_string(&r);
    if (r.ok)
        s->flags = rd_u8(&r);
    if (!rd_done(&r)) {
        int e = r.ok ? E_MALFORMED : r.error;
        share_free(s);
        return e;
    }
    return 0;
}

void share_free(struct share *s)
{
    free(s->tag);
    free(s->target);
    s->tag = s->target = NULL;
}

int share_mount(const char *root, const struct share *s, char *msg, size_t cap)
{
    size_t n = strlen(s->target);
    if (s->target[0] != '/' || n >= 4096 || !s->tag[0] || strlen(s->tag) > 36 || (s->flags & ~SHARE_FLAGS_KNOWN)) {
        snprintf(msg, cap, "MOUNT needs a tag of 1-36 bytes, an absolute target and known flags");
        return E_INVALID_ARGUMENT;
    }
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        snprintf(msg, cap, "cannot open the root %s: %s", root, strerror(errno));
        return E_INTERNAL;
    }
    /* make each missing directory of the target, component by component, inside the root */
    char path[4096];
    size_t at = 0;
    const char *c = s->target;
    int fd = -1;
    while (*c) {
        while (*c == '/')
            c++;
        const char *end = strchr(c, '/');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (!len)
            break;
        if ((len == 2 && c[0] == '.' && c[1] == '.') || (len == 1 && c[0] == '.')) {
            snprintf(msg, cap, "MOUNT target %s has a '.' or '..' component", s->target);
            close(rootfd);
            return E_INVALID_ARGUMENT;
        }
        int parent = open_in_root(rootfd, at ? path : "/");
        if (parent < 0) {
            snprintf(msg, cap, "cannot open %.*s in the container: %s", (int)at, path, strerror(errno));
            close(rootfd);
            return E_MOUNT_FAILED;
        }
        char name[256];
        if (len >= sizeof name) {
            close(parent);
            close(rootfd);
            snprintf(msg, cap, "MOUNT target %s has a name longer than 255 bytes", s->target);
            return E_INVALID_ARGUMENT;
        }
        memcpy(name, c, len);
        name[len] = 0;
        /* mkdirat does not follow a final symlink: a link here is left for open_in_root to resolve in the root */
        if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
            snprintf(msg, cap, "cannot make %s in the container: %s", s->target, strerror(errno));
            close(parent);
            close(rootfd);
            return E_MOUNT_FAILED;
        }
        close(parent);
        path[at++] = '/';
        memcpy(path + at, c, len);
        at += len;
        path[at] = 0;
        c += len;
    }
    fd = open_in_root(rootfd, at ? path : "/");
    close(rootfd);
    if (fd < 0) {
        snprintf(msg, cap, "cannot open %s in the container: %s", s->target, strerror(errno));
        return E_MOUNT_FAILED;
    }
    unsigned long flags = (s->flags & SHARE_RO ? MS_RDONLY : 0) | (s->flags & SHARE_NOSUID ? MS_NOSUID : 0)
                          | (s->flags & SHARE_NODEV ? MS_NODEV : 0) | (s->flags & SHARE_NOEXEC ? MS_NOEXEC : 0);
    int rc = 0;
    if (fchdir(fd) < 0 || mount(s->tag, ".", "virtiofs", flags, NULL) < 0) {
        snprintf(msg, cap, "cannot mount virtio-fs %s on %s: %s", s->tag, s->target, strerror(errno));
        rc = E_MOUNT_FAILED;
    }
    close(fd);
    if (chdir("/") < 0 && !rc) {
        snprintf(msg, cap, "cannot return to /: %s", strerror(errno));
        rc = E_INTERNAL;
    }
    return rc;
}
