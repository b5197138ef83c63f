package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * Xen's {@code struct hvm_start_info} (version 1, {@code public/arch-x86/hvm/start_info.h}) for a PVH
 * boot, with its module list and memory map. {@link #writeTo} lays them out in the boot-info page at
 * {@link Layout#BOOT_INFO}: the structure, then one {@code hvm_modlist_entry} for the initrd, then the
 * {@code hvm_memmap_table_entry} array; the command line stays where {@link KernelCmdline} wrote it.
 * The offsets are checked against a C rendering of the header by {@code BootInfoLayoutTest}.
 */
public final class HvmStartInfo {
    public static final int MAGIC = 0x336ec578;
    public static final int VERSION = 1;

    // struct hvm_start_info
    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 4;
    public static final int OFF_FLAGS = 8;
    public static final int OFF_NR_MODULES = 12;
    public static final int OFF_MODLIST_PADDR = 16;
    public static final int OFF_CMDLINE_PADDR = 24;
    public static final int OFF_RSDP_PADDR = 32;
    public static final int OFF_MEMMAP_PADDR = 40;
    public static final int OFF_MEMMAP_ENTRIES = 48;
    public static final int SIZE = 56;
    // struct hvm_modlist_entry
    public static final int MOD_OFF_PADDR = 0;
    public static final int MOD_OFF_SIZE = 8;
    public static final int MOD_OFF_CMDLINE_PADDR = 16;
    public static final int MOD_SIZE = 32;
    // struct hvm_memmap_table_entry
    public static final int MEMMAP_OFF_ADDR = 0;
    public static final int MEMMAP_OFF_SIZE = 8;
    public static final int MEMMAP_OFF_TYPE = 16;
    public static final int MEMMAP_SIZE = 24;

    /** Where the pieces go, all inside the boot-info page. */
    public static final long ADDRESS = Layout.BOOT_INFO;
    public static final long MODLIST_ADDRESS = ADDRESS + 0x40;
    public static final long MEMMAP_ADDRESS = ADDRESS + 0x100;
    public static final int MAX_MEMMAP_ENTRIES = (int) ((Layout.BOOT_INFO_END - MEMMAP_ADDRESS) / MEMMAP_SIZE);

    private HvmStartInfo() {}

    /**
     * Writes the structure, the module list (the initrd, if any) and the memory map; returns the
     * structure's address (the guest's EBX).
     */
    public static long writeTo(GuestMemory memory, long cmdlineAddress, Optional<Initrd> module, List<E820Entry> memmap,
                               long rsdpAddress) {
        if (memmap.size() > MAX_MEMMAP_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_MEMMAP_ENTRIES + " memory map entries fit");
        }
        ByteBuffer info = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(OFF_MAGIC, MAGIC);
        info.putInt(OFF_VERSION, VERSION);
        info.putInt(OFF_NR_MODULES, module.isPresent() ? 1 : 0);
        info.putLong(OFF_MODLIST_PADDR, module.isPresent() ? MODLIST_ADDRESS : 0);
        info.putLong(OFF_CMDLINE_PADDR, cmdlineAddress);
        info.putLong(OFF_RSDP_PADDR, rsdpAddress);
        info.putLong(OFF_MEMMAP_PADDR, MEMMAP_ADDRESS);
        info.putInt(OFF_MEMMAP_ENTRIES, memmap.size());
        memory.fill(ADDRESS, Layout.BOOT_INFO_END - ADDRESS, (byte) 0);
        memory.write(ADDRESS, info.array());
        module.ifPresent(m -> {
            memory.writeU64(MODLIST_ADDRESS + MOD_OFF_PADDR, m.address());
            memory.writeU64(MODLIST_ADDRESS + MOD_OFF_SIZE, m.size());
            memory.writeU64(MODLIST_ADDRESS + MOD_OFF_CMDLINE_PADDR, 0);
        });
        for (int i = 0; i < memmap.size(); i++) {
            long at = MEMMAP_ADDRESS + (long) i * MEMMAP_SIZE;
            memory.writeU64(at + MEMMAP_OFF_ADDR, memmap.get(i).address());
            memory.writeU64(at + MEMMAP_OFF_SIZE, memmap.get(i).size());
            memory.writeU32(at + MEMMAP_OFF_TYPE, memmap.get(i).type());
        }
        return ADDRESS;
    }
}
