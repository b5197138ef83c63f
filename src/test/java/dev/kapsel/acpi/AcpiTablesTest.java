package dev.kapsel.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestAddress;
import dev.kapsel.memory.GuestMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table set as the guest finds it in memory: pointers, checksums, FADT fields, MADT structures, layout. */
class AcpiTablesTest {
    static final List<VirtioMmioDevice> TWO_DEVICES = List.of(
            VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START, Layout.IRQ_VIRTIO_FIRST),
            VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START + Layout.VIRTIO_MMIO_SIZE, Layout.IRQ_VIRTIO_FIRST + 1));

    /** The tables as the guest would find them: follow RSDP -> XSDT -> FADT/MADT, FADT -> DSDT. */
    record Found(byte[] rsdp, byte[] xsdt, byte[] fadt, byte[] madt, byte[] dsdt) {}

    static Found readBack(GuestMemory mem, GuestAddress rsdpAddress) {
        byte[] rsdp = mem.read(rsdpAddress.value(), Rsdp.LENGTH);
        long xsdtAddress = mem.readU64(rsdpAddress.value() + Rsdp.XSDT_ADDRESS_OFFSET);
        byte[] xsdt = readTable(mem, xsdtAddress);
        int entries = (xsdt.length - SdtHeader.LENGTH) / 8;
        byte[] fadt = null;
        byte[] madt = null;
        for (int i = 0; i < entries; i++) {
            byte[] t = readTable(mem, mem.readU64(xsdtAddress + SdtHeader.LENGTH + 8L * i));
            switch (signature(t)) {
                case "FACP" -> fadt = t;
                case "APIC" -> madt = t;
                default -> throw new AssertionError("unexpected table " + signature(t));
            }
        }
        long dsdtAddress = mem.readU64(findAddress(mem, xsdtAddress, "FACP") + Fadt.OFFSET_X_DSDT);
        return new Found(rsdp, xsdt, fadt, madt, readTable(mem, dsdtAddress));
    }

    private static long findAddress(GuestMemory mem, long xsdtAddress, String sig) {
        int entries = (mem.readU32(xsdtAddress + 4) - SdtHeader.LENGTH) / 8;
        for (int i = 0; i < entries; i++) {
            long a = mem.readU64(xsdtAddress + SdtHeader.LENGTH + 8L * i);
            if (signature(mem.read(a, 4)).equals(sig)) {
                return a;
            }
        }
        throw new AssertionError(sig + " not in XSDT");
    }

    static byte[] readTable(GuestMemory mem, long address) {
        assertTrue(address >= Layout.ACPI_START && address < Layout.ACPI_END, "table inside the ACPI area");
        int length = mem.readU32(address + 4);
        assertTrue(address + length <= Layout.ACPI_END, "table ends inside the ACPI area");
        return mem.read(address, length);
    }

    static String signature(byte[] table) {
        return new String(table, 0, 4, StandardCharsets.US_ASCII);
    }

    static GuestMemory memory(Arena arena) {
        return GuestMemory.allocate(arena, 2 << 20);
    }

    @Test
    void rsdpIsFirstAlignedAndHasBothChecksums() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory mem = memory(arena);
            GuestAddress rsdpAddress = AcpiTables.write(mem, new AcpiConfig(2, TWO_DEVICES));
            assertEquals(Layout.ACPI_START, rsdpAddress.value());
            assertEquals(0, rsdpAddress.value() % 16);
            byte[] rsdp = mem.read(rsdpAddress.value(), Rsdp.LENGTH);
            assertEquals("RSD PTR ", new String(rsdp, 0, 8, StandardCharsets.US_ASCII));
            assertEquals(0, Checksum.sum(rsdp, 0, 20), "ACPI 1.0 checksum over 20 bytes");
            assertEquals(0, Checksum.sum(rsdp, 0, 36), "extended checksum over 36 bytes");
            assertEquals(2, rsdp[15], "revision");
            assertEquals(0, mem.readU32(rsdpAddress.value() + 16), "no RSDT");
            assertEquals(36, mem.readU32(rsdpAddress.value() + 20), "length");
            assertEquals("KAPSEL", new String(rsdp, 9, 6, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void everyTableSumsToZeroAndCarriesTheOemId() {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory mem = memory(arena);
            Found found = readBack(mem, AcpiTables.write(mem, new AcpiConfig(4, TWO_DEVICES)));
            for (byte[] t : List.of(found.xsdt(), found.fadt(), found.madt(), found.dsdt())) {
                assertEquals(0, Checksum.sum(t, 0, t.length), signature(t) + " checksum");
                assertEquals("KAPSEL", new String(t, 10, 6, StandardCharsets.US_ASCII), signature(t) + " OEM id");
                assertEquals("KPSL", new String(t, 28, 4, StandardCharsets.US_ASCII), signature(t) + " creator id");
            }
            assertEquals(SdtHeader.LENGTH + 16, found.xsdt().length, "XSDT lists FADT and MADT");
        }
    }

    @Test
    void tablesDoNotOverlap() {
        List<AcpiTables.Table> tables = AcpiTables.place(new AcpiConfig(8, TWO_DEVICES));
        long previousEnd = Layout.ACPI_START;
        for (AcpiTables.Table t : tables) {
            assertTrue(t.address() >= previousEnd, t.signature() + " overlaps the previous table");
            assertEquals(0, t.address() % AcpiTables.ALIGNMENT, t.signature() + " alignment");
            previousEnd = t.address() + t.bytes().length;
        }
        assertTrue(previousEnd <= Layout.ACPI_END);
    }

    @Test
    void fadtIsHardwareReducedWithSleepAndResetRegisters() {
        byte[] fadt = Fadt.build(0x12345678L);
        assertEquals(Fadt.LENGTH, fadt.length);
        assertEquals(276, fadt.length);
        assertEquals(6, fadt[8], "revision");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fadt).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int flags = b.getInt(Fadt.OFFSET_FLAGS);
        assertEquals(1 << 20, flags & (1 << 20), "HW_REDUCED_ACPI");
        assertEquals(1 << 10, flags & (1 << 10), "RESET_REG_SUP");
        assertEquals(2, b.getShort(Fadt.OFFSET_IAPC_BOOT_ARCH) & 2, "8042 present");
        assertEquals(Fadt.IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT,
                b.getShort(Fadt.OFFSET_IAPC_BOOT_ARCH) & Fadt.IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT, "no CMOS RTC, so Linux does not probe one");
        assertEquals(0x12345678L, b.getLong(Fadt.OFFSET_X_DSDT));
        byte[] ioByteAt0x600 = {1, 8, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0};
        byte[] ioByteAt0x601 = {1, 8, 0, 1, 0x01, 0x06, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(ioByteAt0x600, java.util.Arrays.copyOfRange(fadt, Fadt.OFFSET_RESET_REG, Fadt.OFFSET_RESET_REG + 12));
        assertEquals(1, fadt[Fadt.OFFSET_RESET_VALUE]);
        assertArrayEquals(ioByteAt0x600,
                java.util.Arrays.copyOfRange(fadt, Fadt.OFFSET_SLEEP_CONTROL_REG, Fadt.OFFSET_SLEEP_CONTROL_REG + 12));
        assertArrayEquals(ioByteAt0x601,
                java.util.Arrays.copyOfRange(fadt, Fadt.OFFSET_SLEEP_STATUS_REG, Fadt.OFFSET_SLEEP_STATUS_REG + 12));
        assertEquals("KAPSEL", new String(fadt, Fadt.OFFSET_HYPERVISOR_VENDOR, 6, StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void madtHasOneLocalApicPerVcpuAndOneIoApic(int vcpus) {
        byte[] madt = Madt.build(vcpus);
        assertEquals(SdtHeader.LENGTH + 8 + 8 * vcpus + 12, madt.length);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(madt).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(Layout.LAPIC_ADDR, Integer.toUnsignedLong(b.getInt(36)));
        List<int[]> structures = new ArrayList<>(); // {type, length, offset}
        for (int off = Madt.STRUCTURES_OFFSET; off < madt.length; off += madt[off + 1] & 0xff) {
            assertTrue((madt[off + 1] & 0xff) >= 2, "structure length");
            structures.add(new int[] {madt[off], madt[off + 1], off});
        }
        assertEquals(vcpus + 1, structures.size());
        for (int cpu = 0; cpu < vcpus; cpu++) {
            int[] s = structures.get(cpu);
            assertEquals(0, s[0], "type Processor Local APIC");
            assertEquals(8, s[1]);
            assertEquals(cpu, madt[s[2] + 2], "processor UID");
            assertEquals(cpu, madt[s[2] + 3], "APIC id");
            assertEquals(1, b.getInt(s[2] + 4), "enabled");
        }
        int[] io = structures.getLast();
        assertEquals(1, io[0], "type I/O APIC");
        assertEquals(12, io[1]);
        assertEquals(vcpus, madt[io[2] + 2], "IOAPIC id after the CPUs");
        assertEquals(Layout.IOAPIC_ADDR, Integer.toUnsignedLong(b.getInt(io[2] + 4)));
        assertEquals(0, b.getInt(io[2] + 8), "GSI base");
    }

    @Test
    void dsdtNamesEachVirtioDevice() {
        byte[] dsdt = Dsdt.build(TWO_DEVICES);
        String text = new String(dsdt, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("V000") && text.contains("V001") && !text.contains("V002"));
        assertEquals(2, text.split("LNRO0005", -1).length - 1);
        assertTrue(text.contains("COM1") && text.contains("PS2K") && text.contains("_S5_"));
    }

    @Test
    void configRejectsClashingInterrupts() {
        assertThrows(IllegalArgumentException.class,
                () -> new AcpiConfig(1, List.of(VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START, Layout.IRQ_COM1))));
        assertThrows(IllegalArgumentException.class, () -> new AcpiConfig(1, List.of(
                VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START, 7), VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START + 0x1000, 7))));
        assertThrows(IllegalArgumentException.class, () -> VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START, 24));
        assertThrows(IllegalArgumentException.class, () -> VirtioMmioDevice.at(0xffff_f800L, 5));
        assertThrows(IllegalArgumentException.class, () -> new AcpiConfig(0));
        assertThrows(IllegalArgumentException.class, () -> new AcpiConfig(Madt.MAX_VCPUS + 1));
    }

    @Test
    void largestConfigurationFits() {
        List<VirtioMmioDevice> devices = new ArrayList<>();
        for (int gsi = 0; gsi < Layout.IOAPIC_NUM_PINS; gsi++) {
            if (gsi != Layout.IRQ_COM1 && gsi != Layout.IRQ_KEYBOARD) {
                devices.add(VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START + 0x1000L * gsi, gsi));
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory mem = memory(arena);
            Found found = readBack(mem, AcpiTables.write(mem, new AcpiConfig(Madt.MAX_VCPUS, devices)));
            assertEquals(SdtHeader.LENGTH + 8 + 8 * Madt.MAX_VCPUS + 12, found.madt().length);
        }
    }

    @Test
    void tablesThatDoNotFitFailWithoutWriting() {
        AcpiConfig config = new AcpiConfig(4, TWO_DEVICES);
        int needed = 0;
        for (AcpiTables.Table t : AcpiTables.place(config)) {
            needed = (int) (t.address() + t.bytes().length - Layout.ACPI_START);
        }
        long tooSmallEnd = Layout.ACPI_START + needed - 1;
        var e = assertThrows(AcpiTablesTooLargeException.class,
                () -> AcpiTables.place(config, Layout.ACPI_START, tooSmallEnd));
        assertEquals(needed, e.required());
        assertEquals(needed - 1, e.available());
        // Exactly enough room succeeds.
        AcpiTables.place(config, Layout.ACPI_START, tooSmallEnd + 1);
    }
}
