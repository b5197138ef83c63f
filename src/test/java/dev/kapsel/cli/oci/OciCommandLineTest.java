package dev.kapsel.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.cli.Main;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class OciCommandLineTest {
    private static ParseResult parse(String... args) {
        return Main.commandLine(args).parseArgs(args);
    }

    private static OciGlobalOptions globals(ParseResult r) {
        return (OciGlobalOptions) r.commandSpec().mixins().get(OciVerb.GLOBALS).userObject();
    }

    @Test
    void globalOptionsBeforeTheVerbAsTheRuncShimPassesThem() {
        ParseResult r = parse("--root", "/run/containerd/runc/default", "--log", "/s/log.json",
                "--log-format", "json", "create", "--bundle", "/s/b", "--pid-file", "/s/init.pid", "t1");
        OciGlobalOptions g = globals(r);
        assertEquals(Path.of("/run/containerd/runc/default"), g.root());
        assertEquals(Path.of("/s/log.json"), g.log);
        assertEquals("json", g.logFormat);
        OciCreateCommand create = (OciCreateCommand) r.subcommand().commandSpec().userObject();
        assertEquals(Path.of("/s/b"), create.options.bundle);
        assertEquals(Path.of("/s/init.pid"), create.options.pidFile);
        assertEquals("t1", create.id);
    }

    @Test
    void equalsFormsSystemdCgroupAndDefaults() {
        ParseResult r = parse("--root=/r", "--systemd-cgroup", "--log-format=text", "state", "x");
        assertEquals(Path.of("/r"), globals(r).root());
        assertTrue(globals(r).systemdCgroup);
        ParseResult d = parse("state", "x");
        assertEquals(Path.of("/run/kapsel"), globals(d).root());
        assertFalse(globals(d).systemdCgroup);
    }

    @Test
    void verbFlagsAsEnginesPassThem() {
        ParseResult kill = parse("kill", "--all", "c", "SIGKILL");
        OciKillCommand k = (OciKillCommand) kill.subcommand().commandSpec().userObject();
        assertTrue(k.all);
        assertEquals("SIGKILL", k.signal);
        OciKillCommand dflt = (OciKillCommand) parse("kill", "c").subcommand().commandSpec().userObject();
        assertEquals("SIGTERM", dflt.signal);
        OciPsCommand ps = (OciPsCommand) parse("ps", "--format", "json", "c").subcommand().commandSpec().userObject();
        assertEquals("json", ps.format);
        // As runc: after the id, ps's arguments are ps(1)'s.
        OciPsCommand psArgs = (OciPsCommand) parse("ps", "c", "-o", "pid,comm").subcommand().commandSpec().userObject();
        assertEquals(List.of("-o", "pid,comm"), psArgs.psArgs);
        assertEquals("table", psArgs.format);
        OciExecCommand exec = (OciExecCommand) parse("exec", "--pid-file", "/p", "--process", "/f",
                "--detach", "--console-socket", "/s", "c").subcommand().commandSpec().userObject();
        assertTrue(exec.detach);
        assertEquals("/s", exec.consoleSocket);
        OciExecCommand withArgs = (OciExecCommand) parse("exec", "-t", "c", "sh", "-c", "ls --all")
                .subcommand().commandSpec().userObject();
        assertEquals(List.of("sh", "-c", "ls --all"), withArgs.args);
        OciCreateCommand c = (OciCreateCommand) parse("create", "--bundle", "b", "--no-pivot",
                "--no-new-keyring", "--console-socket", "/c.sock", "id").subcommand().commandSpec().userObject();
        assertTrue(c.options.noPivot && c.options.noNewKeyring);
    }

    @Test
    void unknownFlagsAreNamed() {
        CommandLine.UnmatchedArgumentException e = assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> parse("create", "--bundle", "b", "--frobnicate", "id"));
        assertTrue(e.getMessage().contains("--frobnicate"), e.getMessage());
        CommandLine.UnmatchedArgumentException g = assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> parse("--rooot", "/r", "state", "x"));
        assertTrue(g.getMessage().contains("--rooot"), g.getMessage());
    }

    @Test
    void aBadLogFormatIsAnErrorExit() {
        assertEquals(1, Main.run("--log-format", "xml", "state", "x"));
    }

    /** The runc dialect's command line with its output captured: exit status, stdout. */
    private record Outcome(int status, String out) {}

    private static Outcome runc(String... args) {
        CommandLine cli = RuncCommand.commandLine("kapsel-runc");
        java.io.StringWriter out = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        int status = cli.execute(args);
        return new Outcome(status, out.toString());
    }

    @Test
    void usageMistakesExitOneWithTheVerbsHelpAsRuncDoes() {
        // runc 1.1.5: "Incorrect Usage" and the verb's help on stdout, exit 1, for a missing id,
        // an extra argument and an unknown flag alike.
        for (String[] mistake : List.of(new String[] {"state"}, new String[] {"state", "a", "b"},
                new String[] {"state", "--frob", "x"}, new String[] {"kill"}, new String[] {"run"}, new String[] {"ps"},
                new String[] {"delete"}, new String[] {"pause"}, new String[] {"list", "extra"})) {
            Outcome o = runc(mistake);
            assertEquals(1, o.status(), String.join(" ", mistake));
            assertTrue(o.out().startsWith("Incorrect Usage"), o.out());
            assertTrue(o.out().contains("kapsel-runc " + mistake[0]), o.out());
        }
    }

    @Test
    void anUnknownVerbExitsThreeAsUrfaveCliDoes() {
        assertEquals(3, runc("frobnicate").status());
        assertEquals(3, runc("--root", "/tmp/r", "checkpoint", "x").status());
    }

    @Test
    void everyVerbHasRuncsHelp() {
        java.util.Map<String, String> descriptions = java.util.Map.ofEntries(
                java.util.Map.entry("create", "create a container"),
                java.util.Map.entry("start", "executes the user defined process in a created container"),
                java.util.Map.entry("state", "output the state of a container"),
                java.util.Map.entry("kill", "kill sends the specified signal (default: SIGTERM) to the container's init process"),
                java.util.Map.entry("delete", "delete any resources held by the container"),
                java.util.Map.entry("exec", "execute new process inside the container"),
                java.util.Map.entry("ps", "ps displays the processes running inside a container"),
                java.util.Map.entry("list", "lists containers started by kapsel-runc with the given root"),
                java.util.Map.entry("run", "create and run a container"),
                java.util.Map.entry("spec", "create a new specification file"),
                java.util.Map.entry("pause", "pause suspends all processes inside the container"),
                java.util.Map.entry("resume", "resumes all processes that have been previously paused"),
                java.util.Map.entry("features", "show the enabled features"));
        for (var verb : descriptions.entrySet()) {
            for (String flag : List.of("--help", "-h")) {
                Outcome o = runc(verb.getKey(), flag);
                assertEquals(0, o.status(), verb.getKey());
                assertTrue(o.out().contains(verb.getValue()), verb.getKey() + ": " + o.out());
            }
        }
        Outcome root = runc("--help");
        assertEquals(0, root.status());
        for (String global : List.of("--root", "--log", "--log-format", "--debug", "--criu", "--systemd-cgroup", "--rootless",
                "--version")) {
            assertTrue(root.out().contains(global), global);
        }
        for (String verb : descriptions.keySet()) {
            assertTrue(root.out().contains("  " + verb + " "), verb);
        }
    }

    @Test
    void runcsFlagsPerVerb() {
        // Every flag runc 1.1.5 lists for these verbs parses (honoured or said not to be).
        parse("--criu", "/c", "--rootless", "true", "--debug", "run", "--bundle", "b", "--console-socket", "/s", "-d", "--keep",
                "--pid-file", "/p", "--no-subreaper", "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "id");
        OciExecCommand e = (OciExecCommand) parse("exec", "--console-socket", "/s", "--cwd", "/tmp", "-e", "A=1", "--env", "B=2",
                "-t", "-u", "1:2", "-g", "5", "--additional-gids", "6", "-p", "/p.json", "-d", "--pid-file", "/p",
                "--process-label", "l", "--apparmor", "a", "--no-new-privs", "-c", "CAP_SYS_ADMIN", "--preserve-fds", "1",
                "--cgroup", "x", "--ignore-paused", "id").subcommand().commandSpec().userObject();
        assertEquals("/tmp", e.cwd);
        assertEquals(List.of("A=1", "B=2"), e.env);
        assertEquals(List.of(5L, 6L), e.additionalGids);
        assertEquals("1:2", e.user);
        // runc moves a verb's options after the id to the front (but not for exec and ps).
        OciDeleteCommand d = (OciDeleteCommand) parse("delete", "id", "--force").subcommand().commandSpec().userObject();
        assertTrue(d.force);
        OciKillCommand k = (OciKillCommand) parse("kill", "id", "KILL", "--all").subcommand().commandSpec().userObject();
        assertTrue(k.all);
        OciExecCommand after = (OciExecCommand) parse("exec", "id", "ls", "--cwd", "/").subcommand().commandSpec().userObject();
        assertEquals(List.of("ls", "--cwd", "/"), after.args);
    }

    @Test
    void versionHasRuncsLines() {
        Outcome v = runc("--version");
        assertEquals(0, v.status());
        String[] lines = v.out().split("\n");
        assertTrue(lines[0].matches("kapsel version \\S.*"), lines[0]);
        assertEquals("spec: " + dev.kapsel.oci.state.StateReport.OCI_VERSION, lines[1]);
        assertEquals(v.out(), runc("-v").out());
    }

    @Test
    void failuresExitOneButExitFails255() {
        String root = System.getProperty("java.io.tmpdir") + "/kapsel-clitest-" + ProcessHandle.current().pid();
        assertEquals(1, runc("--root", root, "state", "nope").status());
        assertEquals(1, runc("--root", root, "kill", "nope", "0").status());
        assertEquals(1, runc("--root", root, "delete", "nope").status());
        assertEquals(0, runc("--root", root, "delete", "--force", "nope").status());
        assertEquals(1, runc("--root", root, "pause", "nope").status());
        assertEquals(1, runc("--root", root, "list", "--format", "xml").status());
        assertEquals(255, runc("--root", root, "exec", "nope", "ls").status());
        assertEquals(255, runc("--root", root, "exec", "-p", "/nonexistent.json", "nope").status());
        assertEquals(1, runc("--root", root, "run", "--bundle", "/nonexistent", "x").status());
    }
}
