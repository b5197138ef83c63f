package dev.kapsel.vmm.snapshot;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmState;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest control channel a running {@code kapsel vm run} needs to be snapshotted from another
 * process: a Unix socket taking one request line per connection and answering one line, {@code ok} or
 * {@code error: REASON}. Requests: {@code pause}, {@code resume}, {@code stop}, and
 * {@code snapshot<TAB>MEMFILE<TAB>STATEFILE} (pauses a running VM first and leaves it paused). The HTTP
 * API (Firecracker's) is the full interface; this is what the CLI uses.
 */
public final class ControlSocket implements AutoCloseable {
    /** A request line longer than this is refused: two paths and a verb. */
    static final int MAX_REQUEST = 8192;

    private final MicroVm vm;
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    private ControlSocket(MicroVm vm, Path path, ServerSocketChannel server) {
        this.vm = vm;
        this.path = path;
        this.server = server;
        this.thread = Thread.ofPlatform().daemon().name("vm-control").start(this::serve);
    }

    /** Listens on {@code path} (which must not exist) for requests about {@code vm}. */
    public static ControlSocket open(MicroVm vm, Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException(path + ": cannot listen there: " + e.getMessage(), e);
        }
        return new ControlSocket(vm, path, server);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = readLine(client);
                String answer = request == null ? "error: the request line is too long or missing" : answer(request);
                client.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    String answer(String request) {
        String[] words = request.split("\t", -1);
        try {
            switch (words[0]) {
                case "pause" -> vm.pause();
                case "resume" -> vm.resume();
                case "stop" -> vm.stop();
                case "snapshot" -> {
                    if (words.length != 3) {
                        return "error: snapshot needs a memory file and a state file";
                    }
                    if (vm.state() == VmState.RUNNING) {
                        vm.pause();
                    }
                    Snapshots.create(vm, Path.of(words[1]), Path.of(words[2]));
                }
                default -> {
                    return "error: unknown request '" + words[0] + "' (pause, resume, stop, snapshot)";
                }
            }
            return "ok";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error: interrupted";
        } catch (SnapshotException | RuntimeException e) {
            return "error: " + e.getMessage().replace('\n', ' ');
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_REQUEST);
        while (buffer.hasRemaining()) {
            if (client.read(buffer) < 0) {
                break;
            }
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    /** Sends one request to the control socket at {@code path} and returns the answer line. */
    public static String request(Path path, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer answer = ByteBuffer.allocate(MAX_REQUEST);
            while (answer.hasRemaining() && channel.read(answer) >= 0) {
                if (answer.position() > 0 && answer.get(answer.position() - 1) == '\n') {
                    break;
                }
            }
            return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8).strip();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            thread.join(1000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the socket file stays; nothing else is held
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
