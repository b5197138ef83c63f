package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C as a person types it: tmux (installed by bin/setup) runs {@code kapsel sandbox run -t ...
 * /bin/busybox sh -c 'echo started; exec /bin/busybox sleep 100'} in a terminal; once the sandbox
 * has printed "started" (so kapsel's own SIGINT handling is in place),
 * {@code send-keys C-c} makes the terminal send SIGINT to kapsel, which passes it to the sandbox's
 * foreground process: the pane shows the program killed by SIGINT and exit status 130 within seconds.
 * The command is the launcher's java command line with this build's classes (not a possibly stale jar).
 */
class TerminalInterruptTest {
    @TempDir
    Path dir;

    private static String tmux(String socket, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tmux " + args[0] + " hangs");
        assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + out);
        return out;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String waitForPane(String socket, String wanted, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String pane = "";
        while (System.nanoTime() < deadline) {
            pane = tmux(socket, "capture-pane", "-p", "-J", "-S", "-200", "-t", "t");
            if (pane.contains(wanted)) {
                return pane;
            }
            Thread.sleep(100);
        }
        return pane;
    }

    @Test
    @Timeout(120)
    void ctrlCInTheTerminalEndsTheForegroundProgramWithSigint() throws Exception {
        Process which = new ProcessBuilder("sh", "-c", "command -v tmux").start();
        assertEquals(0, which.waitFor(), "tmux is missing: run bin/setup (it installs tmux)");
        Path root = BusyboxSandboxTest.busyboxRoot(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", quote(java), "--enable-native-access=ALL-UNNAMED", "-cp",
                quote(System.getProperty("java.class.path")), "dev.kapsel.cli.Main", "sandbox", "run", "-t",
                "--rootfs", quote(root.toString()), "/bin/busybox", "sh", "-c", quote("echo started; exec /bin/busybox sleep 100"));
        String socket = "kapsel-test-" + ProcessHandle.current().pid();
        // bash, as an interactive user's shell, goes on after a child that handled SIGINT and exited: it prints the status
        String line = "bash -c " + quote(command + "; echo EXIT=$?");
        tmux(socket, "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", line, ";", "set-option", "-t", "t", "remain-on-exit", "on");
        try {
            String pane = waitForPane(socket, "started", 60);
            assertTrue(pane.contains("started"), "the sandbox never started:\n" + pane);
            Thread.sleep(500); // the shell execs sleep
            assertTrue(!pane.contains("EXIT="), "ended before Ctrl-C:\n" + pane);
            long sent = System.nanoTime();
            tmux(socket, "send-keys", "-t", "t", "C-c");
            pane = waitForPane(socket, "EXIT=", 10);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(pane.contains("EXIT=130"), pane);
            assertTrue(pane.contains("killed by SIGINT"), pane);
            assertTrue(millis < 5000, "took " + millis + " ms\n" + pane);
        } finally {
            new ProcessBuilder("tmux", "-L", socket, "kill-server").start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
