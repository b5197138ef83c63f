package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.sys.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Drives the real agent (built by Maven, run as a child process on a Unix socket) with {@link AgentClient}. */
@Timeout(60)
class AgentClientTest {
    private static final String PATH = "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

    @TempDir
    Path dir;
    GuestAgentProcess agent;
    AgentClient client;

    @BeforeEach
    void startAgent() throws Exception {
        agent = GuestAgentProcess.start(dir);
        client = agent.connect();
    }

    @AfterEach
    void stopAgent() throws Exception {
        client.close();
        agent.close();
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void negotiatesVersionOne() {
        assertEquals(1, client.version());
        assertTrue(client.agentName().startsWith("kapsel-agent"), client.agentName());
    }

    @Test
    void stdoutAndStderrStaySeparateAndTheExitCodeArrives() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sh", "-c", "echo out; echo err >&2; exit 3").env(PATH).build());
        assertEquals("out\n", text(p.stdout()));
        assertEquals("err\n", text(p.stderr()));
        assertEquals(ExitStatus.exited(3), p.waitFor());
        assertTrue(p.pid() > 0);
    }

    @Test
    void stdinIsForwardedAndClosedAtEof() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("cat").env(PATH).stdin().build());
        p.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
        p.stdin().close();
        assertEquals("hello\n", text(p.stdout()));
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void largeStdinAndStdoutSurviveBackpressure() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("cat").env(PATH).stdin().build());
        byte[] data = new byte[5 << 20];
        new java.util.Random(7).nextBytes(data);
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var in = p.stdin()) {
                in.write(data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] echoed = p.stdout().readAllBytes();
        writer.join();
        assertEquals(data.length, echoed.length);
        assertTrue(java.util.Arrays.equals(data, echoed), "cat returned different bytes");
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void environmentWorkingDirectoryAndUserApply() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing uid needs root");
        ProcessSpec spec = ProcessSpec.of("sh", "-c", "id -u; id -g; id -G; pwd; env")
                .env(PATH, "GREETING=hello world").cwd("/tmp").user(1000, 1001, 10, 20).build();
        AgentProcess p = client.start(spec);
        List<String> lines = text(p.stdout()).lines().toList();
        assertEquals(ExitStatus.exited(0), p.waitFor());
        assertEquals("1000", lines.get(0));
        assertEquals("1001", lines.get(1));
        assertEquals(List.of("1001", "10", "20"), List.of(lines.get(2).split(" ")));
        assertEquals("/tmp", lines.get(3));
        List<String> env = lines.subList(4, lines.size());
        assertTrue(env.contains("GREETING=hello world"), env.toString());
        assertTrue(env.contains(PATH), env.toString());
        assertFalse(env.stream().anyMatch(e -> e.startsWith("HOME=")), "the agent's own environment leaked: " + env);
    }

    @Test
    void rlimitsApply() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sh", "-c", "ulimit -n; ulimit -Hn").env(PATH)
                .rlimit(Rlimit.of("RLIMIT_NOFILE", 123, 456)).build());
        assertEquals("123\n456\n", text(p.stdout()));
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void signalTerminatesTheProcessAndIsReportedAsASignal() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sleep", "100").env(PATH).build());
        assertEquals(Optional.empty(), p.waitFor(Duration.ofMillis(200)));
        p.signal(Signal.SIGTERM);
        ExitStatus status = p.waitFor();
        assertEquals(ExitStatus.killedBy(15), status);
        assertEquals(143, status.shellStatus());
    }

    @Test
    void terminalGivesAPseudoTerminalAndResizeChangesItsSize() throws Exception {
        AgentProcess tty = client.start(ProcessSpec.of("tty").env(PATH).terminal(new TerminalSize(30, 90)).build());
        String name = text(tty.stdout()).strip();
        assertEquals(ExitStatus.exited(0), tty.waitFor());
        assertTrue(name.matches("/dev/pts/\\d+"), name);
    }

    @Test
    void resizeReachesTheTerminal() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sh", "-c", "stty size; read x; stty size").env(PATH)
                .terminal(new TerminalSize(30, 90)).stdin().build());
        StringBuilder seen = new StringBuilder();
        readUntil(p.stdout(), seen, "30 90");
        p.resize(new TerminalSize(40, 100));
        p.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
        readUntil(p.stdout(), seen, "40 100");
        assertEquals(ExitStatus.exited(0), p.waitFor());
        assertTrue(p.rejections().isEmpty(), p.rejections().toString());
    }

    private static void readUntil(InputStream in, StringBuilder seen, String wanted) throws IOException {
        byte[] buf = new byte[256];
        while (!seen.toString().contains(wanted)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("output ended before '" + wanted + "': " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }

    @Test
    void execRunsASecondProcessWhileTheFirstRuns() throws Exception {
        AgentProcess first = client.start(ProcessSpec.of("sleep", "100").env(PATH).build());
        AgentProcess second = client.exec(ProcessSpec.of("sh", "-c", "echo second; exit 4").env(PATH).build());
        assertEquals("second\n", text(second.stdout()));
        assertEquals(ExitStatus.exited(4), second.waitFor());
        assertTrue(first.exitStatus().isEmpty(), "the first process ended early");
        assertTrue(second.pid() != first.pid());
        first.signal(Signal.SIGKILL);
        assertEquals(ExitStatus.killedBy(9), first.waitFor());
    }

    @Test
    void execProcessesDieWithTheContainerProcess() throws Exception {
        AgentProcess first = client.start(ProcessSpec.of("sleep", "100").env(PATH).build());
        AgentProcess other = client.exec(ProcessSpec.of("sleep", "100").env(PATH).build());
        first.signal(Signal.SIGTERM);
        assertEquals(ExitStatus.killedBy(15), first.waitFor());
        assertEquals(ExitStatus.killedBy(9), other.waitFor());
    }

    @Test
    void execNeedsARunningContainerAndStartHappensOnce() throws Exception {
        AgentErrorException notRunning = assertThrows(AgentErrorException.class,
                () -> client.exec(ProcessSpec.of("true").env(PATH).build()));
        assertEquals(ErrorCode.NOT_RUNNING, notRunning.code());
        AgentProcess p = client.start(ProcessSpec.of("true").env(PATH).build());
        assertEquals(ExitStatus.exited(0), p.waitFor());
        AgentErrorException again = assertThrows(AgentErrorException.class,
                () -> client.start(ProcessSpec.of("true").env(PATH).build()));
        assertEquals(ErrorCode.ALREADY_STARTED, again.code());
    }

    @Test
    void aMissingCommandIsASpawnFailureNotAnExitStatus() throws Exception {
        SpawnFailedException e = assertThrows(SpawnFailedException.class,
                () -> client.start(ProcessSpec.of("no-such-command-kapsel").env(PATH).build()));
        assertTrue(e.commandNotFound(), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-command-kapsel"), e.getMessage());
    }

    @Test
    void aMissingWorkingDirectoryIsASpawnFailureThatSaysSo() throws Exception {
        SpawnFailedException e = assertThrows(SpawnFailedException.class,
                () -> client.start(ProcessSpec.of("true").env(PATH).cwd("/no/such/dir").build()));
        assertFalse(e.commandNotFound());
        assertTrue(e.getMessage().contains("working directory"), e.getMessage());
    }

    @Test
    void signalsToAnExitedProcessAreRejectedNotFatal() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sleep", "100").env(PATH).build());
        p.signal(0x7fff);
        p.signal(Signal.SIGKILL);
        assertEquals(ExitStatus.killedBy(9), p.waitFor());
        assertEquals(1, p.rejections().size());
        assertEquals(ErrorCode.INVALID_ARGUMENT, p.rejections().getFirst().code());
        // the connection is still usable after a rejected request
        AgentErrorException e = assertThrows(AgentErrorException.class,
                () -> client.exec(ProcessSpec.of("true").env(PATH).build()));
        assertEquals(ErrorCode.NOT_RUNNING, e.code());
    }

    @Test
    void orphansAreReapedAndNotReported() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sh", "-c", "(sleep 0.3 &); exit 5").env(PATH).build());
        assertEquals(ExitStatus.exited(5), p.waitFor());
        Thread.sleep(1000);
        assertEquals(List.of(), zombieChildren(agent.pid()));
    }

    private static List<String> zombieChildren(long parent) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(d -> d.getFileName().toString().matches("\\d+")).flatMap(d -> {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return f[0].equals("Z") && Long.parseLong(f[1]) == parent ? java.util.stream.Stream.of(stat)
                            : java.util.stream.Stream.empty();
                } catch (IOException e) {
                    return java.util.stream.Stream.empty();
                }
            }).toList();
        }
    }

    @Test
    void closingTheConnectionKillsItsProcesses() throws Exception {
        AgentProcess p = client.start(ProcessSpec.of("sleep", "100").env(PATH).build());
        int pid = p.pid();
        client.close();
        for (int i = 0; i < 200 && Files.exists(Path.of("/proc/" + pid)); i++) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " outlived its connection");
        client = agent.connect();
        assertEquals(1, client.version());
    }

    @Test
    void hostnameIsSetByStart() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare to keep the host's hostname");
        assumeTrue("root".equals(System.getProperty("user.name")), "a UTS namespace needs root");
        try (GuestAgentProcess isolated = GuestAgentProcess.start(Files.createDirectory(dir.resolve("uts")),
                "unshare", "--uts");
             AgentClient c = isolated.connect()) {
            AgentProcess p = c.start(ProcessSpec.of("hostname").env(PATH).hostname("kapsel-guest").build());
            assertEquals("kapsel-guest\n", text(p.stdout()));
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
    }
}
