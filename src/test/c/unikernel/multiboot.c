/* The multiboot test kernel's C part (32-bit protected mode): prints what multiboot_info says. */
#include "bootinfo.h"
#include "console.h"

void multiboot_main(uint32_t magic, const struct multiboot_info *mbi);

void multiboot_main(uint32_t magic, const struct multiboot_info *mbi) {
    put("kapsel-test-kernel multiboot\n");
    put_line("magic", magic);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        fail("EAX is not the multiboot boot loader magic");
    }
    put_line("flags", mbi->flags);
    const char *cmdline = (mbi->flags & MULTIBOOT_INFO_CMDLINE) ? (const char *) mbi->cmdline : "";
    if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        put("loader ");
        put_quoted((const char *) mbi->boot_loader_name, 40);
        put("\n");
    }
    put("cmdline ");
    put_quoted(cmdline, 200);
    put("\n");
    if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        put("mem lower ");
        put_dec(mbi->mem_lower);
        put(" upper ");
        put_dec(mbi->mem_upper);
        put("\n");
    }
    if (mbi->flags & MULTIBOOT_INFO_MMAP) {
        uint32_t at = mbi->mmap_addr;
        while (at < mbi->mmap_addr + mbi->mmap_length) {
            const struct multiboot_mmap_entry *e = (const void *) at;
            put_memmap(e->addr, e->len, e->type);
            at += e->size + 4;
        }
    }
    if (mbi->flags & MULTIBOOT_INFO_MODS) {
        const struct multiboot_mod_list *mods = (const void *) mbi->mods_addr;
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            put_module(mods[i].mod_start, mods[i].mod_end - mods[i].mod_start);
            put(" ");
            put_quoted((const char *) mods[i].string, 40);
            put("\n");
        }
    }
    report_pit();
    report_unclaimed_port();
    finish(cmdline);
}
