package dev.kapsel.oci.console;

import dev.kapsel.sys.UnixSocket;
import java.nio.charset.StandardCharsets;

/**
 * The engine's {@code --console-socket}: a Unix stream socket to which the runtime sends the
 * terminal's master descriptor in one {@code sendmsg} with {@code SCM_RIGHTS}, the terminal's name
 * as the data, as runc does (conmon and containerd's shim receive it this way).
 */
public final class ConsoleSocket {
    private ConsoleSocket() {}

    public static void sendMaster(String socketPath, int masterFd, String name) {
        UnixSocket.sendFd(socketPath, masterFd, name.getBytes(StandardCharsets.UTF_8));
    }
}
