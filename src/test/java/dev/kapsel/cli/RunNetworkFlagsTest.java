package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kapsel run}'s network flags refused before anything is pulled or started: one line, exit 125, nothing made. */
class RunNetworkFlagsTest {
    @TempDir
    Path state;

    private Guest.Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString(), "run", "-d"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("no-such-image:never-pulled", "true"));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    private void refused(String message, String... args) throws Exception {
        Guest.Result r = run(args);
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains(message), r.toString());
    }

    @Test
    void badNetworkFlagsAreOneErrorBeforeTheImageIsLookedUp() throws Exception {
        refused("published port '80': expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", "--network", "bridge", "-p", "80");
        refused("host port 8080/tcp is published twice", "--network", "bridge", "-p", "8080:80", "-p", "127.0.0.1:8080:81");
        refused("-p needs --network bridge", "--network", "none", "-p", "8080:80");
        refused("--network 'host': kapsel has bridge and none", "--network", "host");
        refused("--dns 'dns.google' is not a numeric IP address", "--network", "bridge", "--dns", "dns.google");
        refused("--add-host 'db': expected NAME:IP", "--network", "bridge", "--add-host", "db");
        assertFalse(Files.exists(state.resolve("network")), "no lease directory");
        assertFalse(Files.exists(state.resolve("containers")) && Files.list(state.resolve("containers")).anyMatch(Files::isDirectory),
                "no container");
    }
}
