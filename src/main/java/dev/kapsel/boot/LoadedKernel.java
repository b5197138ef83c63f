package dev.kapsel.boot;

import java.util.Optional;

/**
 * A kernel placed in guest memory.
 *
 * @param format       what was loaded
 * @param entry        guest-physical 64-bit entry point (RIP of the boot CPU)
 * @param loadStart    lowest guest-physical address written
 * @param loadEnd      end (exclusive) of the bytes written, including zeroed bss
 * @param reservedEnd  end (exclusive) of the memory the kernel will use while starting (for a
 *                     bzImage: where it decompresses itself, from init_size); nothing else may be
 *                     placed below this
 * @param setupHeader  the bzImage setup header, empty for a vmlinux
 */
public record LoadedKernel(
        KernelFormat format, long entry, long loadStart, long loadEnd, long reservedEnd,
        Optional<SetupHeader> setupHeader) {

    /** Highest address the initrd may occupy (inclusive), from the header or the protocol default. */
    public long initrdAddrMax() {
        return setupHeader.map(SetupHeader::initrdAddrMax).filter(v -> v != 0)
                .orElse(BootParamsLayout.DEFAULT_INITRD_ADDR_MAX);
    }

    /** Longest command line (without the terminating NUL) the kernel accepts. */
    public int cmdlineSize() {
        return setupHeader.map(SetupHeader::cmdlineSize).filter(v -> v != 0)
                .orElse(BootParamsLayout.DEFAULT_CMDLINE_SIZE);
    }
}
