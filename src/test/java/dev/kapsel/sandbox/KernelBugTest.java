package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.syscall.Arg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Java exception inside the kernel is a kernel bug: the program never sees it as an errno or a
 * signal (it prints nothing after the call), the sandbox ends with {@link KernelBug#EXIT_STATUS}
 * and {@code kernelBug} set, and the host's stderr names the system call and its arguments.
 */
class KernelBugTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"index", "arithmetic", "cast", "null", "oom"})
    void aJavaExceptionInAHandlerEndsTheSandboxAsAKernelBug(String kind) throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("kernelbug", false));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        SandboxResult r;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            r = Sandbox.run(SandboxConfig.of(root, List.of("/bin/kernelbug")).withLimits(SandboxLimits.ofMemoryMiB(64)),
                    init -> init.table().define(500, "faulty_" + kind, (a, b, c, d, e, f) -> fail(kind, a), Arg.HEX, Arg.HEX, Arg.HEX));
        } finally {
            System.setErr(saved);
        }
        String err = log.toString(StandardCharsets.UTF_8);
        assertTrue(r.kernelBug(), r.reason());
        assertEquals(KernelBug.EXIT_STATUS, r.exitStatus(), r.reason());
        assertEquals(0, r.signal(), r.reason());
        assertTrue(r.reason().startsWith("sandbox kernel bug while serving faulty_" + kind + "(0x11, 0x22, 0x33"), r.reason());
        assertTrue(err.contains("kapsel: sandbox kernel bug while serving faulty_" + kind + "(0x11, 0x22, 0x33, "), err);
        assertTrue(err.contains("\tat "), "the log carries the stack trace:\n" + err);
        assertFalse(err.contains("returned"), err);
    }

    private static long fail(String kind, long a) {
        return switch (kind) {
            case "index" -> List.of(1L, 2L).get((int) a);
            case "arithmetic" -> 1 / (a - 0x11);
            case "cast" -> ((String) (Object) Long.valueOf(a)).length();
            case "null" -> ((String) null).length();
            default -> throw new OutOfMemoryError("Java heap space (injected)");
        };
    }
}
