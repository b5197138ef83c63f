package dev.kapsel.arch.x86;

import dev.kapsel.kvm.CpuidEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The CPU vendor, read from the 12-byte vendor string of CPUID leaf 0 (EBX, EDX, ECX). */
public enum CpuVendor {
    INTEL,
    /** AMD and Hygon (Zen-derived): same topology leaves. */
    AMD,
    OTHER;

    public static CpuVendor of(List<CpuidEntry> entries) {
        for (CpuidEntry e : entries) {
            if (e.function() == 0) {
                String id = vendorString(e);
                return switch (id) {
                    case "GenuineIntel" -> INTEL;
                    case "AuthenticAMD", "HygonGenuine" -> AMD;
                    default -> OTHER;
                };
            }
        }
        return OTHER;
    }

    public static String vendorString(CpuidEntry leaf0) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(leaf0.ebx()).putInt(leaf0.edx()).putInt(leaf0.ecx());
        return new String(b.array(), StandardCharsets.US_ASCII);
    }
}
