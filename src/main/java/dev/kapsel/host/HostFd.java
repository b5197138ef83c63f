package dev.kapsel.host;

import dev.kapsel.sys.FdStreams;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams over a host file descriptor this process was given (a pipe from conmon or the shim, or a
 * terminal), read and written with {@code read(2)}/{@code write(2)} so that any kind of descriptor
 * works; the streams never close the descriptor. The retry and wait logic is
 * {@link FdStreams}'s; terminal operations on the descriptor are {@link dev.kapsel.sys.Terminal}'s.
 */
public final class HostFd {
    private HostFd() {}

    public static InputStream input(int fd) {
        return FdStreams.input(fd);
    }

    public static OutputStream output(int fd) {
        return FdStreams.output(fd);
    }
}
