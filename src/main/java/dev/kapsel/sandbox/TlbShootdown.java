package dev.kapsel.sandbox;

import dev.kapsel.sandbox.machine.Cpu;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.mm.AddressSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes freed memory unreachable before it is reused. After a task changed its address space
 * (munmap, mprotect, mremap, madvise, brk), the translations made stricter are flushed on its own
 * vCPU by the guest-side rewrite and {@code invlpg} ({@link Cpu#flush}); on a shadow-paging KVM
 * (kvm_pvm here) that rewrite already drops the shadow entry for every vCPU, but on hardware KVM
 * (EPT/NPT) each vCPU's TLB keeps its own copy. So every other vCPU whose CR3 is this space is
 * marked stale, and those running the program are kicked out of KVM_RUN ({@link Cpu#requestExit})
 * and waited for, the kernel lock released, until each has reloaded CR3 ({@link Cpu#flushIfStale})
 * or is back in the kernel (it reloads before it runs the program again). Only then are the frames
 * given back to the allocator, so no vCPU can read or write a frame after someone else got it.
 */
final class TlbShootdown {
    private TlbShootdown() {}

    /** Called by {@code self}, under the kernel lock, after it served a trap that may have changed {@code space}. */
    static void complete(Task self, Machine machine, KernelLock lock, AddressSpace space) {
        AddressSpace.Changes changes = space.takeChanges();
        if (changes.isEmpty()) {
            return;
        }
        Cpu own = self.cpu();
        own.flush(changes.invalidations());
        long root = space.pageTable().root();
        List<Cpu> running = new ArrayList<>();
        for (Cpu other : machine.cpus()) {
            if (other != own && other.loadedRoot() == root) {
                other.markTlbStale();
                if (other.inUser()) {
                    other.requestExit();
                    running.add(other);
                }
            }
        }
        if (running.isEmpty() || lock.awaitUninterruptibly(() -> running.stream().noneMatch(c -> c.inUser() && c.tlbStale()))) {
            space.free(changes);
        } // else the sandbox is being torn down under us: leaking the frames is the safe side

    }
}
