package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * The e820 memory map the guest sees: usable RAM below the EBDA, a reserved hole from the EBDA to
 * 1 MiB (legacy BIOS area; holds the ACPI tables at 0xE0000), then usable RAM from 1 MiB to the end
 * of each guest memory region (the second region, if any, sits at 4 GiB above the MMIO gap).
 */
public final class E820Map {
    private E820Map() {}

    public static List<E820Entry> forMemory(GuestMemory memory) {
        List<E820Entry> entries = new ArrayList<>();
        entries.add(E820Entry.ram(0, Math.min(Layout.EBDA_START, memory.regions().getFirst().end())));
        entries.add(E820Entry.reserved(Layout.EBDA_START, Layout.HIMEM_START - Layout.EBDA_START));
        for (GuestRegion region : memory.regions()) {
            long start = Math.max(region.start(), Layout.HIMEM_START);
            if (region.end() > start) {
                entries.add(E820Entry.ram(start, region.end() - start));
            }
        }
        if (entries.size() > BootParamsLayout.E820_MAX_ENTRIES) {
            throw new IllegalStateException("more than 128 e820 entries");
        }
        return List.copyOf(entries);
    }
}
