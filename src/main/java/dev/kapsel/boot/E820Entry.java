package dev.kapsel.boot;

/** One entry of the BIOS e820 memory map ({@code struct boot_e820_entry}): a range and its type. */
public record E820Entry(long address, long size, int type) {
    public static E820Entry ram(long address, long size) {
        return new E820Entry(address, size, BootParamsLayout.E820_RAM);
    }

    public static E820Entry reserved(long address, long size) {
        return new E820Entry(address, size, BootParamsLayout.E820_RESERVED);
    }

    public long end() {
        return address + size;
    }
}
