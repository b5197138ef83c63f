package dev.kapsel.sandbox;

import dev.kapsel.sys.Errno;

/**
 * A process's user and group ids as credentials(7) describes them: real, effective and saved
 * ids, the file-system ids (which follow the effective ones), and the supplementary groups. The
 * rules of setuid(2), setreuid(2), setresuid(2) and their gid twins: an effective uid of 0 may set
 * any id (CAP_SETUID/CAP_SETGID, which root holds in the sandbox); any other process may only
 * move among its own real, effective and saved ids (EPERM otherwise). Copied on fork, kept on exec.
 */
public final class Credentials {
    /** Linux's NGROUPS_MAX. */
    public static final int MAX_GROUPS = 65536;
    private int ruid, euid, suid, fsuid;
    private int rgid, egid, sgid, fsgid;
    private int[] groups = new int[0];

    Credentials copy() {
        Credentials c = new Credentials();
        c.ruid = ruid; c.euid = euid; c.suid = suid; c.fsuid = fsuid;
        c.rgid = rgid; c.egid = egid; c.sgid = sgid; c.fsgid = fsgid;
        c.groups = groups.clone();
        return c;
    }

    public int ruid() { return ruid; }
    public int euid() { return euid; }
    public int suid() { return suid; }
    public int fsuid() { return fsuid; }
    public int rgid() { return rgid; }
    public int egid() { return egid; }
    public int sgid() { return sgid; }
    public int fsgid() { return fsgid; }

    public int[] groups() {
        return groups.clone();
    }

    private boolean privileged() {
        return euid == 0;
    }

    /** -1 (as an unsigned 32-bit id; the kernel reads only the low 32 bits of the register) means "leave unchanged". */
    private static boolean keep(long id) {
        return (int) id == -1;
    }

    public void setuid(long id) {
        if (keep(id)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int uid = (int) id;
        if (privileged()) {
            ruid = euid = suid = fsuid = uid;
        } else if (uid == ruid || uid == suid) {
            euid = fsuid = uid;
        } else {
            throw new ErrnoException(Errno.EPERM);
        }
    }

    public void setgid(long id) {
        if (keep(id)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int gid = (int) id;
        if (privileged()) {
            rgid = egid = sgid = fsgid = gid;
        } else if (gid == rgid || gid == sgid) {
            egid = fsgid = gid;
        } else {
            throw new ErrnoException(Errno.EPERM);
        }
    }

    public void setresuid(long r, long e, long s) {
        if (!privileged() && (!ownUid(r) || !ownUid(e) || !ownUid(s))) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (!keep(r)) ruid = (int) r;
        if (!keep(e)) euid = (int) e;
        if (!keep(s)) suid = (int) s;
        fsuid = euid;
    }

    public void setresgid(long r, long e, long s) {
        if (!privileged() && (!ownGid(r) || !ownGid(e) || !ownGid(s))) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (!keep(r)) rgid = (int) r;
        if (!keep(e)) egid = (int) e;
        if (!keep(s)) sgid = (int) s;
        fsgid = egid;
    }

    /** setreuid(2): the saved uid follows the new effective one when the real one is set or the effective one moves off the old real one. */
    public void setreuid(long r, long e) {
        int oldReal = ruid;
        if (!privileged() && (!keep(r) && (int) r != ruid && (int) r != euid || !keep(e) && !ownUid(e))) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (!keep(r)) ruid = (int) r;
        if (!keep(e)) euid = (int) e;
        if (!keep(r) || !keep(e) && euid != oldReal) {
            suid = euid;
        }
        fsuid = euid;
    }

    public void setregid(long r, long e) {
        int oldReal = rgid;
        if (!privileged() && (!keep(r) && (int) r != rgid && (int) r != egid || !keep(e) && !ownGid(e))) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (!keep(r)) rgid = (int) r;
        if (!keep(e)) egid = (int) e;
        if (!keep(r) || !keep(e) && egid != oldReal) {
            sgid = egid;
        }
        fsgid = egid;
    }

    /** setfsuid(2): returns the previous fsuid whether or not the change was allowed (the call never fails). */
    public int setfsuid(long id) {
        int old = fsuid;
        int uid = (int) id;
        if ((int) id != -1 && (privileged() || uid == ruid || uid == euid || uid == suid || uid == fsuid)) {
            fsuid = uid;
        }
        return old;
    }

    public int setfsgid(long id) {
        int old = fsgid;
        int gid = (int) id;
        if ((int) id != -1 && (privileged() || gid == rgid || gid == egid || gid == sgid || gid == fsgid)) {
            fsgid = gid;
        }
        return old;
    }

    public void setGroups(int[] list) {
        if (!privileged()) {
            throw new ErrnoException(Errno.EPERM);
        }
        groups = list.clone();
    }

    private boolean ownUid(long id) {
        int v = (int) id;
        return keep(id) || v == ruid || v == euid || v == suid;
    }

    private boolean ownGid(long id) {
        int v = (int) id;
        return keep(id) || v == rgid || v == egid || v == sgid;
    }
}
