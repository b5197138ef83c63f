package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.cli.oci.RuncCommand;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command line holds only the verb the arguments name, so a short command builds one command's model. */
class VerbsTest {
    private static Set<String> verbs(picocli.CommandLine cli) {
        return cli.getSubcommands().keySet();
    }

    @Test
    void onlyTheChosenVerbIsBuilt() {
        assertEquals(Set.of("ps"), verbs(Main.kapsel(List.of("ps", "-a"))));
        assertEquals(Set.of("run"), verbs(Main.kapsel(List.of("run", "--rm", "img", "ps"))), "the verb, not the container's command");
        assertEquals(Set.of("state"), verbs(RuncCommand.commandLine("kapsel-runc", List.of("--root", "/r", "state", "x"))),
                "a global option's value is not the verb");
        assertEquals(Set.of("list"), verbs(RuncCommand.commandLine("kapsel-runc", List.of("--log-format", "json", "--debug", "list"))));
        assertEquals(Set.of(), verbs(Main.kapsel(List.of("--version"))));
        assertEquals(Set.of(), verbs(RuncCommand.commandLine("kapsel-runc", List.of("-v"))));
    }

    @Test
    void withoutAVerbOrForHelpEveryVerbIsThereForUsage() {
        assertEquals(19, verbs(Main.kapsel(List.of())).size());
        assertEquals(19, verbs(Main.kapsel(List.of("--help"))).size());
        assertEquals(19, verbs(Main.kapsel(List.of("nosuch"))).size(), "an unknown verb's error lists the real ones");
        Set<String> runc = verbs(RuncCommand.commandLine("kapsel-runc", List.of("help", "state")));
        assertTrue(runc.containsAll(Set.of("help", "state", "create", "delete", "features")), runc.toString());
    }

    @Test
    void aLeanCommandLineParsesAndRunsAsTheFullOne() {
        assertEquals(0, Main.run("--version"));
        assertEquals(1, Main.run("--root", System.getProperty("java.io.tmpdir") + "/kapsel-verbs-test-none", "state", "nosuch"));
        assertEquals(2, Main.run("nosuch"), "usage error");
    }

    @Test
    void trainingSplitsCommandLinesAtTheMarker() {
        assertEquals(List.of(List.of("kapsel", "--version"), List.of("kapsel-runc", "state", "x"), List.of("kapsel", "ps")),
                StartupTraining.commandLines(List.of("kapsel", "--version", "::", "kapsel-runc", "state", "x", "::", "::", "kapsel", "ps")));
    }
}
