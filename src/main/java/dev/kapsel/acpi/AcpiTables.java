package dev.kapsel.acpi;

import java.util.List;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestAddress;
import dev.kapsel.memory.GuestMemory;

/**
 * Writes a hardware-reduced ACPI table set into guest memory: RSDP at {@link Layout#ACPI_START}
 * (where the kernel's scan of 0xE0000-0xFFFFF finds it), then XSDT, FADT, MADT and DSDT, each
 * 16-byte aligned, all inside {@code [ACPI_START, ACPI_END)}. The VMM should also pass the RSDP
 * address in {@code boot_params.acpi_rsdp_addr} and mark the area reserved in the e820 map.
 */
public final class AcpiTables {
    static final int ALIGNMENT = 16;

    private AcpiTables() {}

    /**
     * Builds the tables for {@code config} and writes them to {@code mem}.
     *
     * @return the guest-physical address of the RSDP
     * @throws AcpiTablesTooLargeException if the tables do not fit; nothing is written then
     */
    public static GuestAddress write(GuestMemory mem, AcpiConfig config) {
        List<Table> tables = place(config);
        for (Table t : tables) {
            mem.write(t.address(), t.bytes());
        }
        return GuestAddress.of(tables.getFirst().address());
    }

    /** One table and where it goes. */
    record Table(String signature, long address, byte[] bytes) {}

    /** The full table set, laid out in address order, RSDP first. */
    static List<Table> place(AcpiConfig config) {
        return place(config, Layout.ACPI_START, Layout.ACPI_END);
    }

    /** Lays the tables out in {@code [start, end)}; separate from {@link #place(AcpiConfig)} so tests can shrink the area. */
    static List<Table> place(AcpiConfig config, long start, long end) {
        byte[] dsdt = Dsdt.build(config.virtioDevices());
        byte[] madt = Madt.build(config.vcpus());
        long rsdpAddress = start;
        long xsdtAddress = align(rsdpAddress + Rsdp.LENGTH);
        int xsdtLength = SdtHeader.LENGTH + 2 * Long.BYTES;
        long fadtAddress = align(xsdtAddress + xsdtLength);
        long madtAddress = align(fadtAddress + Fadt.LENGTH);
        long dsdtAddress = align(madtAddress + madt.length);
        long last = dsdtAddress + dsdt.length;
        if (last > end) {
            throw new AcpiTablesTooLargeException(last - start, end - start);
        }
        byte[] fadt = Fadt.build(dsdtAddress);
        byte[] xsdt = Xsdt.build(fadtAddress, madtAddress);
        if (xsdt.length != xsdtLength) {
            throw new AssertionError("XSDT is " + xsdt.length + " bytes");
        }
        byte[] rsdp = Rsdp.build(xsdtAddress);
        return List.of(
            new Table("RSDP", rsdpAddress, rsdp),
            new Table(Xsdt.SIGNATURE, xsdtAddress, xsdt),
            new Table(Fadt.SIGNATURE, fadtAddress, fadt),
            new Table(Madt.SIGNATURE, madtAddress, madt),
            new Table(Dsdt.SIGNATURE, dsdtAddress, dsdt));
    }

    private static long align(long address) {
        return (address + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
