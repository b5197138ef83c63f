package dev.kapsel.agent;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of one connection to the guest agent: negotiates the protocol version, starts
 * processes (START for the container's process, EXEC for more) and routes their output and exit
 * statuses from a reader thread to {@link AgentProcess} handles. Works over any connected byte
 * stream: a vsock connection through the VMM, a Unix socket, a child's stdio.
 */
public final class AgentClient implements AutoCloseable {
    /** Protocol versions this client speaks. */
    public static final int VERSION_MIN = 1;
    public static final int VERSION_MAX = 1;
    /** Output bytes buffered per stream before the client stops reading the connection. */
    public static final long OUTPUT_BUFFER = 8L << 20;
    /** MOUNT flag bits (docs/agent-protocol.md). */
    public static final int MOUNT_READ_ONLY = 0x01;
    public static final int MOUNT_NOSUID = 0x02;
    public static final int MOUNT_NODEV = 0x04;
    public static final int MOUNT_NOEXEC = 0x08;

    private final InputStream in;
    private final OutputStream out;
    private final AutoCloseable connection;
    private final int version;
    private final String agentName;
    private final Map<Integer, AgentProcess> processes = new ConcurrentHashMap<>();
    /** NETWORK and MOUNT requests waiting for their answer, by id (ids are shared with processes, so never reused). */
    private final Map<Integer, CompletableFuture<Void>> requests = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Thread reader;
    private volatile IOException closedBecause;

    private AgentClient(InputStream in, OutputStream out, AutoCloseable connection, int version, String agentName) {
        this.in = in;
        this.out = out;
        this.connection = connection;
        this.version = version;
        this.agentName = agentName;
        this.reader = Thread.ofPlatform().daemon().name("kapsel-agent-reader").unstarted(this::readLoop);
    }

    /** Connects over a connected socket channel (blocking mode), and says HELLO. */
    public static AgentClient connect(SocketChannel channel) throws IOException {
        channel.configureBlocking(true);
        return connect(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
    }

    /**
     * Connects over a pair of streams (closed by {@code connection} on {@link #close()}), and says HELLO:
     * fails with {@link IncompatibleAgentException} when the agent shares no version.
     */
    public static AgentClient connect(InputStream in, OutputStream out, AutoCloseable connection) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 64 * 1024);
        new Frame(FrameType.HELLO, 0, new PayloadWriter().u16(VERSION_MIN).u16(VERSION_MAX).toByteArray()).writeTo(out);
        Frame reply = Frame.readFrom(buffered);
        if (reply == null) {
            throw new AgentClosedException("the guest agent closed the connection before answering HELLO", null);
        }
        if (reply.type() == FrameType.ERROR) {
            AgentErrorException e = AgentErrorException.decode(0, reply.payload());
            if (e.code() == ErrorCode.VERSION_UNSUPPORTED) {
                throw new IncompatibleAgentException("the guest agent speaks no protocol version in " + VERSION_MIN
                        + ".." + VERSION_MAX + ": " + e.agentMessage());
            }
            throw e;
        }
        if (reply.type() != FrameType.HELLO) {
            throw new MalformedPayloadException("the guest agent answered HELLO with " + reply.type());
        }
        PayloadReader r = new PayloadReader(reply.payload(), "HELLO");
        int version = r.u16();
        String name = r.string("agent name");
        r.end();
        if (version < VERSION_MIN || version > VERSION_MAX) {
            throw new IncompatibleAgentException("the guest agent chose protocol version " + version
                    + ", outside " + VERSION_MIN + ".." + VERSION_MAX);
        }
        AgentClient client = new AgentClient(buffered, out, connection, version, name);
        client.reader.start();
        return client;
    }

    /** Whether the thread that reads the agent's frames still runs (tests: it must end with the connection). */
    boolean readerAlive() {
        return reader.isAlive();
    }

    /** The negotiated protocol version. */
    public int version() {
        return version;
    }

    /** What the agent calls itself, e.g. {@code kapsel-agent 0.1}. */
    public String agentName() {
        return agentName;
    }

    /** Starts the container's process; returns once it runs, or throws why it could not. */
    public AgentProcess start(ProcessSpec spec) throws IOException, InterruptedException {
        return launch(FrameType.START, spec);
    }

    /** Starts another process in the running container. */
    public AgentProcess exec(ProcessSpec spec) throws IOException, InterruptedException {
        return launch(FrameType.EXEC, spec);
    }

    /**
     * Sends NETWORK and waits for the agent to have applied it (NETWORK_DONE); an {@link AgentErrorException}
     * says what the guest refused (no NIC with a MAC, a route the guest kernel rejected).
     */
    public void configureNetwork(NetworkConfig config) throws IOException, InterruptedException {
        request(FrameType.NETWORK, config.encode());
    }

    /**
     * Mounts the virtio-fs device tagged {@code tag} at {@code target} inside the container's root
     * (made where missing), before START; returns once it is mounted (MOUNTED), or throws the agent's refusal.
     */
    public void mount(String tag, String target, int flags) throws IOException, InterruptedException {
        request(FrameType.MOUNT, new PayloadWriter().string(tag).string(target).u8(flags).toByteArray());
    }

    /** Sends a request frame with a fresh id and waits for its one answer (NETWORK_DONE, MOUNTED or ERROR). */
    private void request(FrameType type, byte[] payload) throws IOException, InterruptedException {
        int id = nextId.getAndIncrement();
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.put(id, done);
        try {
            send(new Frame(type, id, payload));
            done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            requests.remove(id);
        }
    }

    private AgentProcess launch(FrameType type, ProcessSpec spec) throws IOException, InterruptedException {
        byte[] payload = spec.encode();
        if (payload.length > Frame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("process spec is " + payload.length + " bytes; the protocol allows "
                    + Frame.MAX_PAYLOAD);
        }
        int id = nextId.getAndIncrement();
        AgentProcess p = new AgentProcess(this, id, OUTPUT_BUFFER);
        processes.put(id, p);
        try {
            send(new Frame(type, id, payload));
            p.started().get();
            return p;
        } catch (ExecutionException e) {
            processes.remove(id);
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    void send(Frame frame) throws IOException {
        IOException closed = closedBecause;
        if (closed != null) {
            throw new AgentClosedException("the connection to the guest agent is closed: " + closed.getMessage(), closed);
        }
        try {
            synchronized (out) {
                frame.writeTo(out);
            }
        } catch (IOException e) {
            // the agent went away; its reason (an ERROR frame, usually) reaches the reader thread soon
            try {
                reader.join(1000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            IOException why = closedBecause != null ? closedBecause : e;
            throw new AgentClosedException("the connection to the guest agent is closed: " + why.getMessage(), why);
        }
    }

    private void readLoop() {
        IOException end;
        try {
            while (true) {
                Frame f = Frame.readFrom(in);
                if (f == null) {
                    end = new AgentClosedException("the guest agent closed the connection", null);
                    break;
                }
                dispatch(f);
            }
        } catch (AgentErrorException e) {
            end = e;
        } catch (IOException e) {
            end = closedBecause != null ? closedBecause
                    : e instanceof FrameException ? e
                    : new AgentClosedException("the connection to the guest agent failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            end = new AgentClosedException("interrupted", e);
        }
        shutDown(end);
    }

    private void dispatch(Frame f) throws IOException, InterruptedException {
        AgentProcess p = processes.get(f.processId());
        switch (f.type()) {
            case STARTED -> {
                PayloadReader r = new PayloadReader(f.payload(), "STARTED");
                int pid = r.u32();
                r.end();
                if (p != null) {
                    p.onStarted(pid);
                }
            }
            case STDOUT, STDERR -> {
                if (p != null) {
                    p.onOutput(f.type(), f.payload());
                }
            }
            case EXIT -> {
                ExitStatus status = ExitStatus.decode(f.payload());
                if (p != null) {
                    processes.remove(f.processId());
                    p.onExit(status);
                }
            }
            case NETWORK_DONE, MOUNTED -> {
                new PayloadReader(f.payload(), f.type().name()).end();
                CompletableFuture<Void> r = requests.get(f.processId());
                if (r != null) {
                    r.complete(null);
                }
            }
            case ERROR -> {
                AgentErrorException e = AgentErrorException.decode(f.processId(), f.payload());
                if (ErrorCode.closesConnection(e.rawCode())) {
                    throw e;
                }
                CompletableFuture<Void> r = requests.get(f.processId());
                if (r != null) {
                    r.completeExceptionally(e);
                }
                if (p != null) {
                    p.onRejected(e);
                }
            }
            default -> throw new MalformedPayloadException("the guest agent sent a " + f.type()
                    + " frame, which only the host sends");
        }
    }

    private void shutDown(IOException because) {
        if (closedBecause == null) {
            closedBecause = because;
        }
        for (AgentProcess p : processes.values()) {
            if (!p.finished()) {
                p.onConnectionLost(closedBecause);
            }
        }
        processes.clear();
        requests.values().forEach(r -> r.completeExceptionally(closedBecause));
        try {
            connection.close();
        } catch (Exception ignored) {
            // the connection is being abandoned either way
        }
    }

    /** Closes the connection; the agent kills the processes this connection started. */
    @Override
    public void close() {
        if (closedBecause == null) {
            closedBecause = new AgentClosedException("the client closed the connection", null);
        }
        try {
            connection.close();
        } catch (Exception ignored) {
            // nothing more to do
        }
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
