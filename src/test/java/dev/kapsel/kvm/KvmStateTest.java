package dev.kapsel.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state ioctls a snapshot uses, on this host's KVM: what one vCPU and one VM save loads into a
 * fresh vCPU and VM and reads back the same, and a guest restored from a saved vCPU goes on where the
 * saved one stopped.
 */
class KvmStateTest {
    /** inc eax; jmp back: a guest whose state moves every instruction. */
    private static final byte[] COUNT = {0x66, 0x40, (byte) 0xeb, (byte) 0xfc};

    @Test
    void theHostListsSaveableMsrsAndTheVcpuReadsMostOfThem() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); VcpuFd vcpu = vm.createVcpu(0)) {
            List<Integer> listed = kvm.msrIndexList();
            assertTrue(listed.size() > 10, "KVM_GET_MSR_INDEX_LIST gave " + listed.size());
            List<Integer> readable = vcpu.readableMsrs(listed);
            assertFalse(readable.isEmpty());
            assertTrue(listed.containsAll(readable));
            assertEquals(readable.size(), vcpu.getMsrs(readable).size(), "every MSR said readable reads");
            System.out.printf("MSRs: %d listed by KVM, %d readable on a vCPU%n", listed.size(), readable.size());
        }
    }

    @Test
    void aVcpuStateLoadedIntoANewVcpuReadsBackTheSameAndRunsOn() {
        try (Kvm kvm = Kvm.open()) {
            KvmVcpuState saved;
            KvmVmState savedVm;
            try (RealModeVm first = RealModeVm.create(kvm, 0x10000, COUNT, true)) {
                first.vmFd().createPit2();
                first.vcpu().setCpuid(kvm.supportedCpuid());
                runFor(first.vcpu(), 20);
                saved = first.vcpu().saveState(first.vcpu().readableMsrs(kvm.msrIndexList()));
                savedVm = first.vmFd().saveState();
            }
            assertTrue(saved.regs().rip() >= RealModeVm.CODE_ADDRESS, "the guest ran");
            try (RealModeVm second = RealModeVm.create(kvm, 0x10000, COUNT, true)) {
                second.vmFd().createPit2();
                second.vmFd().restoreState(savedVm);
                second.vcpu().restoreState(saved);
                KvmVcpuState reread = second.vcpu().saveState(saved.msrs().stream().map(MsrEntry::index).toList());
                assertEquals(saved.regs(), reread.regs());
                assertEquals(saved.sregs().cr0(), reread.sregs().cr0());
                assertEquals(saved.sregs().cs(), reread.sregs().cs());
                assertEquals(saved.mpState(), reread.mpState());
                assertArrayEquals(saved.xsave(), reread.xsave());
                assertArrayEquals(saved.xcrs(), reread.xcrs());
                assertArrayEquals(saved.debugRegs(), reread.debugRegs());
                assertEquals(saved.cpuid(), reread.cpuid());
                assertEquals(saved.msrs().size(), reread.msrs().size());
                long eax = saved.regs().rax() & 0xffff_ffffL;
                runFor(second.vcpu(), 20);
                long later = second.vcpu().getRegs().rax() & 0xffff_ffffL;
                assertTrue(later > eax, "the restored vCPU counts on from " + eax + ", now " + later);
            }
        }
    }

    @Test
    void theVmStateReadsBackAsLoaded() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm()) {
            vm.createIrqchip();
            vm.createPit2();
            KvmVmState state = vm.saveState();
            assertEquals(KvmLayouts.PIT_STATE2_SIZE, state.pit().length);
            assertEquals(KvmLayouts.IRQCHIP_SIZE - KvmLayouts.IRQCHIP_CHIP, state.ioapic().length);
            byte[] ioapic = state.ioapic().clone();
            ioapic[12] ^= 0x05; // struct kvm_ioapic_state.id: a value the chip keeps as given
            vm.restoreState(new KvmVmState(state.pit(), state.clock(), state.picMaster(), state.picSlave(), ioapic));
            assertEquals(ioapic[12], vm.getIrqchip(VmFd.Irqchip.IOAPIC)[12]);
            // channel 0's count, latches and mode (its count_load_time at byte 16 is a host timestamp)
            assertArrayEquals(java.util.Arrays.copyOf(state.pit(), 16), java.util.Arrays.copyOf(vm.getPit2(), 16));
        }
    }

    /** Runs the vCPU for about {@code millis}, stopped by a kick from another thread. */
    private static void runFor(VcpuFd vcpu, long millis) {
        vcpu.kicker().bindCurrentThread();
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            vcpu.kicker().kick();
        });
        try {
            while (!(vcpu.run() instanceof VcpuExit.Interrupted)) {
                // the guest never exits by itself
            }
            vcpu.kicker().acknowledge();
        } finally {
            vcpu.kicker().unbind();
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
