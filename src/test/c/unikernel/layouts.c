/*
 * The offsets and sizes of bootinfo.h as the compiler lays them out, for BootInfoLayoutTest. Compiled
 * with -S only (no linking, so -m32 needs no 32-bit libc): each value lands in the assembly as a line
 * "->NAME VALUE" that build.sh extracts, the way Linux's asm-offsets are made.
 */
#include <stddef.h>
#include "bootinfo.h"

#define EMIT(name, value) __asm__ volatile("\n.ascii \"->" name " %c0\"" : : "i"((long) (value)))
#define OFF(type, field) EMIT(#type "." #field, offsetof(struct type, field))
#define SIZE(type) EMIT(#type ".sizeof", sizeof(struct type))

void layouts(void);

void layouts(void) {
    OFF(hvm_start_info, magic);
    OFF(hvm_start_info, version);
    OFF(hvm_start_info, flags);
    OFF(hvm_start_info, nr_modules);
    OFF(hvm_start_info, modlist_paddr);
    OFF(hvm_start_info, cmdline_paddr);
    OFF(hvm_start_info, rsdp_paddr);
    OFF(hvm_start_info, memmap_paddr);
    OFF(hvm_start_info, memmap_entries);
    SIZE(hvm_start_info);
    OFF(hvm_modlist_entry, paddr);
    OFF(hvm_modlist_entry, size);
    OFF(hvm_modlist_entry, cmdline_paddr);
    SIZE(hvm_modlist_entry);
    OFF(hvm_memmap_table_entry, addr);
    OFF(hvm_memmap_table_entry, size);
    OFF(hvm_memmap_table_entry, type);
    SIZE(hvm_memmap_table_entry);
    OFF(multiboot_info, flags);
    OFF(multiboot_info, mem_lower);
    OFF(multiboot_info, mem_upper);
    OFF(multiboot_info, boot_device);
    OFF(multiboot_info, cmdline);
    OFF(multiboot_info, mods_count);
    OFF(multiboot_info, mods_addr);
    OFF(multiboot_info, mmap_length);
    OFF(multiboot_info, mmap_addr);
    OFF(multiboot_info, boot_loader_name);
    SIZE(multiboot_info);
    OFF(multiboot_mod_list, mod_start);
    OFF(multiboot_mod_list, mod_end);
    OFF(multiboot_mod_list, string);
    SIZE(multiboot_mod_list);
    OFF(multiboot_mmap_entry, size);
    OFF(multiboot_mmap_entry, addr);
    OFF(multiboot_mmap_entry, len);
    OFF(multiboot_mmap_entry, type);
    SIZE(multiboot_mmap_entry);
    OFF(multiboot_header, magic);
    OFF(multiboot_header, flags);
    OFF(multiboot_header, checksum);
    OFF(multiboot_header, header_addr);
    OFF(multiboot_header, load_addr);
    OFF(multiboot_header, load_end_addr);
    OFF(multiboot_header, bss_end_addr);
    OFF(multiboot_header, entry_addr);
    OFF(boot_e820_entry, addr);
    OFF(boot_e820_entry, size);
    OFF(boot_e820_entry, type);
    SIZE(boot_e820_entry);
    EMIT("boot_params.acpi_rsdp_addr", BP_ACPI_RSDP_ADDR);
    EMIT("boot_params.e820_entries", BP_E820_ENTRIES);
    EMIT("boot_params.hdr.header", BP_HDR_HEADER);
    EMIT("boot_params.hdr.ramdisk_image", BP_RAMDISK_IMAGE);
    EMIT("boot_params.hdr.ramdisk_size", BP_RAMDISK_SIZE);
    EMIT("boot_params.hdr.cmd_line_ptr", BP_CMD_LINE_PTR);
    EMIT("boot_params.e820_table", BP_E820_TABLE);
}
