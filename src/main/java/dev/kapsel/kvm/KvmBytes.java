package dev.kapsel.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Registers as the bytes of the kernel's {@code struct kvm_regs} and {@code struct kvm_sregs}, for a
 * snapshot's state file: the same layout KVM_GET/SET_REGS and _SREGS use, so a file holds what KVM gave.
 */
public final class KvmBytes {
    private KvmBytes() {}

    public static byte[] of(Regs regs) {
        try (Arena a = Arena.ofConfined()) {
            return KvmCodec.encodeRegs(regs, a).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public static Regs regs(byte[] bytes) {
        return KvmCodec.decodeRegs(segment(bytes, KvmLayouts.REGS_SIZE, "kvm_regs"));
    }

    public static byte[] of(SpecialRegisters sregs) {
        try (Arena a = Arena.ofConfined()) {
            return KvmCodec.encodeSregs(sregs, a).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public static SpecialRegisters sregs(byte[] bytes) {
        return KvmCodec.decodeSregs(segment(bytes, KvmLayouts.SREGS_SIZE, "kvm_sregs"));
    }

    private static MemorySegment segment(byte[] bytes, long size, String what) {
        if (bytes.length != size) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, not " + bytes.length);
        }
        return MemorySegment.ofArray(bytes);
    }
}
