package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The Multiboot information structure (specification 0.6.96, section 3.3) the boot loader hands the
 * kernel in EBX: mem_lower/mem_upper, the command line, the modules (the initrd, if any), the memory
 * map and the boot loader's name, each announced by its flag bit. Laid out in the boot-info page at
 * {@link Layout#BOOT_INFO}; the command line stays where {@link KernelCmdline} wrote it. The offsets are
 * checked against a C rendering of the structure by {@code BootInfoLayoutTest}.
 */
public final class MultibootInfo {
    public static final int FLAG_MEMORY = 1;
    public static final int FLAG_CMDLINE = 1 << 2;
    public static final int FLAG_MODS = 1 << 3;
    public static final int FLAG_MMAP = 1 << 6;
    public static final int FLAG_BOOT_LOADER_NAME = 1 << 9;

    // struct multiboot_info
    public static final int OFF_FLAGS = 0;
    public static final int OFF_MEM_LOWER = 4;
    public static final int OFF_MEM_UPPER = 8;
    public static final int OFF_BOOT_DEVICE = 12;
    public static final int OFF_CMDLINE = 16;
    public static final int OFF_MODS_COUNT = 20;
    public static final int OFF_MODS_ADDR = 24;
    public static final int OFF_MMAP_LENGTH = 44;
    public static final int OFF_MMAP_ADDR = 48;
    public static final int OFF_BOOT_LOADER_NAME = 64;
    public static final int SIZE = 116;
    // struct multiboot_mod_list
    public static final int MOD_OFF_START = 0;
    public static final int MOD_OFF_END = 4;
    public static final int MOD_OFF_STRING = 8;
    public static final int MOD_SIZE = 16;
    // struct multiboot_mmap_entry: size (not counting itself), base_addr, length, type (packed)
    public static final int MMAP_OFF_SIZE = 0;
    public static final int MMAP_OFF_BASE = 4;
    public static final int MMAP_OFF_LENGTH = 12;
    public static final int MMAP_OFF_TYPE = 20;
    public static final int MMAP_SIZE = 24;

    public static final long ADDRESS = Layout.BOOT_INFO;
    public static final long MODS_ADDRESS = ADDRESS + 0x80;
    public static final long MMAP_ADDRESS = ADDRESS + 0x100;
    public static final long BOOT_LOADER_NAME_ADDRESS = ADDRESS + 0xf00;
    public static final long MODULE_STRING_ADDRESS = ADDRESS + 0xf40;
    public static final int MAX_MMAP_ENTRIES = (int) ((BOOT_LOADER_NAME_ADDRESS - MMAP_ADDRESS) / MMAP_SIZE);
    public static final String BOOT_LOADER_NAME = "kapsel";
    public static final String MODULE_STRING = "initrd";

    private MultibootInfo() {}

    /** Writes the structure and what it points at; returns its address (the guest's EBX). */
    public static long writeTo(GuestMemory memory, long cmdlineAddress, Optional<Initrd> module, List<E820Entry> memmap) {
        if (memmap.size() > MAX_MMAP_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_MMAP_ENTRIES + " memory map entries fit");
        }
        memory.fill(ADDRESS, Layout.BOOT_INFO_END - ADDRESS, (byte) 0);
        int flags = FLAG_MEMORY | FLAG_CMDLINE | FLAG_MMAP | FLAG_BOOT_LOADER_NAME;
        memory.writeU32(ADDRESS + OFF_MEM_LOWER, (int) (lowerMemory(memmap) >> 10));
        memory.writeU32(ADDRESS + OFF_MEM_UPPER, (int) (upperMemory(memmap) >> 10));
        memory.writeU32(ADDRESS + OFF_CMDLINE, (int) cmdlineAddress);
        if (module.isPresent()) {
            flags |= FLAG_MODS;
            memory.writeU32(ADDRESS + OFF_MODS_COUNT, 1);
            memory.writeU32(ADDRESS + OFF_MODS_ADDR, (int) MODS_ADDRESS);
            memory.writeU32(MODS_ADDRESS + MOD_OFF_START, (int) module.get().address());
            memory.writeU32(MODS_ADDRESS + MOD_OFF_END, (int) (module.get().address() + module.get().size()));
            memory.writeU32(MODS_ADDRESS + MOD_OFF_STRING, (int) MODULE_STRING_ADDRESS);
            memory.write(MODULE_STRING_ADDRESS, cString(MODULE_STRING));
        }
        for (int i = 0; i < memmap.size(); i++) {
            long at = MMAP_ADDRESS + (long) i * MMAP_SIZE;
            memory.writeU32(at + MMAP_OFF_SIZE, MMAP_SIZE - 4);
            memory.writeU64(at + MMAP_OFF_BASE, memmap.get(i).address());
            memory.writeU64(at + MMAP_OFF_LENGTH, memmap.get(i).size());
            memory.writeU32(at + MMAP_OFF_TYPE, memmap.get(i).type());
        }
        memory.writeU32(ADDRESS + OFF_MMAP_LENGTH, memmap.size() * MMAP_SIZE);
        memory.writeU32(ADDRESS + OFF_MMAP_ADDR, (int) MMAP_ADDRESS);
        memory.write(BOOT_LOADER_NAME_ADDRESS, cString(BOOT_LOADER_NAME));
        memory.writeU32(ADDRESS + OFF_BOOT_LOADER_NAME, (int) BOOT_LOADER_NAME_ADDRESS);
        memory.writeU32(ADDRESS + OFF_FLAGS, flags);
        return ADDRESS;
    }

    /** Bytes of RAM from address 0 up to the first hole (at most 640 KiB). */
    static long lowerMemory(List<E820Entry> memmap) {
        return memmap.stream().filter(e -> e.address() == 0 && e.type() == BootParamsLayout.E820_RAM)
                .mapToLong(e -> Math.min(e.size(), 640 * 1024)).findFirst().orElse(0);
    }

    /** Bytes of RAM from 1 MiB up to the first hole. */
    static long upperMemory(List<E820Entry> memmap) {
        return memmap.stream().filter(e -> e.address() == Layout.HIMEM_START && e.type() == BootParamsLayout.E820_RAM)
                .mapToLong(E820Entry::size).findFirst().orElse(0);
    }

    private static byte[] cString(String s) {
        byte[] text = s.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[text.length + 1];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }
}
