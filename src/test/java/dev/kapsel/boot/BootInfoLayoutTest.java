package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.testing.TestKernels;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The offsets the Java writers of hvm_start_info and multiboot_info use are the ones a C compiler gives
 * the structures as the specifications define them (src/test/c/unikernel/bootinfo.h, compiled by
 * build.sh for -m32 and -m64 into layouts-32.txt and layouts-64.txt); and what they write reads back
 * through those offsets.
 */
class BootInfoLayoutTest {
    private static Map<String, Integer> layouts(int bits) throws Exception {
        Map<String, Integer> m = new HashMap<>();
        for (String line : Files.readAllLines(TestKernels.file("layouts-" + bits + ".txt"))) {
            String[] kv = line.split(" ");
            m.put(kv[0], Integer.parseInt(kv[1]));
        }
        return m;
    }

    private static Map<String, Integer> java() {
        Map<String, Integer> m = new HashMap<>();
        m.put("hvm_start_info.magic", HvmStartInfo.OFF_MAGIC);
        m.put("hvm_start_info.version", HvmStartInfo.OFF_VERSION);
        m.put("hvm_start_info.flags", HvmStartInfo.OFF_FLAGS);
        m.put("hvm_start_info.nr_modules", HvmStartInfo.OFF_NR_MODULES);
        m.put("hvm_start_info.modlist_paddr", HvmStartInfo.OFF_MODLIST_PADDR);
        m.put("hvm_start_info.cmdline_paddr", HvmStartInfo.OFF_CMDLINE_PADDR);
        m.put("hvm_start_info.rsdp_paddr", HvmStartInfo.OFF_RSDP_PADDR);
        m.put("hvm_start_info.memmap_paddr", HvmStartInfo.OFF_MEMMAP_PADDR);
        m.put("hvm_start_info.memmap_entries", HvmStartInfo.OFF_MEMMAP_ENTRIES);
        m.put("hvm_start_info.sizeof", HvmStartInfo.SIZE);
        m.put("hvm_modlist_entry.paddr", HvmStartInfo.MOD_OFF_PADDR);
        m.put("hvm_modlist_entry.size", HvmStartInfo.MOD_OFF_SIZE);
        m.put("hvm_modlist_entry.cmdline_paddr", HvmStartInfo.MOD_OFF_CMDLINE_PADDR);
        m.put("hvm_modlist_entry.sizeof", HvmStartInfo.MOD_SIZE);
        m.put("hvm_memmap_table_entry.addr", HvmStartInfo.MEMMAP_OFF_ADDR);
        m.put("hvm_memmap_table_entry.size", HvmStartInfo.MEMMAP_OFF_SIZE);
        m.put("hvm_memmap_table_entry.type", HvmStartInfo.MEMMAP_OFF_TYPE);
        m.put("hvm_memmap_table_entry.sizeof", HvmStartInfo.MEMMAP_SIZE);
        m.put("multiboot_info.flags", MultibootInfo.OFF_FLAGS);
        m.put("multiboot_info.mem_lower", MultibootInfo.OFF_MEM_LOWER);
        m.put("multiboot_info.mem_upper", MultibootInfo.OFF_MEM_UPPER);
        m.put("multiboot_info.boot_device", MultibootInfo.OFF_BOOT_DEVICE);
        m.put("multiboot_info.cmdline", MultibootInfo.OFF_CMDLINE);
        m.put("multiboot_info.mods_count", MultibootInfo.OFF_MODS_COUNT);
        m.put("multiboot_info.mods_addr", MultibootInfo.OFF_MODS_ADDR);
        m.put("multiboot_info.mmap_length", MultibootInfo.OFF_MMAP_LENGTH);
        m.put("multiboot_info.mmap_addr", MultibootInfo.OFF_MMAP_ADDR);
        m.put("multiboot_info.boot_loader_name", MultibootInfo.OFF_BOOT_LOADER_NAME);
        m.put("multiboot_info.sizeof", MultibootInfo.SIZE);
        m.put("multiboot_mod_list.mod_start", MultibootInfo.MOD_OFF_START);
        m.put("multiboot_mod_list.mod_end", MultibootInfo.MOD_OFF_END);
        m.put("multiboot_mod_list.string", MultibootInfo.MOD_OFF_STRING);
        m.put("multiboot_mod_list.sizeof", MultibootInfo.MOD_SIZE);
        m.put("multiboot_mmap_entry.size", MultibootInfo.MMAP_OFF_SIZE);
        m.put("multiboot_mmap_entry.addr", MultibootInfo.MMAP_OFF_BASE);
        m.put("multiboot_mmap_entry.len", MultibootInfo.MMAP_OFF_LENGTH);
        m.put("multiboot_mmap_entry.type", MultibootInfo.MMAP_OFF_TYPE);
        m.put("multiboot_mmap_entry.sizeof", MultibootInfo.MMAP_SIZE);
        // the header fields MultibootHeader.find reads, in its order
        m.put("multiboot_header.magic", 0);
        m.put("multiboot_header.flags", 4);
        m.put("multiboot_header.checksum", 8);
        m.put("multiboot_header.header_addr", 12);
        m.put("multiboot_header.load_addr", 16);
        m.put("multiboot_header.load_end_addr", 20);
        m.put("multiboot_header.bss_end_addr", 24);
        m.put("multiboot_header.entry_addr", 28);
        m.put("boot_e820_entry.addr", 0);
        m.put("boot_e820_entry.size", 8);
        m.put("boot_e820_entry.type", 16);
        m.put("boot_e820_entry.sizeof", BootParamsLayout.E820_ENTRY_SIZE);
        // the zero page fields the 64-bit test kernel reads, where ZeroPage writes them
        m.put("boot_params.acpi_rsdp_addr", BootParamsLayout.ACPI_RSDP_ADDR);
        m.put("boot_params.e820_entries", BootParamsLayout.E820_ENTRIES);
        m.put("boot_params.hdr.header", BootParamsLayout.HEADER);
        m.put("boot_params.hdr.ramdisk_image", BootParamsLayout.RAMDISK_IMAGE);
        m.put("boot_params.hdr.ramdisk_size", BootParamsLayout.RAMDISK_SIZE);
        m.put("boot_params.hdr.cmd_line_ptr", BootParamsLayout.CMD_LINE_PTR);
        m.put("boot_params.e820_table", BootParamsLayout.E820_TABLE);
        return m;
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64})
    void javaOffsetsAreTheCompilersForBothWordSizes(int bits) throws Exception {
        assertEquals(java(), layouts(bits));
    }

    @Test
    void hvmStartInfoReadsBackThroughTheCOffsets() throws Exception {
        Map<String, Integer> c = layouts(32);
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = GuestMemory.allocate(arena, 64 << 20);
            List<E820Entry> map = E820Map.forMemory(memory);
            long at = HvmStartInfo.writeTo(memory, Layout.CMDLINE, Optional.of(new Initrd(0x3000000, 1234)), map, 0xe0000);
            assertEquals(HvmStartInfo.MAGIC, memory.readU32(at + c.get("hvm_start_info.magic")));
            assertEquals(1, memory.readU32(at + c.get("hvm_start_info.version")));
            assertEquals(1, memory.readU32(at + c.get("hvm_start_info.nr_modules")));
            assertEquals(Layout.CMDLINE, memory.readU64(at + c.get("hvm_start_info.cmdline_paddr")));
            assertEquals(0xe0000, memory.readU64(at + c.get("hvm_start_info.rsdp_paddr")));
            assertEquals(map.size(), memory.readU32(at + c.get("hvm_start_info.memmap_entries")));
            long mod = memory.readU64(at + c.get("hvm_start_info.modlist_paddr"));
            assertEquals(0x3000000, memory.readU64(mod + c.get("hvm_modlist_entry.paddr")));
            assertEquals(1234, memory.readU64(mod + c.get("hvm_modlist_entry.size")));
            long mm = memory.readU64(at + c.get("hvm_start_info.memmap_paddr"));
            E820Entry last = map.getLast();
            long e = mm + (long) (map.size() - 1) * c.get("hvm_memmap_table_entry.sizeof");
            assertEquals(last.address(), memory.readU64(e + c.get("hvm_memmap_table_entry.addr")));
            assertEquals(last.size(), memory.readU64(e + c.get("hvm_memmap_table_entry.size")));
            assertEquals(last.type(), memory.readU32(e + c.get("hvm_memmap_table_entry.type")));
        }
    }

    @Test
    void multibootInfoReadsBackThroughTheCOffsets() throws Exception {
        Map<String, Integer> c = layouts(32);
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = GuestMemory.allocate(arena, 64 << 20);
            List<E820Entry> map = E820Map.forMemory(memory);
            long at = MultibootInfo.writeTo(memory, Layout.CMDLINE, Optional.of(new Initrd(0x3000000, 1234)), map);
            int flags = memory.readU32(at + c.get("multiboot_info.flags"));
            assertEquals(MultibootInfo.FLAG_MEMORY | MultibootInfo.FLAG_CMDLINE | MultibootInfo.FLAG_MODS
                    | MultibootInfo.FLAG_MMAP | MultibootInfo.FLAG_BOOT_LOADER_NAME, flags);
            assertEquals(639, memory.readU32(at + c.get("multiboot_info.mem_lower")));
            assertEquals(63 * 1024, memory.readU32(at + c.get("multiboot_info.mem_upper")));
            assertEquals((int) Layout.CMDLINE, memory.readU32(at + c.get("multiboot_info.cmdline")));
            long mods = memory.readU32(at + c.get("multiboot_info.mods_addr"));
            assertEquals(0x3000000, memory.readU32(mods + c.get("multiboot_mod_list.mod_start")));
            assertEquals(0x3000000 + 1234, memory.readU32(mods + c.get("multiboot_mod_list.mod_end")));
            long mmap = memory.readU32(at + c.get("multiboot_info.mmap_addr"));
            int length = memory.readU32(at + c.get("multiboot_info.mmap_length"));
            int entries = 0;
            for (long e = mmap; e < mmap + length; e += memory.readU32(e + c.get("multiboot_mmap_entry.size")) + 4) {
                E820Entry want = map.get(entries++);
                assertEquals(want.address(), memory.readU64(e + c.get("multiboot_mmap_entry.addr")));
                assertEquals(want.size(), memory.readU64(e + c.get("multiboot_mmap_entry.len")));
                assertEquals(want.type(), memory.readU32(e + c.get("multiboot_mmap_entry.type")));
            }
            assertEquals(map.size(), entries);
            long name = memory.readU32(at + c.get("multiboot_info.boot_loader_name"));
            assertEquals("kapsel\0", new String(memory.read(name, 7), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
