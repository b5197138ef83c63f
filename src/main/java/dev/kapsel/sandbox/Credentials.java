package dev.kapsel.sandbox;

import dev.kapsel.sys.Errno;

/**
 * A process's user and group ids as credentials(7) describes them: for each of uid and gid the
 * real, effective, saved and file-system ids ({@link Ids}), and the supplementary groups. The rules
 * of setuid(2), setreuid(2), setresuid(2) and their gid twins: an effective uid of 0 may set any id
 * (CAP_SETUID/CAP_SETGID, which root holds in the sandbox); any other process may only move among
 * its own real, effective and saved ids (EPERM otherwise). Copied on fork, kept on exec.
 */
public final class Credentials {
    /** Linux's NGROUPS_MAX. */
    public static final int MAX_GROUPS = 65536;
    private final Ids uid = new Ids();
    private final Ids gid = new Ids();
    private int[] groups = new int[0];

    Credentials copy() {
        Credentials c = new Credentials();
        c.uid.copyFrom(uid);
        c.gid.copyFrom(gid);
        c.groups = groups.clone();
        return c;
    }

    /** The user ids; their changes are allowed by an effective uid of 0. */
    public Ids uid() {
        return uid;
    }

    /** The group ids; their changes too are allowed by an effective uid of 0. */
    public Ids gid() {
        return gid;
    }

    public int[] groups() {
        return groups.clone();
    }

    public void setGroups(int[] list) {
        if (uid.effective != 0) {
            throw new ErrnoException(Errno.EPERM);
        }
        groups = list.clone();
    }

    /**
     * One kind of id (user or group): real, effective, saved and file-system. The set calls take
     * the 64-bit register and use its low 32 bits, as the kernel does; -1 means "leave unchanged".
     */
    public final class Ids {
        private int real, effective, saved, fs;

        private Ids() {}

        private void copyFrom(Ids other) {
            real = other.real;
            effective = other.effective;
            saved = other.saved;
            fs = other.fs;
        }

        public int real() { return real; }
        public int effective() { return effective; }
        public int saved() { return saved; }
        public int fs() { return fs; }

        private boolean privileged() {
            return uid.effective == 0;
        }

        private static boolean keep(long id) {
            return (int) id == -1;
        }

        private boolean own(long id) {
            int v = (int) id;
            return keep(id) || v == real || v == effective || v == saved;
        }

        /** setuid(2)/setgid(2). */
        public void set(long id) {
            if (keep(id)) {
                throw new ErrnoException(Errno.EINVAL);
            }
            int v = (int) id;
            if (privileged()) {
                real = effective = saved = fs = v;
            } else if (v == real || v == saved) {
                effective = fs = v;
            } else {
                throw new ErrnoException(Errno.EPERM);
            }
        }

        /** setresuid(2)/setresgid(2). */
        public void setRes(long r, long e, long s) {
            if (!privileged() && (!own(r) || !own(e) || !own(s))) {
                throw new ErrnoException(Errno.EPERM);
            }
            if (!keep(r)) real = (int) r;
            if (!keep(e)) effective = (int) e;
            if (!keep(s)) saved = (int) s;
            fs = effective;
        }

        /** setreuid(2)/setregid(2): the saved id follows the new effective one when the real one is set or the effective one moves off the old real one. */
        public void setRe(long r, long e) {
            int oldReal = real;
            if (!privileged() && (!keep(r) && (int) r != real && (int) r != effective || !own(e))) {
                throw new ErrnoException(Errno.EPERM);
            }
            if (!keep(r)) real = (int) r;
            if (!keep(e)) effective = (int) e;
            if (!keep(r) || !keep(e) && effective != oldReal) {
                saved = effective;
            }
            fs = effective;
        }

        /** setfsuid(2)/setfsgid(2): returns the previous id whether or not the change was allowed (the call never fails). */
        public int setFs(long id) {
            int old = fs;
            int v = (int) id;
            if (!keep(id) && (privileged() || own(id) || v == fs)) {
                fs = v;
            }
            return old;
        }
    }
}
