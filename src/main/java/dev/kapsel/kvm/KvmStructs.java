package dev.kapsel.kvm;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The get/set pair of a KVM structure kapsel keeps as bytes (it saves and restores the state, and
 * never reads inside it): one ioctl fills a buffer of the structure's size, the other hands it back.
 */
final class KvmStructs {
    private KvmStructs() {}

    static byte[] get(int fd, long request, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(size, 8);
            Libc.ioctl(fd, request, s);
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** @throws IllegalArgumentException if {@code bytes} is not {@code size} long (a state from another host's KVM) */
    static void set(int fd, long request, byte[] bytes, long size, String what) {
        if (bytes.length != size) {
            throw new IllegalArgumentException(what + " state is " + size + " bytes on this host, not " + bytes.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(size, 8);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, size);
            Libc.ioctl(fd, request, s);
        }
    }
}
