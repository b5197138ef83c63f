package dev.kapsel.sandbox;

import dev.kapsel.sys.Errno;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Futex wait queues, keyed by the guest-physical address of the futex word, so threads of one
 * process and processes sharing a page meet on the same key whatever their virtual addresses.
 * The private and shared variants are therefore the same here. Guarded by the {@link KernelLock}.
 */
final class Futexes {
    static final int MAX_WAITERS = 1 << 16;

    private static final class Waiter {
        long key;
        final int bitset;
        boolean woken;

        Waiter(long key, int bitset) {
            this.key = key;
            this.bitset = bitset;
        }
    }

    private final KernelLock lock;
    private final List<Waiter> waiters = new ArrayList<>();

    Futexes(KernelLock lock) {
        this.lock = lock;
    }

    private static long key(SandboxProcess p, long uaddr) {
        if ((uaddr & 3) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return p.space().physicalFor(uaddr, false);
    }

    /** FUTEX_WAIT(_BITSET): sleeps while the word is {@code expected}, until woken, the deadline, or a signal. */
    long await(SandboxProcess p, long uaddr, int expected, int bitset, long deadline) {
        if (bitset == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long key = key(p, uaddr);
        if (p.memory().readU32(uaddr) != expected) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        if (waiters.size() >= MAX_WAITERS) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        Waiter w = new Waiter(key, bitset);
        waiters.add(w);
        try {
            if (!lock.await(() -> w.woken, deadline)) {
                throw new ErrnoException(Errno.ETIMEDOUT);
            }
            return 0;
        } finally {
            waiters.remove(w);
        }
    }

    /** FUTEX_WAKE(_BITSET): wakes up to {@code count} waiters whose bitset meets {@code bitset}. */
    int wake(SandboxProcess p, long uaddr, int count, int bitset) {
        if (bitset == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return wakeKey(key(p, uaddr), count, bitset);
    }

    private int wakeKey(long key, int count, int bitset) {
        int woken = 0;
        for (Waiter w : waiters) {
            if (woken >= count) {
                break;
            }
            if (!w.woken && w.key == key && (w.bitset & bitset) != 0) {
                w.woken = true;
                woken++;
            }
        }
        if (woken > 0) {
            lock.wakeAll();
        }
        return woken;
    }

    /** FUTEX_(CMP_)REQUEUE: wakes {@code count}, moves up to {@code moveCount} others to {@code uaddr2}. */
    int requeue(SandboxProcess p, long uaddr, int count, int moveCount, long uaddr2, Integer expected) {
        long key = key(p, uaddr);
        long key2 = key(p, uaddr2);
        if (expected != null && p.memory().readU32(uaddr) != expected) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        int done = wakeKey(key, count, -1);
        int moved = 0;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && moved < moveCount; ) {
            Waiter w = it.next();
            if (!w.woken && w.key == key) {
                w.key = key2;
                moved++;
            }
        }
        return done + moved;
    }

    /** FUTEX_WAKE_OP: changes the word at {@code uaddr2}, wakes at {@code uaddr}, and at {@code uaddr2} if the old value compares. */
    int wakeOp(SandboxProcess p, long uaddr, int count, int count2, long uaddr2, int encoded) {
        int op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
        int oparg = (encoded << 8) >> 20, cmparg = (encoded << 20) >> 20;
        if ((encoded & (8 << 28)) != 0) {
            oparg = 1 << (oparg & 31);
        }
        int old = p.memory().readU32(uaddr2);
        int now = switch (op) {
            case 0 -> oparg;
            case 1 -> old + oparg;
            case 2 -> old | oparg;
            case 3 -> old & ~oparg;
            case 4 -> old ^ oparg;
            default -> throw new ErrnoException(Errno.ENOSYS);
        };
        p.memory().writeU32(uaddr2, now);
        int woken = wake(p, uaddr, count, -1);
        boolean hit = switch (cmp) {
            case 0 -> old == cmparg;
            case 1 -> old != cmparg;
            case 2 -> old < cmparg;
            case 3 -> old <= cmparg;
            case 4 -> old > cmparg;
            case 5 -> old >= cmparg;
            default -> throw new ErrnoException(Errno.ENOSYS);
        };
        if (hit) {
            woken += wake(p, uaddr2, count2, -1);
        }
        return woken;
    }
}
