package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;

/**
 * Where the initial ramdisk goes, as boot loaders do it: at the highest page-aligned address whose
 * whole range lies below both the kernel's initrd_addr_max and the end of low RAM (the first guest
 * memory region, below the 32-bit MMIO gap), and above the memory the kernel uses.
 */
public final class InitrdPlacement {
    public static final long PAGE_SIZE = 4096;

    private InitrdPlacement() {}

    /** The guest-physical address for an initrd of {@code size} bytes ({@code name} is for messages). */
    public static long place(String name, GuestMemory memory, LoadedKernel kernel, long size)
            throws InitrdException.DoesNotFit {
        GuestRegion low = memory.regions().getFirst();
        long limit = Math.min(low.end(), Layout.MMIO_GAP_START);
        long addrMax = kernel.initrdAddrMax();
        if (addrMax < Long.MAX_VALUE) {
            limit = Math.min(limit, addrMax + 1);
        }
        long floor = Math.max(alignUp(kernel.reservedEnd()), Math.max(low.start(), Layout.HIMEM_START));
        long available = Math.max(0, limit - floor);
        if (size <= 0 || size > available) {
            throw new InitrdException.DoesNotFit(name, size, available);
        }
        long address = (limit - size) & -PAGE_SIZE;
        if (address < floor) {
            throw new InitrdException.DoesNotFit(name, size, available);
        }
        return address;
    }

    private static long alignUp(long v) {
        return (v + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
