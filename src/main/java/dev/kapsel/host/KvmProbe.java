package dev.kapsel.host;

import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.kvm.RealModeVm;
import dev.kapsel.kvm.VcpuExit;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds out what KVM this host has; each {@link #probe()} times a fresh VM. A guest kernel runs in
 * guest CPL0; on a nested paravirtual KVM (module kvm_pvm) that code is emulated one instruction at
 * a time, about a thousand times slower.
 * The probe checks for the module and times a short CPL0 loop in a throw-away VM.
 */
public final class KvmProbe {
    /** Iterations of {@code dec ecx; jnz}: ~0.1 ms on hardware, ~200 ms when CPL0 is emulated. */
    static final int LOOP_ITERATIONS = 100_000;
    /** Above this the guest kernel mode is too slow to boot Linux. */
    static final long EMULATED_THRESHOLD_NANOS = 20_000_000L;

    private static final Path KVM_PVM_MODULE = Path.of("/sys/module/kvm_pvm");
    private static final Path KVM_DEVICE = Path.of("/dev/kvm");

    /** The probe's findings: kind, the timing that decided it, and the reason in words. */
    public record Result(KvmKind kind, long cpl0LoopNanos, String reason) {}

    private KvmProbe() {}

    /**
     * The kind judged from files alone, in well under a millisecond, for decisions made on every
     * container create: no usable {@code /dev/kvm} is NONE, the nested paravirtual {@code kvm_pvm}
     * module is EMULATED, anything else is taken for HARDWARE (it is not timed; {@link #probe()} is).
     */
    public static KvmKind quickKind() {
        if (!Files.isReadable(KVM_DEVICE) || !Files.isWritable(KVM_DEVICE)) {
            return KvmKind.NONE;
        }
        return Files.exists(KVM_PVM_MODULE) ? KvmKind.EMULATED : KvmKind.HARDWARE;
    }

    public static Result probe() {
        Kvm kvm;
        try {
            kvm = Kvm.open();
        } catch (KvmUnavailableException e) {
            return new Result(KvmKind.NONE, -1, e.getMessage());
        }
        try (kvm) {
            long nanos;
            try {
                nanos = timeCpl0Loop(kvm);
            } catch (RuntimeException e) {
                return new Result(KvmKind.EMULATED, -1, "a CPL0 test guest failed to run: " + e.getMessage());
            }
            if (Files.exists(KVM_PVM_MODULE)) {
                return new Result(KvmKind.EMULATED, nanos, "KVM is the nested paravirtual kvm_pvm module");
            }
            if (nanos > EMULATED_THRESHOLD_NANOS) {
                return new Result(KvmKind.EMULATED, nanos, "guest kernel-mode code runs emulated");
            }
            return new Result(KvmKind.HARDWARE, nanos, "guest kernel-mode code runs at hardware speed");
        }
    }

    /** Runs {@code mov ecx, N; l: dec ecx; jnz l; hlt} in real mode (CPL0) and returns its wall time. */
    static long timeCpl0Loop(Kvm kvm) {
        byte[] code = {
            0x66, (byte) 0xb9, (byte) (LOOP_ITERATIONS & 0xff), (byte) ((LOOP_ITERATIONS >> 8) & 0xff),
            (byte) ((LOOP_ITERATIONS >> 16) & 0xff), 0, // mov ecx, imm32
            0x66, 0x49, // dec ecx
            0x75, (byte) 0xfc, // jnz -4
            (byte) 0xf4 // hlt
        };
        try (RealModeVm guest = RealModeVm.create(kvm, 0x10000, code)) {
            long start = System.nanoTime();
            VcpuExit exit = guest.vcpu().run();
            long elapsed = System.nanoTime() - start;
            if (!(exit instanceof VcpuExit.Hlt)) {
                throw new IllegalStateException("test guest ended with " + exit);
            }
            return elapsed;
        }
    }
}
