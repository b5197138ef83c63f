package dev.kapsel.vmm;

import dev.kapsel.bus.Bus;
import dev.kapsel.bus.RecordingDevice;
import dev.kapsel.bus.RecordingDevice.Access;
import dev.kapsel.kvm.Segment;
import dev.kapsel.kvm.DescriptorTable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.RealModeVm;
import dev.kapsel.kvm.Regs;
import dev.kapsel.kvm.SpecialRegisters;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs tiny real-mode guests on this host's /dev/kvm through {@link VcpuRunner}: port I/O in both
 * directions, MMIO reads and writes to an address no memory slot covers, and HLT.
 */
class VcpuRunnerTest {
    private static final int CODE = 0x1000;
    /** Guest RAM is 64 KiB; segment 0x2000 reaches 0x20000, which is MMIO. */
    private static final int RAM = 0x10000;

    private static VmExit run(byte[] code, Bus pio, Bus mmio, int[] ax) {
        try (Kvm kvm = Kvm.open(); RealModeVm guest = RealModeVm.create(kvm, RAM, code)) {
            VmExit exit = new VcpuRunner(guest.vcpu(), pio, mmio, new VmLifecycle()).runUntilExit();
            ax[0] = (int) guest.vcpu().getRegs().rax();
            return exit;
        }
    }

    @Test
    void portIoReachesTheDeviceAtItsOffsetAndHltEndsTheRun() {
        RecordingDevice serial = new RecordingDevice("test");
        Bus pio = new Bus("test");
        pio.insert(0x3f8, 8, serial);
        byte[] code = {
            (byte) 0xba, (byte) 0xf8, 0x03, // mov dx, 0x3f8
            (byte) 0xb0, 'h', (byte) 0xee, // mov al,'h'; out dx,al
            (byte) 0xb0, 'i', (byte) 0xee, // mov al,'i'; out dx,al
            0x42, 0x42, // inc dx; inc dx  (0x3fa)
            (byte) 0xec, // in al, dx
            (byte) 0xf4 // hlt
        };
        int[] ax = new int[1];
        VmExit exit = run(code, pio, new Bus("test"), ax);
        assertEquals(VmExitStatus.POWER_OFF, exit.status());
        assertTrue(exit.detail().contains("halted"), exit.detail());
        assertArrayEquals("hi".getBytes(), serial.written());
        assertEquals(List.of(new Access(true, 0, 1), new Access(true, 0, 1), new Access(false, 2, 1)), serial.accesses);
        assertEquals(RecordingDevice.marker(2), (byte) ax[0]);
    }

    @Test
    void unclaimedPortReadsAllOnes() {
        byte[] code = {(byte) 0xba, 0x34, 0x12, (byte) 0xec, (byte) 0xf4}; // mov dx,0x1234; in al,dx; hlt
        int[] ax = new int[1];
        run(code, new Bus("test"), new Bus("test"), ax);
        assertEquals(0xff, ax[0] & 0xff);
    }

    @Test
    void mmioWritesAndReadsReachTheMmioBus() {
        RecordingDevice device = new RecordingDevice("test");
        Bus mmio = new Bus("test");
        mmio.insert(0x20000, 0x1000, device);
        byte[] code = {
            (byte) 0xb8, 0x00, 0x20, // mov ax, 0x2000
            (byte) 0x8e, (byte) 0xd8, // mov ds, ax
            (byte) 0xc6, 0x06, 0x10, 0x00, 0x5a, // mov byte [0x10], 0x5a
            (byte) 0xa1, 0x20, 0x00, // mov ax, [0x20]
            (byte) 0xf4 // hlt
        };
        int[] ax = new int[1];
        VmExit exit = run(code, new Bus("test"), mmio, ax);
        assertEquals(VmExitStatus.POWER_OFF, exit.status());
        assertEquals(List.of(new Access(true, 16, 1), new Access(false, 32, 2)), device.accesses);
        assertArrayEquals(new byte[] {0x5a}, device.written());
        // little endian: the byte at offset 32 is AL, the one at 33 is AH
        assertEquals((RecordingDevice.marker(33) & 0xff) << 8 | (RecordingDevice.marker(32) & 0xff), ax[0] & 0xffff);
    }

    @Test
    void anUndeliverableExceptionEndsTheVmWithTheReason() {
        // Protected mode with an empty IDT: int3 cannot be delivered (#GP, then #DF), so the CPU shuts down.
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Arena arena = Arena.ofShared()) {
            MemorySegment mem = Libc.mmap(RAM, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, arena);
            MemorySegment.copy(MemorySegment.ofArray(new byte[] {(byte) 0xcc, (byte) 0xf4}), 0, mem, CODE, 2);
            vm.setUserMemoryRegion(0, 0, mem);
            try (VcpuFd vcpu = vm.createVcpu(0)) {
                SpecialRegisters.Builder b = vcpu.getSregs().toBuilder();
                Segment code = new Segment(0, 0xffffffff, 0x8, 0xb, true, 0, true, true, false, true, false, false);
                Segment data = new Segment(0, 0xffffffff, 0x10, 0x3, true, 0, true, true, false, true, false, false);
                b.flatSegments(code, data);
                b.idt = new dev.kapsel.kvm.DescriptorTable(0, 0);
                b.cr0 = 0x11;
                vcpu.setSregs(b.build());
                vcpu.setRegs(Regs.INITIAL.withRip(CODE));
                VmExit exit = new VcpuRunner(vcpu, new Bus("test"), new Bus("test"), new VmLifecycle()).runUntilExit();
                // Hardware KVM reports the shutdown; a KVM that emulates guest kernel mode (kvm_pvm) cannot
                // emulate the fault delivery and reports an internal error. Either way the VM ends with the reason.
                if (exit.status() == VmExitStatus.KVM_FAILURE) {
                    assertTrue(exit.detail().contains("emulation failed") && exit.detail().contains("rip 0x1000"), exit.message());
                } else {
                    assertEquals(VmExitStatus.TRIPLE_FAULT, exit.status(), exit.message());
                }
            }
        }
    }
}
