package dev.kapsel.container;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The other end of a {@link ControlServer}: one request, one answer, within a timeout. */
public final class ControlClient {
    /** Longer than any answer the server sends ({@link ControlServer#MAX_MESSAGE_CHARS} characters of message). */
    static final int MAX_ANSWER_BYTES = 4096;

    private ControlClient() {
    }

    /**
     * Sends {@code verb} to the monitor listening on {@code socket} and returns the state it answers
     * with ({@code paused} after a pause, say).
     *
     * @throws IllegalArgumentException if {@code verb} is empty or holds a line break
     */
    public static String send(Path socket, String verb, Duration timeout) throws ControlException {
        if (verb.isEmpty() || verb.indexOf('\n') >= 0 || verb.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a control verb is one non-empty line: '" + verb + "'");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new ControlException.Broken(socket, verb, "cannot open a socket: " + e.getMessage(), e);
        }
        try {
            connect(channel, socket, timeout);
        } catch (ClosedChannelException e) { // closed by the watchdog: the deadline passed
            throw new ControlException.TimedOut(socket, verb, timeout, e);
        } catch (ConnectException e) {
            closeQuietly(channel);
            throw new ControlException.NoMonitor(socket, verb, "connection refused", e);
        } catch (IOException e) {
            closeQuietly(channel);
            if (!Files.exists(socket)) {
                throw new ControlException.NoMonitor(socket, verb, "no such socket", e);
            }
            throw new ControlException.Broken(socket, verb, "cannot connect: " + e.getMessage(), e);
        }
        String answer;
        try (ControlConnection connection = new ControlConnection(channel)) {
            connection.writeLine(verb, deadline);
            answer = connection.readLine(MAX_ANSWER_BYTES, deadline);
        } catch (SocketTimeoutException | ClosedChannelException e) { // the watchdog's close just after the connect
            throw new ControlException.TimedOut(socket, verb, timeout, e);
        } catch (EOFException e) {
            throw new ControlException.Broken(socket, verb, "the monitor closed the connection without answering", e);
        } catch (IOException e) {
            throw new ControlException.Broken(socket, verb, e.getMessage(), e);
        }
        return state(socket, verb, answer);
    }

    /**
     * A Unix-domain connect returns at once, connected or refused, unless the monitor's listen backlog
     * is full (it serves as many as it will and is slow, or it is stopped): then it waits with no
     * bound of its own, and a non-blocking one fails with EAGAIN. So it blocks, and a watchdog closes
     * the channel at the deadline, which ends the connect with {@link AsynchronousCloseException}.
     */
    private static void connect(SocketChannel channel, Path socket, Duration timeout) throws IOException {
        Thread watchdog = Thread.ofVirtual().name("control connect watchdog").start(() -> {
            try {
                Thread.sleep(timeout);
                channel.close();
            } catch (InterruptedException connected) {
                // the connect ended in time
            } catch (IOException ignored) {
                // closing a channel that never connected: nothing more to release
            }
        });
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } finally {
            watchdog.interrupt();
        }
    }

    private static String state(Path socket, String verb, String answer) throws ControlException {
        if (answer.startsWith("ok ") && answer.length() > 3) {
            return answer.substring(3);
        }
        if (answer.startsWith("error ")) {
            throw new ControlException.Refused(socket, verb, answer.substring(6));
        }
        throw new ControlException.Broken(socket, verb, "an answer that is neither 'ok' nor 'error': '" + answer + "'",
                null);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // never connected: nothing to release beyond the descriptor
        }
    }
}
