package dev.kapsel.arch.x86;

import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.MsrEntry;
import dev.kapsel.kvm.Segment;
import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BootCpuStateTest {
    @Test
    void identityMapCoversFirstGigabyteWithTwoMegabytePages() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 1 << 20);
            m.fill(Layout.PML4, 3 * 4096, (byte) 0x55);
            PageTables.writeIdentityMap(m);
            assertEquals(Layout.PDPT | 0x3, m.readU64(Layout.PML4));
            assertEquals(0, m.readU64(Layout.PML4 + 8), "rest of PML4 cleared");
            assertEquals(Layout.PD | 0x3, m.readU64(Layout.PDPT));
            assertEquals(0, m.readU64(Layout.PDPT + 8));
            assertEquals(0x83, m.readU64(Layout.PD));
            assertEquals(0x200083, m.readU64(Layout.PD + 8));
            assertEquals((511L << 21) | 0x83, m.readU64(Layout.PD + 511 * 8));
            // Walk the tables for a few addresses: virtual == physical.
            for (long va : new long[] {0, 0x1000000, 0x3fff_ffffL, 0x1234_5678L}) {
                long pml4e = m.readU64(Layout.PML4 + 8 * ((va >>> 39) & 511));
                long pdpte = m.readU64((pml4e & ~0xfffL) + 8 * ((va >>> 30) & 511));
                long pde = m.readU64((pdpte & ~0xfffL) + 8 * ((va >>> 21) & 511));
                assertEquals(0x80, pde & 0x80);
                assertEquals(va, (pde & ~0x1f_ffffL) | (va & 0x1f_ffff));
            }
        }
    }

    @Test
    void gdtEntriesMatchFirecrackerEncoding() {
        long[] t = Gdt.bootTable();
        assertEquals(0, t[0]);
        assertEquals(0x00af_9b00_0000_ffffL, t[1]);
        assertEquals(0x00cf_9300_0000_ffffL, t[2]);
        assertEquals(0x008f_8b00_0000_ffffL, t[3]);
    }

    @Test
    void gdtEntryRoundTripsToSegment() {
        Segment code = Segment.fromGdtEntry(Gdt.entry(Gdt.CODE_FLAGS, 0, 0xfffff), 1);
        assertEquals(new Segment(0, 0xffff_ffff, 8, 0xb, true, 0, false, true, true, true, false, false), code);
        Segment data = Gdt.segment(Gdt.DATA_INDEX);
        assertEquals(new Segment(0, 0xffff_ffff, 0x10, 0x3, true, 0, true, true, false, true, false, false), data);
        Segment tss = Gdt.segment(Gdt.TSS_INDEX);
        assertEquals(0x18, tss.selector());
        assertEquals(0xb, tss.type());
        assertFalse(tss.s());
        // Base and byte-granular limit survive encoding.
        Segment s = Segment.fromGdtEntry(Gdt.entry(0x40f3, 0x1234_5678L, 0xabcde), 5);
        assertEquals(0x1234_5678L, s.base());
        assertEquals(0xabcde, s.limit());
        assertEquals(3, s.dpl());
        assertEquals(0x28, s.selector());
        assertTrue(s.db() && !s.g() && !s.l());
        assertTrue(Segment.fromGdtEntry(0, 0).unusable());
    }

    @Test
    void prepareWritesTablesAndReturnsLongModeState() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 1 << 20);
            m.fill(Layout.BOOT_IDT, 8, (byte) 0xff);
            BootCpuState s = BootCpuState.prepare(m, 0x1000000);
            for (int i = 0; i < 4; i++) {
                assertEquals(Gdt.bootTable()[i], m.readU64(Layout.BOOT_GDT + 8 * i));
            }
            assertEquals(0, m.readU64(Layout.BOOT_IDT));
            assertEquals(Layout.PDPT | 3, m.readU64(Layout.PML4));

            GeneralRegisters r = s.regs();
            assertEquals(0x1000000, r.rip());
            assertEquals(Layout.BOOT_STACK_POINTER, r.rsp());
            assertEquals(Layout.BOOT_STACK_POINTER, r.rbp());
            assertEquals(Layout.ZERO_PAGE, r.rsi());
            assertEquals(2, r.rflags());

            LongModeRegisters sr = s.sregs();
            assertEquals(0x8000_0011L, sr.cr0());
            assertEquals(Layout.PML4, sr.cr3());
            assertEquals(0x20, sr.cr4());
            assertEquals(0x500, sr.efer());
            assertEquals(new DescriptorTable(Layout.BOOT_GDT, 31), sr.gdt());
            assertEquals(new DescriptorTable(Layout.BOOT_IDT, 7), sr.idt());
            assertEquals(8, sr.cs().selector());
            assertTrue(sr.cs().l());
            for (Segment d : new Segment[] {sr.ds(), sr.es(), sr.fs(), sr.gs(), sr.ss()}) {
                assertEquals(0x10, d.selector());
            }
            assertEquals(0x18, sr.tr().selector());
            assertEquals(new FpuState(0x37f, 0x1f80), s.fpu());
        }
    }

    @Test
    void bootMsrsEnableWriteBackMtrrAndFastStrings() {
        Map<Integer, Long> msrs = BootMsrs.entries().stream()
                .collect(Collectors.toMap(MsrEntry::index, MsrEntry::value));
        assertEquals(11, msrs.size());
        assertEquals(0x806L, msrs.get(0x2ff));
        assertEquals(1L, msrs.get(0x1a0));
        for (int zero : new int[] {0x10, 0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
                0xc0000102}) {
            assertEquals(0L, msrs.get(zero), Integer.toHexString(zero));
        }
    }

    @Test
    void lapicLintDeliveryModesKeepOtherBits() {
        byte[] regs = new byte[1024];
        regs[0x350] = (byte) 0xff; // vector bits
        regs[0x351] = (byte) 0x01; // old mode 1, bit 11 clear
        regs[0x352] = (byte) 0x01; // mask bit 16
        regs[0x361] = (byte) 0x07;
        regs[0x20] = 0x42;
        LocalApic.configureLint(regs);
        assertEquals(0x0001_07ff, LocalApic.readRegister(regs, 0x350));
        assertEquals(0x0000_0400, LocalApic.readRegister(regs, 0x360));
        assertEquals(0x42, regs[0x20]);
        assertThrows(IllegalArgumentException.class, () -> LocalApic.configureLint(new byte[100]));
    }

    @Test
    void guestRamLayoutSplitsAroundMmioGap() {
        assertEquals(java.util.List.of(new GuestRamLayout.Range(0, 128L << 20)), GuestRamLayout.regionsFor(128L << 20));
        assertEquals(java.util.List.of(new GuestRamLayout.Range(0, Layout.MMIO_GAP_START)),
                GuestRamLayout.regionsFor(Layout.MMIO_GAP_START));
        var big = GuestRamLayout.regionsFor(8L << 30);
        assertEquals(2, big.size());
        assertEquals(new GuestRamLayout.Range(0, Layout.MMIO_GAP_START), big.get(0));
        assertEquals(new GuestRamLayout.Range(1L << 32, (8L << 30) - Layout.MMIO_GAP_START), big.get(1));
        assertEquals(8L << 30, big.get(0).size() + big.get(1).size());
        assertThrows(IllegalArgumentException.class, () -> GuestRamLayout.regionsFor(0));
    }

    @Test
    void flatSegmentsAtUserPrivilegeAgreeWithTheirDescriptors() {
        // selector 0x2b: GDT index 5, RPL 3; the register caches the descriptor a load would read
        assertEquals(new Segment(0, 0xffff_ffff, 0x2b, 0xb, true, 3, false, true, true, true, false, false),
                Segments.flatCode(0x2b));
        assertEquals(new Segment(0, 0xffff_ffff, 0x23, 0x3, true, 3, true, true, false, true, false, false),
                Segments.flatData(0x23));
        assertEquals(Segment.fromGdtEntry(Segments.codeDescriptor(0), 1), Segments.flatCode(8));
        assertEquals(Gdt.bootTable()[Gdt.DATA_INDEX], Segments.dataDescriptor(0));
        assertEquals(0x00cf_f300_0000_ffffL, Segments.dataDescriptor(3));
        Segment tss = Segments.tss(0xffff_8000_0000_3000L, 0x67, 0x30);
        assertEquals(0xffff_8000_0000_3000L, tss.base());
        assertEquals(0xb, tss.type());
        assertFalse(tss.s() || tss.g() || tss.unusable());
        assertEquals(0x1234, Segments.flatData(0x23).withBase(0x1234).base());
    }
}
