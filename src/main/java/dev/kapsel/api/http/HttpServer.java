package dev.kapsel.api.http;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A strict, minimal HTTP/1.1 server on a Unix-domain socket, in the manner of Firecracker's
 * micro_http: bounded request head and body ({@link HttpLimits}), Content-Length bodies only,
 * keep-alive with one request at a time per connection, and any request it cannot parse answered
 * 400/408/413 through {@link HttpHandler#refuse} before the connection is closed. One platform
 * thread accepts, one per connection (at most {@link HttpLimits#maxConnections}) reads and answers.
 */
public final class HttpServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final HttpLimits limits;
    private final HttpHandler handler;
    private final Set<HttpConnection> connections = new HashSet<>();
    private final Set<Thread> threads = new HashSet<>();
    private Thread acceptor;
    private boolean closed;

    private HttpServer(Path socket, ServerSocketChannel server, HttpLimits limits, HttpHandler handler) {
        this.socket = socket;
        this.server = server;
        this.limits = limits;
        this.handler = handler;
    }

    /**
     * Binds {@code socket}, which must not exist yet (as Firecracker refuses an existing API socket path:
     * another VMM may be serving it), and starts accepting.
     */
    public static HttpServer start(Path socket, HttpLimits limits, HttpHandler handler) throws IOException {
        if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(socket.toString(), null,
                    "the API socket path exists already (remove it if no VMM serves it)");
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        HttpServer server = new HttpServer(socket, channel, limits, handler);
        server.acceptor = Thread.ofPlatform().name("api-accept").daemon().start(server::acceptLoop);
        return server;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            synchronized (this) {
                if (closed) {
                    closeQuietly(client);
                    return;
                }
                if (connections.size() >= limits.maxConnections()) {
                    refuseBusy(client);
                    continue;
                }
                try {
                    HttpConnection connection = new HttpConnection(client, limits);
                    connections.add(connection);
                    Thread t = Thread.ofPlatform().name("api-connection").daemon().unstarted(() -> serve(connection));
                    threads.add(t);
                    t.start();
                } catch (IOException e) {
                    closeQuietly(client);
                }
            }
        }
    }

    private void refuseBusy(SocketChannel client) {
        try (client; HttpConnection c = new HttpConnection(client, limits)) {
            c.send(handler.refuse(503, "too many API connections (at most " + limits.maxConnections() + ")"), true);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void serve(HttpConnection connection) {
        try (connection) {
            while (true) {
                HttpRequest request;
                try {
                    request = connection.readRequest();
                } catch (HttpException e) {
                    connection.refuseAndLinger(handler.refuse(e.status(), e.getMessage()),
                            2L * (limits.maxHeadBytes() + limits.maxBodyBytes()));
                    return;
                }
                if (request == null) {
                    return;
                }
                HttpResponse response;
                try {
                    response = handler.handle(request);
                } catch (RuntimeException e) {
                    response = handler.refuse(500, "internal error: " + e);
                }
                boolean close = connection.closeAfterResponse();
                connection.send(response, close);
                if (close) {
                    return;
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // the client went away or the server closed
        } finally {
            synchronized (this) {
                connections.remove(connection);
                threads.remove(Thread.currentThread());
            }
        }
    }

    /** Stops accepting, closes every connection, removes the socket file and waits for the threads. */
    @Override
    public void close() {
        Set<Thread> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(server);
            for (HttpConnection c : connections) {
                closeQuietly(c);
            }
            running = new HashSet<>(threads);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // nothing more to do
        }
        try {
            acceptor.join(5000);
            for (Thread t : running) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
