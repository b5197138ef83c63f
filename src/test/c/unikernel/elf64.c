/* The 64-bit test kernel's C part (Firecracker's entry: long mode, zero page at RSI): prints the zero page. */
#include "bootinfo.h"
#include "console.h"

void elf64_main(const uint8_t *zero_page);

#define FIELD(type, offset) (*(const type *) (zero_page + (offset)))

void elf64_main(const uint8_t *zero_page) {
    put("kapsel-test-kernel elf64\n");
    put_line("zero-page", (uintptr_t) zero_page);
    put_line("magic", FIELD(uint32_t, BP_HDR_HEADER));
    uint32_t cmdline_ptr = FIELD(uint32_t, BP_CMD_LINE_PTR);
    if (cmdline_ptr == 0) {
        fail("cmd_line_ptr is 0");
    }
    const char *cmdline = (const char *) (uintptr_t) cmdline_ptr;
    put("cmdline ");
    put_quoted(cmdline, 200);
    put("\n");
    const struct boot_e820_entry *e820 = (const void *) (zero_page + BP_E820_TABLE);
    for (uint32_t i = 0; i < FIELD(uint8_t, BP_E820_ENTRIES); i++) {
        put_memmap(e820[i].addr, e820[i].size, e820[i].type);
    }
    uint32_t ramdisk = FIELD(uint32_t, BP_RAMDISK_IMAGE);
    uint32_t ramdisk_size = FIELD(uint32_t, BP_RAMDISK_SIZE);
    if (ramdisk_size) {
        put_module(ramdisk, ramdisk_size);
        put("\n");
    }
    put_line("rsdp", FIELD(uint64_t, BP_ACPI_RSDP_ADDR));
    report_pit();
    report_unclaimed_port();
    finish(cmdline);
}
