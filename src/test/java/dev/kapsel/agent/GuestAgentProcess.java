package dev.kapsel.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent the build made (target/agent/kapsel-agent), run on this host as a child process that
 * listens on a Unix socket, without PID-1 mounts (it is not PID 1 here); for tests.
 */
final class GuestAgentProcess implements AutoCloseable {
    static final Path BINARY = Path.of("target/agent/kapsel-agent");

    private final Process process;
    private final Path socket;

    private GuestAgentProcess(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts the agent, optionally under a command prefix (e.g. {@code unshare -u}). */
    static GuestAgentProcess start(Path dir, String... prefix) throws IOException, InterruptedException {
        return start(dir, List.of(prefix), List.of());
    }

    /** Starts the agent under {@code prefix} with {@code extraArgs} after its own (e.g. {@code --root DIR}). */
    static GuestAgentProcess start(Path dir, List<String> prefix, List<String> extraArgs) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: the Maven build (generate-resources) makes it");
        }
        Path socket = dir.resolve("agent.sock");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(BINARY.toAbsolutePath().toString(), "--unix", socket.toString(), "--no-mounts"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 500 && !Files.exists(socket); i++) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the agent exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(10);
        }
        return new GuestAgentProcess(p, socket);
    }

    /** Connects, retrying for a while: the socket file exists from bind(), before the agent's listen(). */
    SocketChannel openChannel() throws IOException {
        for (int attempt = 0; ; attempt++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (java.net.ConnectException e) {
                ch.close();
                if (attempt >= 200 || !process.isAlive()) {
                    throw e;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    AgentClient connect() throws IOException {
        return AgentClient.connect(openChannel());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
