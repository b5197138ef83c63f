package dev.kapsel.vmm;

import dev.kapsel.boot.CmdlineException;
import dev.kapsel.boot.InitrdException;
import dev.kapsel.boot.KernelLoadException;
import java.nio.file.Path;

/**
 * A micro-VM could not be built. One case per cause, as Firecracker's {@code StartMicrovmError}: the
 * cause keeps the typed detail, and the message is one line for the user that names the
 * {@link VmConfig} field at fault ({@code disks[0] /x.img: cannot open the image: ...}), never a
 * command-line flag: the OCI runtime and {@code kapsel run} build a {@code VmConfig} too.
 */
public abstract sealed class VmSetupException extends Exception {
    private VmSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The kernel image could not be loaded into guest memory. */
    public static final class Kernel extends VmSetupException {
        public Kernel(Path kernel, KernelLoadException cause) {
            super("kernel " + kernel + ": " + withoutFile(cause.getMessage(), cause.file()), cause);
        }
    }

    /** The initial RAM disk could not be loaded. */
    public static final class Initrd extends VmSetupException {
        public Initrd(Path initrd, InitrdException cause) {
            super("initrd " + initrd + ": " + withoutFile(cause.getMessage(), initrd.toString()), cause);
        }
    }

    /** The kernel command line does not fit or is malformed. */
    public static final class Cmdline extends VmSetupException {
        public Cmdline(CmdlineException cause) {
            super("cmdline: " + cause.getMessage(), cause);
        }
    }

    /** Guest RAM could not be mapped or registered with KVM. */
    public static final class Memory extends VmSetupException {
        public Memory(long memoryMib, RuntimeException cause) {
            super("memory " + memoryMib + " MiB: cannot map guest RAM: " + cause.getMessage(), cause);
        }
    }

    /**
     * A device could not be attached. {@code kind} is the config field ({@code disks}, {@code nets},
     * {@code vsock}, {@code rng}), {@code index} its position in a list field (or -1 for a single one).
     */
    public static final class Device extends VmSetupException {
        private final String kind;
        private final int index;

        public Device(String kind, int index, String subject, Throwable cause) {
            super((index >= 0 ? kind + "[" + index + "]" : kind) + " " + subject + ": " + cause.getMessage(), cause);
            this.kind = kind;
            this.index = index;
        }

        public String kind() {
            return kind;
        }

        public int index() {
            return index;
        }
    }

    /** A vCPU could not be created or given its boot state. */
    public static final class Vcpu extends VmSetupException {
        private final int id;

        public Vcpu(int id, RuntimeException cause) {
            super("vcpus: vCPU " + id + " could not be set up: " + cause.getMessage(), cause);
            this.id = id;
        }

        public int id() {
            return id;
        }
    }

    /** KVM refused to create the VM or its interrupt controllers. */
    public static final class Kvm extends VmSetupException {
        public Kvm(String step, RuntimeException cause) {
            super("KVM could not " + step + ": " + cause.getMessage(), cause);
        }
    }

    /** A snapshot's saved state does not fit the VM made again from its configuration on this host. */
    public static final class Snapshot extends VmSetupException {
        public Snapshot(String detail, RuntimeException cause) {
            super("snapshot: " + detail, cause);
        }
    }

    private static String withoutFile(String message, String file) {
        return message.startsWith(file + ": ") ? message.substring(file.length() + 2) : message;
    }
}
