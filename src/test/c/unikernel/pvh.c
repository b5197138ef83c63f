/* The PVH test kernel's C part, run in long mode after entry-pvh.S: prints what hvm_start_info says. */
#include "bootinfo.h"
#include "console.h"

void pvh_main(const struct hvm_start_info *si);

void pvh_main(const struct hvm_start_info *si) {
    put("kapsel-test-kernel pvh\n");
    put_line("magic", si->magic);
    if (si->magic != HVM_START_MAGIC) {
        fail("hvm_start_info magic");
    }
    put_line("version", si->version);
    const char *cmdline = si->cmdline_paddr ? (const char *) (uintptr_t) si->cmdline_paddr : "";
    put("cmdline ");
    put_quoted(cmdline, 200);
    put("\n");
    const struct hvm_memmap_table_entry *map = (const void *) (uintptr_t) si->memmap_paddr;
    for (uint32_t i = 0; si->version >= 1 && i < si->memmap_entries; i++) {
        put_memmap(map[i].addr, map[i].size, map[i].type);
    }
    const struct hvm_modlist_entry *mods = (const void *) (uintptr_t) si->modlist_paddr;
    for (uint32_t i = 0; i < si->nr_modules; i++) {
        put_module(mods[i].paddr, mods[i].size);
        put("\n");
    }
    put_line("rsdp", si->rsdp_paddr);
    report_pit();
    report_unclaimed_port();
    finish(cmdline);
}
