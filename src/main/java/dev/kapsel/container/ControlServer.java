package dev.kapsel.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The monitor's end of a container's control channel: a Unix-domain socket, {@code control.sock} in
 * the container's directory, through which other processes (runc's {@code pause} and {@code resume})
 * act on the running container. One request per connection: the client sends one line, a verb
 * ({@code pause}, {@code resume}, {@code state}); the server answers one line, {@code ok <state>} or
 * {@code error <message>}, and closes the connection.
 *
 * <p>A daemon thread accepts; each connection is served on its own short-lived virtual thread, at
 * most {@value #MAX_CONNECTIONS} at once, and must deliver its request within the request timeout,
 * so a client that connects and says nothing holds up no one else and is answered with an error.
 */
public final class ControlServer implements AutoCloseable {
    public static final String SOCKET_NAME = "control.sock";
    /**
     * The longest request line. The longest verb is six bytes; the bound keeps whatever local process
     * connects from making the monitor (which holds the container) buffer without limit, and leaves
     * room for a verb with an argument later.
     */
    public static final int MAX_REQUEST_BYTES = 256;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Connections served at once; more wait in the listen backlog (and time out at their client). */
    static final int MAX_CONNECTIONS = 8;
    /** Error messages are cut here, so an answer stays well inside what {@link ControlClient} reads. */
    static final int MAX_MESSAGE_CHARS = 300;

    private final Path socket;
    private final ContainerControl control;
    private final Duration requestTimeout;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<ControlConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ControlServer(Path socket, ContainerControl control, Duration requestTimeout, ServerSocketChannel server) {
        this.socket = socket;
        this.control = control;
        this.requestTimeout = requestTimeout;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("control " + socket.getFileName()).unstarted(this::accept);
    }

    /** The socket of the container whose directory is {@code containerDir}. */
    public static Path socketIn(Path containerDir) {
        return containerDir.resolve(SOCKET_NAME);
    }

    public static ControlServer start(Path socket, ContainerControl control) throws IOException {
        return start(socket, control, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Binds {@code socket} (a stale one, left by a monitor that died, is replaced; a live one is an
     * error), makes it 0600 and starts serving.
     */
    public static ControlServer start(Path socket, ContainerControl control, Duration requestTimeout)
            throws IOException {
        removeIfStale(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket), MAX_CONNECTIONS);
            // Connecting needs write permission on the socket. Between bind and this chmod the socket
            // has 0777 & ~umask, which with the usual umask (022, 077) gives no one else write access.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        ControlServer started = new ControlServer(socket, control, requestTimeout, server);
        started.acceptor.start();
        return started;
    }

    public Path socket() {
        return socket;
    }

    private static void removeIfStale(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException refused) {
            Files.deleteIfExists(socket); // nobody listens: a monitor died without closing
            return;
        }
        throw new IOException("cannot listen on " + socket + ": another monitor is listening there");
    }

    private void accept() {
        while (!closed) {
            SocketChannel channel;
            try {
                slots.acquire();
                channel = server.accept();
            } catch (InterruptedException | ClosedChannelException e) {
                return; // close()
            } catch (IOException e) {
                slots.release();
                if (closed) {
                    return;
                }
                continue; // one failed accept (ECONNABORTED, EMFILE) is no reason to stop serving
            }
            Thread.ofVirtual().name("control connection").start(() -> {
                try {
                    serve(channel);
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void serve(SocketChannel channel) {
        ControlConnection connection;
        try {
            connection = new ControlConnection(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            return;
        }
        open.add(connection);
        try (connection) {
            if (closed) {
                return; // close() may have run before this connection was registered
            }
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            String answer = answer(connection, deadline);
            connection.writeLine(answer, deadline);
        } catch (IOException | UncheckedIOException e) {
            // the client went away, was too slow to take the answer, or the server closed: nothing to tell
        } finally {
            open.remove(connection);
        }
    }

    private String answer(ControlConnection connection, long deadline) throws IOException {
        String request;
        try {
            request = connection.readLine(MAX_REQUEST_BYTES, deadline);
        } catch (ControlConnection.LineTooLongException e) {
            return error("request longer than " + MAX_REQUEST_BYTES + " bytes");
        } catch (SocketTimeoutException e) {
            return error("no request within " + requestTimeout.toMillis() + " ms");
        }
        Optional<ControlVerb> verb = ControlVerb.parse(request.strip());
        if (verb.isEmpty()) {
            return error("unknown request '" + request.strip() + "': expected pause, resume or state");
        }
        try {
            switch (verb.get()) {
                case PAUSE -> control.pause();
                case RESUME -> control.resume();
                case STATE -> { }
            }
            return "ok " + control.state();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return error(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /** One line whatever the message holds, and short. */
    private static String error(String message) {
        String line = message.replaceAll("[\\r\\n]+", " ");
        return "error " + (line.length() > MAX_MESSAGE_CHARS ? line.substring(0, MAX_MESSAGE_CHARS) + "..." : line);
    }

    /** Stops accepting, ends the connections being served, waits for the acceptor and removes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        acceptor.interrupt();
        for (ControlConnection connection : open) {
            closeQuietly(connection);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the container's directory went first (delete); nothing is left to serve
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on the way out: the connection is gone either way
        }
    }
}
