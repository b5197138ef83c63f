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

    /**
     * Checks {@code holder}'s public numeric constants against the values a C program printed under
     * the same names, both ways: each printed name must be such a constant with that value, and each
     * such constant must have been printed. A renamed constant, a new one nobody checks, or a program
     * that prints nothing fails. Returns how many were compared.
     */
    public static int assertConstantsMatch(java.util.Map<String, Long> printed, Class<?> holder) throws IllegalAccessException {
        java.util.Map<String, Long> ours = new java.util.TreeMap<>();
        for (java.lang.reflect.Field field : holder.getDeclaredFields()) {
            int m = field.getModifiers();
            Class<?> type = field.getType();
            if (java.lang.reflect.Modifier.isPublic(m) && java.lang.reflect.Modifier.isStatic(m)
                    && java.lang.reflect.Modifier.isFinal(m) && (type == int.class || type == long.class || type == short.class)) {
                ours.put(field.getName(), ((Number) field.get(null)).longValue());
            }
        }
        org.junit.jupiter.api.Assertions.assertFalse(ours.isEmpty(), holder.getSimpleName() + " has no constants to check");
        org.junit.jupiter.api.Assertions.assertEquals(new java.util.TreeMap<>(printed), ours,
                holder.getSimpleName() + "'s constants against the C headers");
        return ours.size();
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
