package dev.kapsel.container;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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
            // A blocking connect: on a Unix-domain socket it returns at once, connected or refused.
            channel.connect(UnixDomainSocketAddress.of(socket));
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
        } catch (SocketTimeoutException e) {
            throw new ControlException.TimedOut(socket, verb, timeout, e);
        } catch (EOFException e) {
            throw new ControlException.Broken(socket, verb, "the monitor closed the connection without answering", e);
        } catch (IOException e) {
            throw new ControlException.Broken(socket, verb, e.getMessage(), e);
        }
        return state(socket, verb, answer);
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
