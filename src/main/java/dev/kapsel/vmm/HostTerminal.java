package dev.kapsel.vmm;

import java.io.Console;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Puts the host terminal in raw mode while a guest console is attached, so keys (Ctrl-C included)
 * reach the guest as they are typed, and restores it on exit. Does nothing when stdin is not a terminal.
 */
public final class HostTerminal implements AutoCloseable {
    private final String saved;

    private HostTerminal(String saved) {
        this.saved = saved;
    }

    public static HostTerminal attach() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return new HostTerminal(null);
        }
        try {
            String state = stty("-g").trim();
            stty("raw", "-echo");
            HostTerminal t = new HostTerminal(state);
            Runtime.getRuntime().addShutdownHook(new Thread(t::close));
            return t;
        } catch (IOException | InterruptedException e) {
            return new HostTerminal(null);
        }
    }

    private static String stty(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(5, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public synchronized void close() {
        if (saved != null) {
            try {
                stty(saved);
            } catch (IOException | InterruptedException ignored) {
                // Best effort: the terminal may already be gone.
            }
        }
    }
}
