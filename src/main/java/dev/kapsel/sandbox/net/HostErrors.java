package dev.kapsel.sandbox.net;

import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;

/** The errno a failed host socket operation means for the program (from the JDK's exception and its message). */
final class HostErrors {
    private HostErrors() {}

    static int errno(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof BindException) {
            if (m.contains("Cannot assign")) {
                return SocketErrno.EADDRNOTAVAIL;
            }
            if (m.contains("Permission denied")) {
                return Errno.EACCES;
            }
            return SocketErrno.EADDRINUSE;
        }
        if (e instanceof PortUnreachableException) {
            return SocketErrno.ECONNREFUSED;
        }
        if (e instanceof NoRouteToHostException) {
            return SocketErrno.EHOSTUNREACH;
        }
        if (m.contains("Connection refused")) {
            return SocketErrno.ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return SocketErrno.ETIMEDOUT;
        }
        if (m.contains("Network is unreachable")) {
            return SocketErrno.ENETUNREACH;
        }
        if (m.contains("Broken pipe")) {
            return Errno.EPIPE;
        }
        if (m.contains("reset")) {
            return SocketErrno.ECONNRESET;
        }
        if (e instanceof ConnectException) {
            return SocketErrno.ECONNREFUSED;
        }
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return Errno.EPIPE;
        }
        return Errno.EIO;
    }
}
