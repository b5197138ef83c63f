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
    private static OciGlobalOptions globals(ParseResult r) {
        return (OciGlobalOptions) r.commandSpec().mixins().get(OciVerb.GLOBALS).userObject();
    }

    @Test
    void globalOptionsBeforeTheVerbAsTheRuncShimPassesThem() {
        ParseResult r = Main.commandLine().parseArgs("--root", "/run/containerd/runc/default", "--log", "/s/log.json",
                "--log-format", "json", "create", "--bundle", "/s/b", "--pid-file", "/s/init.pid", "t1");
        OciGlobalOptions g = globals(r);
        assertEquals(Path.of("/run/containerd/runc/default"), g.root());
        assertEquals(Path.of("/s/log.json"), g.log);
        assertEquals("json", g.logFormat);
        OciCreateCommand create = (OciCreateCommand) r.subcommand().commandSpec().userObject();
        assertEquals(Path.of("/s/b"), create.bundle);
        assertEquals(Path.of("/s/init.pid"), create.pidFile);
        assertEquals("t1", create.id);
    }

    @Test
    void equalsFormsSystemdCgroupAndDefaults() {
        ParseResult r = Main.commandLine().parseArgs("--root=/r", "--systemd-cgroup", "--log-format=text", "state", "x");
        assertEquals(Path.of("/r"), globals(r).root());
        assertTrue(globals(r).systemdCgroup);
        ParseResult d = Main.commandLine().parseArgs("state", "x");
        assertEquals(Path.of("/run/kapsel"), globals(d).root());
        assertFalse(globals(d).systemdCgroup);
    }

    @Test
    void verbFlagsAsEnginesPassThem() {
        ParseResult kill = Main.commandLine().parseArgs("kill", "--all", "c", "SIGKILL");
        OciKillCommand k = (OciKillCommand) kill.subcommand().commandSpec().userObject();
        assertTrue(k.all);
        assertEquals("SIGKILL", k.signal);
        OciKillCommand dflt = (OciKillCommand) Main.commandLine().parseArgs("kill", "c").subcommand().commandSpec().userObject();
        assertEquals("TERM", dflt.signal);
        OciPsCommand ps = (OciPsCommand) Main.commandLine().parseArgs("ps", "c", "--format", "json").subcommand().commandSpec().userObject();
        assertEquals("json", ps.format);
        OciExecCommand exec = (OciExecCommand) Main.commandLine().parseArgs("exec", "--pid-file", "/p", "--process", "/f",
                "--detach", "--console-socket", "/s", "c").subcommand().commandSpec().userObject();
        assertTrue(exec.detach);
        assertEquals("/s", exec.consoleSocket);
        OciExecCommand withArgs = (OciExecCommand) Main.commandLine().parseArgs("exec", "-t", "c", "sh", "-c", "ls --all")
                .subcommand().commandSpec().userObject();
        assertEquals(List.of("sh", "-c", "ls --all"), withArgs.args);
        OciCreateCommand c = (OciCreateCommand) Main.commandLine().parseArgs("create", "--bundle", "b", "--no-pivot",
                "--no-new-keyring", "--console-socket", "/c.sock", "id").subcommand().commandSpec().userObject();
        assertTrue(c.noPivot && c.noNewKeyring);
    }

    @Test
    void unknownFlagsAreNamed() {
        CommandLine.UnmatchedArgumentException e = assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> Main.commandLine().parseArgs("create", "--bundle", "b", "--frobnicate", "id"));
        assertTrue(e.getMessage().contains("--frobnicate"), e.getMessage());
        CommandLine.UnmatchedArgumentException g = assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> Main.commandLine().parseArgs("--rooot", "/r", "state", "x"));
        assertTrue(g.getMessage().contains("--rooot"), g.getMessage());
    }

    @Test
    void aBadLogFormatIsAnErrorExit() {
        assertEquals(1, Main.run("--log-format", "xml", "state", "x"));
    }
}
