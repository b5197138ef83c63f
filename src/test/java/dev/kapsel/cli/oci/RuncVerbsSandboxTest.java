package dev.kapsel.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.oci.state.StateReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runc's verbs end to end with the sandbox isolation on this host: each call is a new
 * {@code kapsel-runc} JVM, as an engine or a script would run it, over a busybox bundle.
 */
class RuncVerbsSandboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path root;
    private Path bundle;
    private final List<String> started = new ArrayList<>();

    record Result(int status, String out, String err) {}

    @BeforeEach
    void bundle() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/dev/kvm")) && Files.exists(Path.of("/bin/busybox")), "needs /dev/kvm and /bin/busybox");
        root = dir.resolve("root");
        bundle = dir.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bundle.resolve("rootfs/bin/busybox"));
        for (String tool : List.of("sh", "sleep", "pwd", "id", "test")) {
            Files.createSymbolicLink(bundle.resolve("rootfs/bin/" + tool), Path.of("busybox"));
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String id : started) {
            kapsel("delete", "--force", id);
        }
    }

    private void config(String... args) throws IOException {
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
                 "annotations": {"dev.kapsel.isolation": "sandbox"},
                 "process": {"args": %s, "cwd": "/", "env": ["PATH=/bin"]}}
                """.formatted(JSON.writeValueAsString(args)));
    }

    /** One kapsel-runc invocation; stdout and stderr go to files, since a detached monitor keeps them open. */
    private Result kapsel(String... args) throws IOException, InterruptedException {
        return kapselOn(null, args);
    }

    /** With {@code terminal} (a pty slave) as stdin, stdout and stderr instead: what it printed is read from the master. */
    private Result kapselOn(String terminal, String... args) throws IOException, InterruptedException {
        List<String> command = command(args);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command);
        if (terminal == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
        } else {
            java.io.File tty = new java.io.File(terminal);
            pb.redirectInput(ProcessBuilder.Redirect.from(tty)).redirectOutput(ProcessBuilder.Redirect.appendTo(tty))
                    .redirectError(ProcessBuilder.Redirect.appendTo(tty));
        }
        Process p = pb.start();
        int status = p.waitFor();
        return new Result(status, Files.readString(out), Files.readString(err));
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Dkapsel.program=kapsel-runc",
                "-cp", System.getProperty("java.class.path"), "dev.kapsel.cli.Main", "--root", root.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private String runDetached(String id) throws Exception {
        config("sleep", "100");
        started.add(id);
        Result r = kapsel("run", "-d", "--bundle", bundle.toString(), id);
        assertEquals(0, r.status(), r.err());
        return id;
    }

    private JsonNode state(String id) throws Exception {
        Result r = kapsel("state", id);
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(r.out());
    }

    /** A foreground run passes a signal on to the container (here the sandbox's monitor, which it ends) and exits 128+N. */
    @Test
    void runPassesSignalsOnToTheContainer() throws Exception {
        config("sleep", "100");
        started.add("sig1");
        Process run = new ProcessBuilder(command("run", "--bundle", bundle.toString(), "sig1"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!kapsel("state", "sig1").out().contains("\"running\"")) {
            assertTrue(run.isAlive() && System.nanoTime() < deadline, "run never reached running");
            Thread.sleep(100);
        }
        run.destroy(); // SIGTERM
        assertTrue(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(143, run.exitValue(), "SIGTERM reached the container and run reports it");
        assertTrue(kapsel("state", "sig1").err().contains("does not exist"), "run deleted the container");
    }

    @Test
    void runExitsWithTheContainersStatusAndDeletesItUnlessKept() throws Exception {
        config("sh", "-c", "echo hi; exit 7");
        Result r = kapsel("run", "--bundle", bundle.toString(), "r1");
        assertEquals(7, r.status(), r.err());
        assertEquals("hi\n", r.out());
        Result gone = kapsel("state", "r1");
        assertEquals(1, gone.status());
        assertTrue(gone.err().contains("does not exist"), gone.err());

        started.add("r2");
        Result kept = kapsel("run", "--keep", "-b", bundle.toString(), "r2");
        assertEquals(7, kept.status(), kept.err());
        assertEquals("stopped", state("r2").get("status").asText());
    }

    /** {@code state} shows how the running monitor is confined: filtered (2) with no_new_privs (1) once its guest runs. */
    @Test
    void stateShowsTheMonitorsConfinement() throws Exception {
        String id = runDetached("c1");
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode annotations;
        do {
            annotations = state(id).get("annotations");
        } while (!"2".equals(annotations.path(StateReport.SECCOMP_ANNOTATION).asText()) && System.currentTimeMillis() < deadline
                && sleep());
        assertEquals("2", annotations.path(StateReport.SECCOMP_ANNOTATION).asText(), annotations.toString());
        assertEquals("1", annotations.path(StateReport.NO_NEW_PRIVS_ANNOTATION).asText(), annotations.toString());
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    @Test
    void killZeroProbesAndKillAllReachesExecProcesses() throws Exception {
        String id = runDetached("k1");
        assertEquals(0, kapsel("kill", id, "0").status());
        long init = state(id).get("pid").asLong();
        assertTrue(init > 0);
        Result exec = kapsel("exec", "-d", id, "sleep", "100");
        assertEquals(0, exec.status(), exec.err());
        JsonNode pids = JSON.readTree(kapsel("ps", "--format", "json", id).out());
        assertEquals(2, pids.size(), pids.toString());
        assertEquals(init, pids.get(0).asLong());
        long execPid = pids.get(1).asLong();
        Result table = kapsel("ps", id);
        assertTrue(table.out().startsWith("UID") && table.out().contains(" " + init + " ") && table.out().contains(" " + execPid + " "),
                table.out());

        assertEquals(0, kapsel("kill", "--all", id, "KILL").status());
        long deadline = System.currentTimeMillis() + 10_000;
        while ((alive(init) || alive(execPid)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(alive(init), "init monitor survived kill --all");
        assertFalse(alive(execPid), "exec process survived kill --all");
        assertEquals("stopped", state(id).get("status").asText());
        assertEquals("[]\n", kapsel("ps", "-f", "json", id).out());
        Result probe = kapsel("kill", id, "0");
        assertEquals(1, probe.status());
        assertTrue(probe.err().contains("not running"), probe.err());
        assertEquals(0, kapsel("kill", "--all", id, "KILL").status(), "kill --all of a stopped container succeeds, as runc");
    }

    @Test
    void deleteForceRemovesARunningContainer() throws Exception {
        String id = runDetached("d1");
        long monitor = state(id).get("pid").asLong();
        Result refused = kapsel("delete", id);
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("running"), refused.err());
        assertEquals(0, kapsel("delete", "--force", id).status());
        assertEquals(1, kapsel("state", id).status());
        long deadline = System.currentTimeMillis() + 5_000;
        while (alive(monitor) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(alive(monitor), "the monitor survived delete --force");
        assertEquals("null\n", kapsel("list", "--format", "json").out());
    }

    @Test
    void execTakesCwdEnvAndUserAndExitsWithTheProcessStatus() throws Exception {
        String id = runDetached("e1");
        Result r = kapsel("exec", "--cwd", "/bin", "--env", "FOO=bar", "-e", "BAZ=qux", id, "sh", "-c", "pwd; echo $FOO $BAZ; exit 4");
        assertEquals(4, r.status(), r.err());
        assertEquals("/bin\nbar qux\n", r.out());
        Result user = kapsel("exec", "--user", "1000:1000", id, "id");
        assertEquals(0, user.status(), user.err());
        // The sandbox runs every program as uid 0, and says so in one line.
        assertTrue(user.err().contains("--user 1000:1000 is not honoured by the sandbox isolation"), user.err());
        Result missing = kapsel("exec", id, "/bin/nonesuch");
        assertEquals(255, missing.status(), "runc: exec failed is 255");
    }

    @Test
    void listShowsRuncsColumnsAndJson() throws Exception {
        String id = runDetached("l1");
        String[] table = kapsel("list").out().split("\n");
        assertEquals(2, table.length);
        assertTrue(table[0].matches("ID {10}PID {9}STATUS {6}BUNDLE +CREATED +OWNER"), table[0]);
        assertTrue(table[1].startsWith("l1          "), table[1]);
        assertTrue(table[1].contains(" running ") && table[1].contains(bundle.toString()), table[1]);
        JsonNode list = JSON.readTree(kapsel("list", "-f", "json").out());
        assertEquals(1, list.size());
        JsonNode c = list.get(0);
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"),
                iterable(c.fieldNames()));
        assertEquals(id, c.get("id").asText());
        assertEquals("sandbox", c.get("annotations").get("dev.kapsel.isolation").asText());
        assertEquals(id + "\n", kapsel("list", "-q").out());
    }

    @Test
    void aForegroundTerminalContainerAndExecTtyRunOnTheCallersTerminal() throws Exception {
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "annotations": {"dev.kapsel.isolation": "sandbox"},
                 "process": {"terminal": true, "args": ["sh", "-c", "test -t 0 && test -t 1 && echo on-a-terminal; exit 3"],
                             "cwd": "/", "env": ["PATH=/bin"]}}
                """);
        try (dev.kapsel.oci.console.Pty pty = dev.kapsel.oci.console.Pty.open()) {
            Result run = kapselOn(pty.slavePath(), "run", "--bundle", bundle.toString(), "t1");
            assertEquals(3, run.status());
            assertTrue(drain(pty.master()).contains("on-a-terminal"), "the container saw no terminal");
        }
        // Without a terminal to lend (stdin is /dev/null) and no console socket: one line, nothing created.
        Result refused = kapsel("run", "--bundle", bundle.toString(), "t2");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("stdin is not a terminal"), refused.err());
        assertEquals(1, kapsel("state", "t2").status());

        String id = runDetached("t3");
        try (dev.kapsel.oci.console.Pty pty = dev.kapsel.oci.console.Pty.open()) {
            Result exec = kapselOn(pty.slavePath(), "exec", "-t", id, "sh", "-c", "test -t 0 && echo exec-on-a-terminal; exit 5");
            assertEquals(5, exec.status());
            assertTrue(drain(pty.master()).contains("exec-on-a-terminal"), "exec --tty saw no terminal");
        }
    }

    /** What the terminal's master holds once every slave is closed (read until EIO or nothing more arrives). */
    private static String drain(int master) {
        StringBuilder text = new StringBuilder();
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment pfd = arena.allocate(8, 4);
            java.lang.foreign.MemorySegment buf = arena.allocate(4096);
            while (true) {
                pfd.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, master);
                pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
                if (dev.kapsel.sys.Libc.poll(pfd, 1, 500) <= 0) {
                    return text.toString();
                }
                long n;
                try {
                    n = dev.kapsel.sys.Libc.read(master, buf, buf.byteSize());
                } catch (RuntimeException hungUp) {
                    return text.toString();
                }
                if (n <= 0) {
                    return text.toString();
                }
                text.append(new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static boolean alive(long pid) {
        return dev.kapsel.host.ProcessIdentity.of(pid).isPresent();
    }
}
