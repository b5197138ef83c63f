package dev.kapsel.kvm;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** The KVM system file descriptor ({@code /dev/kvm}): capabilities, supported CPUID, and VM creation. */
public final class Kvm implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";
    /** The only stable KVM API version there has ever been. */
    public static final int API_VERSION = 12;
    /** Upper bound on CPUID entries we ask KVM for (Firecracker and QEMU use the same). */
    static final int MAX_CPUID_ENTRIES = 256;

    private final FileDescriptor fd;

    private Kvm(FileDescriptor fd) {
        this.fd = fd;
    }

    public static Kvm open() {
        return open(DEVICE);
    }

    public static Kvm open(String device) {
        int fd;
        try {
            fd = Libc.open(device, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        } catch (SyscallException e) {
            String why = switch (e.errno()) {
                case Errno.ENOENT -> device + " does not exist: this host offers no KVM (load kvm_intel/kvm_amd, or enable nested virtualization)";
                case Errno.EACCES, Errno.EPERM -> "no permission to open " + device + ": run as root or join the kvm group";
                default -> "cannot open " + device + ": " + e.getMessage();
            };
            throw new KvmUnavailableException(why, e);
        }
        Kvm kvm = new Kvm(new FileDescriptor(fd));
        int version = Libc.ioctl(fd, KvmIoctls.KVM_GET_API_VERSION, 0);
        if (version != API_VERSION) {
            kvm.close();
            throw new KvmUnavailableException("KVM API version " + version + " is not " + API_VERSION, null);
        }
        return kvm;
    }

    public int fd() {
        return fd.fd();
    }

    /** KVM_CHECK_EXTENSION: 0 if the capability is absent, otherwise a capability-specific positive value. */
    public int checkExtension(int capability) {
        return Libc.ioctl(fd.fd(), KvmIoctls.KVM_CHECK_EXTENSION, capability);
    }

    public boolean hasIrqfd() {
        return checkExtension(KvmIoctls.KVM_CAP_IRQFD) > 0;
    }

    public boolean hasIoeventfd() {
        return checkExtension(KvmIoctls.KVM_CAP_IOEVENTFD) > 0;
    }

    int vcpuMmapSize() {
        return Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_VCPU_MMAP_SIZE, 0);
    }

    /** KVM_GET_SUPPORTED_CPUID: what this host's KVM can expose to a guest. */
    public List<CpuidEntry> supportedCpuid() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpuid = KvmCodec.allocateCpuid(MAX_CPUID_ENTRIES, arena);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_SUPPORTED_CPUID, cpuid);
            return KvmCodec.decodeCpuid(cpuid);
        }
    }

    /**
     * KVM_GET_MSR_INDEX_LIST: the MSRs this host's KVM saves and restores for a guest (asked once with
     * room for none, which fails with E2BIG and gives the count, then with room for all).
     */
    public List<Integer> msrIndexList() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(KvmLayouts.MSR_LIST_HEADER, 4);
            int r = Libc.ioctlRaw(fd.fd(), KvmIoctls.KVM_GET_MSR_INDEX_LIST, probe.address());
            if (r < 0 && -r != Errno.E2BIG) {
                throw new SyscallException("KVM_GET_MSR_INDEX_LIST", -r);
            }
            int n = probe.get(ValueLayout.JAVA_INT, 0);
            MemorySegment list = arena.allocate(KvmLayouts.MSR_LIST_HEADER + 4L * n, 4);
            list.set(ValueLayout.JAVA_INT, 0, n);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_MSR_INDEX_LIST, list);
            int got = list.get(ValueLayout.JAVA_INT, 0);
            List<Integer> out = new java.util.ArrayList<>(got);
            for (int i = 0; i < got; i++) {
                out.add(list.get(ValueLayout.JAVA_INT, KvmLayouts.MSR_LIST_HEADER + 4L * i));
            }
            return out;
        }
    }

    public VmFd createVm() {
        int vm = Libc.ioctl(fd.fd(), KvmIoctls.KVM_CREATE_VM, 0);
        return new VmFd(this, new FileDescriptor(vm));
    }

    @Override
    public void close() {
        fd.close();
    }
}
