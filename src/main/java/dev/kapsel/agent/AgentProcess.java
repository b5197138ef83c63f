package dev.kapsel.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process the agent started (by START or EXEC): its stdin, stdout and stderr as streams, signals,
 * terminal resizes, and its exit status. Output streams end (EOF) when the process has exited;
 * everything it wrote before exiting comes before the end.
 */
public final class AgentProcess {
    private static final int STDIN_CHUNK = 64 * 1024;

    private final AgentClient client;
    private final int id;
    private final OutputPipe stdout;
    private final OutputPipe stderr;
    private final CompletableFuture<Integer> started = new CompletableFuture<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final List<AgentErrorException> rejections = new CopyOnWriteArrayList<>();
    private final OutputStream stdin = new StdinStream();

    AgentProcess(AgentClient client, int id, long outputBuffer) {
        this.client = client;
        this.id = id;
        this.stdout = new OutputPipe(outputBuffer);
        this.stderr = new OutputPipe(outputBuffer);
    }

    /** The id the host chose for this process on its connection. */
    public int id() {
        return id;
    }

    /** The process's pid in the guest. */
    public int pid() {
        return started.join();
    }

    /** Bytes written here go to the process's stdin (if the spec asked for stdin); close() sends end-of-file. */
    public OutputStream stdin() {
        return stdin;
    }

    /** What the process writes to stdout (with a terminal: everything it writes to the terminal). */
    public InputStream stdout() {
        return stdout;
    }

    /** What the process writes to stderr (with a terminal: nothing, it is all on stdout). */
    public InputStream stderr() {
        return stderr;
    }

    /** Sends the signal to the process. Asynchronous: a rejection shows up in {@link #rejections()}. */
    public void signal(int signal) throws IOException {
        client.send(new Frame(FrameType.SIGNAL, id, new PayloadWriter().u32(signal).toByteArray()));
    }

    /** Resizes the process's terminal. Asynchronous like {@link #signal}. */
    public void resize(TerminalSize size) throws IOException {
        client.send(new Frame(FrameType.RESIZE, id,
                new PayloadWriter().u16(size.rows()).u16(size.cols()).toByteArray()));
    }

    /** Waits for the process to end. */
    public ExitStatus waitFor() throws IOException, InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Waits at most timeout; empty if the process is still running. */
    public Optional<ExitStatus> waitFor(Duration timeout) throws IOException, InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** The exit status if the process has ended. */
    public Optional<ExitStatus> exitStatus() {
        return exit.isDone() && !exit.isCompletedExceptionally() ? Optional.of(exit.join()) : Optional.empty();
    }

    /** Requests about this process (signal, resize, stdin) that the agent refused, oldest first. */
    public List<AgentErrorException> rejections() {
        return List.copyOf(rejections);
    }

    private static IOException unwrap(ExecutionException e) {
        return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }

    // ---- called by the client's reader thread ----

    CompletableFuture<Integer> started() {
        return started;
    }

    void onStarted(int pid) {
        started.complete(pid);
    }

    void onOutput(FrameType type, byte[] data) throws InterruptedException {
        (type == FrameType.STDOUT ? stdout : stderr).put(data);
    }

    void onExit(ExitStatus status) {
        stdout.end();
        stderr.end();
        exit.complete(status);
    }

    void onRejected(AgentErrorException e) {
        if (!started.isDone()) {
            started.completeExceptionally(e);
            stdout.end();
            stderr.end();
        } else {
            rejections.add(e);
        }
    }

    void onConnectionLost(IOException e) {
        started.completeExceptionally(e);
        stdout.fail(e);
        stderr.fail(e);
        exit.completeExceptionally(e);
    }

    boolean finished() {
        return exit.isDone() || started.isCompletedExceptionally();
    }

    /** Splits writes into STDIN frames; close sends STDIN_CLOSE once. */
    private final class StdinStream extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            synchronized (this) {
                if (closed) {
                    throw new IOException("stdin of process " + id + " is closed");
                }
            }
            for (int at = off; at < off + len; at += STDIN_CHUNK) {
                int n = Math.min(STDIN_CHUNK, off + len - at);
                client.send(new Frame(FrameType.STDIN, id, java.util.Arrays.copyOfRange(b, at, at + n)));
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (!exit.isDone()) {
                client.send(Frame.of(FrameType.STDIN_CLOSE, id));
            }
        }
    }
}
