package dev.kapsel.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace of a test's own ({@code ip netns add}, root only), with iproute2 to build and
 * read its interfaces; {@link #close()} deletes it and everything in it.
 */
public final class TestNetns implements AutoCloseable {
    private final String name;

    private TestNetns(String name) {
        this.name = name;
    }

    public static boolean possible() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A fresh namespace {@code kapsel-<tag>-<pid>}. */
    public static TestNetns create(String tag) throws Exception {
        String name = "kapsel-" + tag + "-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", name);
        return new TestNetns(name);
    }

    public String name() {
        return name;
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** {@code ip -n NAME ARGS...}; its output. */
    public String ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** A command run inside the namespace ({@code ip netns exec}); its output. */
    public String exec(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs a command, failing the test with its output unless it exits 0. */
    public static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        run("ip", "netns", "del", name);
    }
}
