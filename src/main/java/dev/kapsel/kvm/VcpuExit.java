package dev.kapsel.kvm;

/**
 * Why KVM_RUN returned, read straight from the {@code kvm_run} page. A closed set: the vCPU loop
 * handles each case explicitly, so a new exit reason cannot be ignored by accident.
 */
public sealed interface VcpuExit {
    /** {@code in} from a port: the loop answers with {@link VcpuFd#completeIoIn(byte[])}. */
    record IoIn(int port, int size, int count) implements VcpuExit {}

    /** {@code out} to a port; {@code data} holds {@code count} items of {@code size} bytes. */
    record IoOut(int port, int size, int count, byte[] data) implements VcpuExit {}

    /** A load from an address no memory slot covers: the loop answers with {@link VcpuFd#completeMmioRead(byte[])}. */
    record MmioRead(long address, int length) implements VcpuExit {}

    record MmioWrite(long address, byte[] data) implements VcpuExit {}

    /** The guest executed HLT and no in-kernel interrupt controller handled it. */
    record Hlt() implements VcpuExit {}

    /** Triple fault or similar: the CPU would reset. */
    record Shutdown() implements VcpuExit {}

    /** KVM could not enter the guest (invalid guest state). */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {}

    /** KVM failed internally; suberror 1 is an instruction it could not emulate. */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        public static final int EMULATION = 1;

        public String describe() {
            StringBuilder b = new StringBuilder(switch (suberror) {
                case EMULATION -> "instruction emulation failed";
                case 2 -> "simultaneous exceptions";
                case 3 -> "delivery event failed";
                default -> "internal error " + suberror;
            });
            for (long d : data) {
                b.append(String.format(" 0x%x", d));
            }
            return b.toString();
        }
    }

    /** A platform event: shutdown (1), reset (2), crash (3). */
    record SystemEvent(int type, long[] data) implements VcpuExit {
        public static final int SHUTDOWN = 1;
        public static final int RESET = 2;
        public static final int CRASH = 3;
    }

    /** KVM_RUN was interrupted by a signal (EINTR) or asked to exit immediately. */
    record Interrupted() implements VcpuExit {}

    /** Any other exit reason, with the raw numbers for the error message. */
    record Other(int reason, long hardwareReason) implements VcpuExit {}
}
