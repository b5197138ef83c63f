package dev.kapsel.vmm;

import dev.kapsel.arch.x86.GuestRamLayout;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM: one private mapping per region (MAP_NORESERVE, so untouched pages cost nothing),
 * anonymous for a new VM or of a snapshot's memory file for a restored one, each registered with KVM
 * as a memory slot. Closing the arena unmaps it.
 */
final class GuestRam {
    private GuestRam() {}

    static GuestMemory map(VmFd vm, List<GuestRamLayout.Range> spans, Arena arena) {
        List<GuestRegion> regions = new ArrayList<>();
        int slot = 0;
        for (GuestRamLayout.Range span : spans) {
            MemorySegment host = Libc.mmap(span.size(), Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0, arena);
            vm.setUserMemoryRegion(slot++, span.start(), host);
            regions.add(new GuestRegion(span.start(), host));
        }
        return new GuestMemory(regions);
    }

    /**
     * Guest RAM from a snapshot's memory file, the regions one after another in it: each mapped
     * MAP_PRIVATE from the file, so pages are read in as the guest touches them, the guest's writes stay
     * in this process, and VMs restored from one file share its page cache. The caller checks the file
     * is long enough first (a page past its end would be a SIGBUS, not an error).
     */
    static GuestMemory mapFile(VmFd vm, List<GuestRamLayout.Range> spans, int fd, Arena arena) {
        List<GuestRegion> regions = new ArrayList<>();
        int slot = 0;
        long offset = 0;
        for (GuestRamLayout.Range span : spans) {
            MemorySegment host = Libc.mmap(span.size(), Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_NORESERVE, fd, offset, arena);
            vm.setUserMemoryRegion(slot++, span.start(), host);
            regions.add(new GuestRegion(span.start(), host));
            offset += span.size();
        }
        return new GuestMemory(regions);
    }
}
