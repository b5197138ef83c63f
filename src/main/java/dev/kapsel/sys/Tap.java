package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * An open Linux tap device (Documentation/networking/tuntap.rst): {@code /dev/net/tun} attached to
 * an existing interface with {@code TUNSETIFF}, Ethernet frames without the packet-information
 * prefix, each preceded by a virtio-net header of {@link #TUNSETVNETHDRSZ the size set}. Opened
 * non-blocking: {@link #read} returns -1 when no frame waits.
 */
public final class Tap implements AutoCloseable {
    /** {@code struct ifreq}: {@code char ifr_name[IFNAMSIZ]} then a union whose first member is {@code short ifr_flags}. */
    public static final long IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;
    public static final long IFREQ_FLAGS = 16;

    public static final short IFF_TAP = 0x0002;
    public static final short IFF_NO_PI = 0x1000;
    public static final short IFF_VNET_HDR = 0x4000;

    /** Kernel ioctl type 'T' (linux/if_tun.h). */
    public static final long TUNSETIFF = Ioctl.iow('T', 202, 4);
    public static final long TUNSETPERSIST = Ioctl.iow('T', 203, 4);
    public static final long TUNSETOFFLOAD = Ioctl.iow('T', 208, 4);
    public static final long TUNSETVNETHDRSZ = Ioctl.iow('T', 216, 4);

    /** TUNSETOFFLOAD flags (linux/if_tun.h): what the reader of the tap can take in read headers. */
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;

    private final FileDescriptor fd;
    private final String name;

    private Tap(FileDescriptor fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Attaches to tap interface {@code name} (created beforehand, e.g. {@code ip tuntap add dev NAME
     * mode tap}), with virtio-net headers of {@code vnetHeaderSize} bytes and no offloads yet: the kernel
     * hands over only whole frames with checksums done until {@link #setOffload} allows more.
     */
    public static Tap open(String name, int vnetHeaderSize) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("tap name must be 1.." + (IFNAMSIZ - 1) + " bytes, not '" + name + "'");
        }
        FileDescriptor fd = new FileDescriptor(Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
            ifreq.set(ValueLayout.JAVA_SHORT, IFREQ_FLAGS, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            Libc.ioctl(fd.fd(), TUNSETIFF, ifreq);
            MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_INT, vnetHeaderSize);
            Libc.ioctl(fd.fd(), TUNSETVNETHDRSZ, size);
            Libc.ioctl(fd.fd(), TUNSETOFFLOAD, 0);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
        return new Tap(fd, name);
    }

    /**
     * TUNSETOFFLOAD: the frames this file descriptor reads may use the offloads in {@code tunFlags}
     * ({@link #TUN_F_CSUM} etc.; TSO needs CSUM); 0 makes the kernel finish every frame first.
     */
    public void setOffload(int tunFlags) {
        Libc.ioctl(fd.fd(), TUNSETOFFLOAD, tunFlags);
    }

    /** {@link #setOffload}, returning false when the kernel refuses the flags (EINVAL: unknown to it). */
    public boolean trySetOffload(int tunFlags) {
        try {
            setOffload(tunFlags);
            return true;
        } catch (SyscallException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd.fd();
    }

    /**
     * Makes the interface outlive this file descriptor (or not, so it disappears when the last one
     * closes): what {@code ip tuntap add/del} do, for hosts whose {@code ip} lacks them.
     */
    public void persist(boolean persistent) {
        Libc.ioctl(fd.fd(), TUNSETPERSIST, persistent ? 1 : 0);
    }

    /** Reads one frame (with its header) into {@code buffer}; returns its length, or -1 when none waits. */
    public int read(MemorySegment buffer) {
        long n = Libc.readRaw(fd.fd(), buffer, buffer.byteSize());
        if (n >= 0) {
            return (int) n;
        }
        int errno = (int) -n;
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return -1;
        }
        throw new SyscallException("read " + name, errno);
    }

    /** Writes one frame (with its header). */
    public void write(MemorySegment frame) {
        Libc.write(fd.fd(), frame, frame.byteSize());
    }

    @Override
    public void close() {
        fd.close();
    }
}
