package dev.kapsel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles a C source with the machine's gcc and runs it; for tests that check against kernel headers. */
public final class CProgram {
    private CProgram() {}

    public static Path compile(String source, Path dir, String... extraFlags) throws IOException, InterruptedException {
        Path c = dir.resolve("prog.c");
        Path exe = dir.resolve("prog");
        Files.writeString(c, source);
        List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-O1", "-o", exe.toString(), c.toString()));
        cmd.addAll(List.of(extraFlags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gcc failed (run bin/setup to install gcc and libc6-dev):\n" + out);
        }
        return exe;
    }

    /**
     * Compiles and runs a program that prints {@code NAME=value} lines (unsigned decimal), as the layout
     * tests do for sizes, offsets and ioctl numbers from the kernel headers, and returns them by name.
     */
    public static java.util.Map<String, Long> printedValues(String source, Path dir) throws IOException, InterruptedException {
        java.util.Map<String, Long> values = new java.util.HashMap<>();
        for (String line : run(compile(source, dir)).split("\n")) {
            String[] kv = line.split("=");
            values.put(kv[0], Long.parseUnsignedLong(kv[1]));
        }
        return values;
    }

    public static String run(Path exe) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(exe + " failed:\n" + out);
        }
        return out;
    }
}
