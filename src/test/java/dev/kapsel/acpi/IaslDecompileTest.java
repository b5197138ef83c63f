package dev.kapsel.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent check: the ACPICA disassembler ({@code iasl -d}, Debian {@code acpica-tools}) must
 * read every table kapsel writes without errors, and see in them what Linux will see.
 */
class IaslDecompileTest {
    @TempDir
    Path dir;

    private static Path iasl() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(p, "iasl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("iasl (ACPICA disassembler) is not installed: run bin/setup, which installs Debian acpica-tools");
    }

    private record Result(int exitCode, String output) {}

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(iasl().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "iasl finished");
        return new Result(p.exitValue(), output);
    }

    /** Writes {@code table} to {@code name.dat}, runs {@code iasl -d} and returns the .dsl text. */
    private String decompile(String name, byte[] table) throws Exception {
        Files.write(dir.resolve(name + ".dat"), table);
        Result r = run("-d", name + ".dat");
        assertEquals(0, r.exitCode(), "iasl -d " + name + ".dat failed:\n" + r.output());
        assertFalse(Pattern.compile("(?i)\\b(error|warning)").matcher(r.output()).find(),
                "iasl reported problems:\n" + r.output());
        String dsl = Files.readString(dir.resolve(name + ".dsl"), StandardCharsets.ISO_8859_1);
        assertFalse(dsl.contains("**** "), "iasl flagged a field in " + name + ":\n" + dsl);
        return dsl;
    }

    private AcpiTablesTest.Found tables(int vcpus) {
        Arena arena = Arena.ofAuto();
        GuestMemory mem = AcpiTablesTest.memory(arena);
        return AcpiTablesTest.readBack(mem, AcpiTables.write(mem, new AcpiConfig(vcpus, AcpiTablesTest.TWO_DEVICES)));
    }

    @Test
    void dsdtDecompilesWithAllDevices() throws Exception {
        String dsl = decompile("dsdt", tables(1).dsdt());
        assertTrue(Pattern.compile("Name \\(_S5_?, Package \\(0x04\\)[^{]*\\{\\s*0x05,\\s*Zero,\\s*Zero,\\s*Zero\\s*\\}")
                .matcher(dsl).find(), dsl);
        assertTrue(dsl.contains("Scope (\\_SB)"), dsl);
        assertTrue(dsl.contains("Device (COM1)") && dsl.contains("EisaId (\"PNP0501\")"), dsl);
        assertTrue(dsl.contains("IO (Decode16,\n                    0x03F8,"), dsl);
        assertTrue(dsl.contains("IRQNoFlags ()\n                    {4}"), dsl);
        assertTrue(dsl.contains("Device (PS2K)") && dsl.contains("EisaId (\"PNP0303\")"), dsl);
        assertTrue(dsl.contains("IRQNoFlags ()\n                    {1}"), dsl);
        assertEquals(2, count(dsl, "Name (_HID, \"LNRO0005\")"), dsl);
        assertTrue(dsl.contains("Device (V000)") && dsl.contains("Device (V001)"), dsl);
        assertTrue(dsl.contains("Memory32Fixed (ReadWrite,\n                    0xD0000000,"), dsl);
        assertTrue(dsl.contains("Memory32Fixed (ReadWrite,\n                    0xD0001000,"), dsl);
        assertTrue(dsl.contains("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )\n"
                + "                {\n                    0x00000005,"), dsl);
        assertTrue(dsl.contains("0x00000006,"), dsl);
    }

    @Test
    void dsdtRecompilesToTheSameAml() throws Exception {
        byte[] ours = tables(1).dsdt();
        decompile("dsdt", ours);
        // -on: keep name paths as written (\\_SB), as the disassembly spells them.
        Result r = run("-on", "-p", "recompiled", "dsdt.dsl");
        assertEquals(0, r.exitCode(), "iasl could not recompile its own disassembly:\n" + r.output());
        assertTrue(r.output().contains("0 Errors, 0 Warnings"), r.output());
        byte[] theirs = Files.readAllBytes(dir.resolve("recompiled.aml"));
        // Headers differ in creator id and checksum; the AML body must be what iasl emits, except
        // that iasl writes 0 ("not checked") as End Tag checksum where kapsel writes the real one.
        String diff = "ours:   " + hex(ours) + "\ntheirs: " + hex(theirs);
        assertEquals(ours.length, theirs.length, diff);
        int endTagChecksums = 0;
        for (int i = SdtHeader.LENGTH; i < ours.length; i++) {
            if (ours[i] != theirs[i]) {
                boolean endTagChecksum = theirs[i - 1] == ResourceTemplate.END_TAG && ours[i - 1] == ResourceTemplate.END_TAG
                        && theirs[i] == 0;
                assertTrue(endTagChecksum, "AML differs from iasl's at offset " + i + "\n" + diff);
                endTagChecksums++;
            }
        }
        assertTrue(endTagChecksums <= 4, "at most one End Tag per _CRS differs");
    }

    @Test
    void fadtDecompilesAsHardwareReduced() throws Exception {
        String dsl = decompile("facp", tables(1).fadt());
        assertTrue(fieldIs(dsl, "Revision", "06"), dsl);
        assertTrue(fieldIs(dsl, "Table Length", "00000114"), dsl);
        assertTrue(fieldIs(dsl, "Hardware Reduced \\(V5\\)", "1"), dsl);
        assertTrue(fieldIs(dsl, "Reset Register Supported \\(V2\\)", "1"), dsl);
        assertTrue(fieldIs(dsl, "8042 Present on ports 60/64 \\(V2\\)", "1"), dsl);
        assertTrue(fieldIs(dsl, "Value to cause reset", "01"), dsl);
        // "KAPSEL\0\0" read as a little-endian 64-bit number.
        assertTrue(fieldIs(dsl, "Hypervisor ID", "00004C455350414B"), dsl);
        assertTrue(fieldIs(dsl, "DSDT Address", "00000000"), "32-bit DSDT pointer unused:\n" + dsl);
        assertTrue(fieldIs(dsl, "DSDT Address", "00000000000[EF][0-9A-F]{4}"), "X_DSDT in the ACPI area:\n" + dsl);
        for (String register : List.of("Reset Register", "Sleep Control Register", "Sleep Status Register")) {
            String block = gas(dsl, register);
            assertTrue(fieldIs(block, "Space ID", "01 \\[SystemIO\\]"), register + ":\n" + block);
            assertTrue(fieldIs(block, "Bit Width", "08"), register + ":\n" + block);
        }
        assertTrue(fieldIs(gas(dsl, "Reset Register"), "Address", "0000000000000600"), dsl);
        assertTrue(fieldIs(gas(dsl, "Sleep Control Register"), "Address", "0000000000000600"), dsl);
        assertTrue(fieldIs(gas(dsl, "Sleep Status Register"), "Address", "0000000000000601"), dsl);
    }

    @Test
    void madtDecompilesWithOneLocalApicPerVcpu() throws Exception {
        String dsl = decompile("apic", tables(4).madt());
        assertEquals(4, count(dsl, "Subtable Type : 00 [Processor Local APIC]"), dsl);
        assertEquals(1, count(dsl, "Subtable Type : 01 [I/O APIC]"), dsl);
        for (int cpu = 0; cpu < 4; cpu++) {
            assertTrue(fieldIs(dsl, "Local Apic ID", String.format("%02X", cpu)), dsl);
        }
        assertTrue(fieldIs(dsl, "Address", String.format("%08X", Layout.IOAPIC_ADDR)), dsl);
        assertTrue(fieldIs(dsl, "I/O Apic ID", "04"), dsl);
    }

    @Test
    void xsdtDecompilesWithFadtAndMadt() throws Exception {
        AcpiTablesTest.Found found = tables(2);
        // iasl 20200925 cannot read a bare RSDP from a file; AcpiTablesTest checks it byte by byte.
        String xsdt = decompile("xsdt", found.xsdt());
        assertEquals(2, count(xsdt, "ACPI Table Address"), xsdt);
        assertTrue(fieldIs(xsdt, "Revision", "01"), xsdt);
    }

    /** True if a line of {@code dsl} reads {@code label ... : value}. */
    private static boolean fieldIs(String dsl, String labelRegex, String valueRegex) {
        return Pattern.compile("(?m)^(\\[[0-9A-F]{3}h [0-9]{4}\\s+\\d+\\])?\\s*" + labelRegex + "\\s*: " + valueRegex + "(?=\\s|$)")
                .matcher(dsl).find();
    }

    /** The lines iasl prints for the Generic Address Structure field {@code name}. */
    private static String gas(String dsl, String name) {
        return block(dsl, name + " : [Generic Address Structure]");
    }

    /** The lines of {@code dsl} from the one containing {@code header} up to the next blank line. */
    private static String block(String dsl, String header) {
        int start = dsl.indexOf(header);
        assertTrue(start >= 0, header + " missing:\n" + dsl);
        int end = dsl.indexOf("\n\n", start);
        return dsl.substring(start, end < 0 ? dsl.length() : end);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
