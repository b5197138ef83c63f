package dev.kapsel.sys;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Work done inside another network namespace ({@code network_namespaces(7)}). setns(2) moves only the
 * calling thread, so each call gets a fresh platform thread that enters the namespace, runs the work
 * and ends: no thread of a pool, and none of the JVM's own, ever sees a foreign namespace. Sockets
 * and tap descriptors opened there stay bound to it after the thread is gone.
 */
public final class NetNamespace {
    /** {@code CLONE_NEWNET} (linux/sched.h): setns's check that the descriptor is a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    private NetNamespace() {}

    /** Runs {@code work} in the network namespace at {@code path} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}). */
    public static <T> T call(Path path, Callable<T> work) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("netns " + path).unstarted(() -> {
            try {
                int fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
                try {
                    Libc.setns(fd, CLONE_NEWNET);
                } finally {
                    Libc.close(fd);
                }
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }
}
