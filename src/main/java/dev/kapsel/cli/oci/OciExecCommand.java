package dev.kapsel.cli.oci;

import dev.kapsel.oci.InvalidConfigException;
import dev.kapsel.oci.OciRuntime;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exec ID CMD...} or {@code exec -p process.json ID}: runs another process in a running
 * container; exits with its status, or 255 when it could not be run (as runc).
 */
@Command(name = "exec", description = "execute new process inside the container", mixinStandardHelpOptions = true,
        footer = {"", "Not honoured (a warning line when given): --process-label, --apparmor, --cap, --cgroup, --preserve-fds;"
            + " --ignore-paused is accepted but exec into a paused container is still refused."})
public final class OciExecCommand extends OciVerb {
    @Option(names = {"-p", "--process"}, paramLabel = "FILE", description = "the process as JSON (config.json's process object)")
    Path process;

    @Option(names = {"-t", "--tty"}, description = "allocate a pseudo-TTY: the --console-socket's, else (in the foreground) this process's terminal")
    boolean tty;

    @Option(names = {"-d", "--detach"}, description = "return at once; the process runs in its own monitor (its PID in --pid-file)")
    boolean detach;

    @Option(names = "--pid-file", paramLabel = "FILE")
    Path pidFile;

    @Option(names = "--console-socket", paramLabel = "PATH")
    String consoleSocket;

    @Option(names = "--cwd", paramLabel = "DIR")
    String cwd;

    @Option(names = {"-e", "--env"}, paramLabel = "K=V")
    List<String> env = new ArrayList<>();

    @Option(names = "--preserve-fds", paramLabel = "N", description = "not honoured: only stdio reaches the process")
    int preserveFds;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "numeric user (and group) for the process; the sandbox runs every program as uid 0")
    String user;

    @Option(names = {"-g", "--additional-gids"}, paramLabel = "GID", description = "additional gids")
    List<Long> additionalGids = new ArrayList<>();

    @Option(names = "--no-new-privs", description = "set the no new privileges value for the process")
    boolean noNewPrivs;

    @Option(names = "--process-label", paramLabel = "LABEL", description = "not honoured: no SELinux on the container's side")
    String processLabel;

    @Option(names = "--apparmor", paramLabel = "PROFILE", description = "not honoured: no AppArmor on the container's side")
    String apparmor;

    @Option(names = {"-c", "--cap"}, paramLabel = "CAP", description = "not honoured: capabilities are not applied")
    List<String> caps = new ArrayList<>();

    @Option(names = "--cgroup", paramLabel = "[CONTROLLER:]CGROUP", description = "not honoured: kapsel uses no host cgroups")
    String cgroup;

    @Option(names = "--ignore-paused", description = "accepted, not honoured: exec into a paused container is refused (a paused micro-VM's agent cannot answer)")
    boolean ignorePaused;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1..*", paramLabel = "ARGS")
    List<String> args = new ArrayList<>();

    @Override
    int failureStatus() {
        return 255;
    }

    @Override
    int execute() throws Exception {
        warnUnhonoured();
        OciProcess p;
        if (process != null) {
            if (!args.isEmpty()) {
                throw new InvalidConfigException("exec takes --process or a command, not both");
            }
            p = ConfigReader.readProcess(process);
        } else {
            if (args.isEmpty()) {
                throw new InvalidConfigException("exec needs --process FILE or a command after the container id");
            }
            String isolation = runtime().store().load(id).isolation(); // unknown: "does not exist", not a missing file
            if (user != null && isolation.equals("sandbox") && !user.matches("0(:0)?")) {
                log().warn("exec in container " + id + ": --user " + user + " is not honoured by the sandbox isolation (it runs every program as uid 0)");
            }
            OciConfig config = ConfigReader.parse(Files.readString(runtime().store().directory(id).resolve("config.json")));
            OciProcess base = config.process();
            List<String> environment = new ArrayList<>(base.env());
            environment.addAll(env);
            p = new OciProcess(tty, user(base.user()), args, environment, cwd != null ? cwd : base.cwd(), base.rlimits(),
                    noNewPrivs ? Boolean.TRUE : base.noNewPrivileges());
        }
        int lent = p.terminal() && consoleSocket == null && !detach ? CallersTerminal.open() : -1;
        try {
            return runtime().exec(new OciRuntime.ExecRequest(id, p, detach, pidFile, consoleSocket, lent));
        } finally {
            if (lent >= 0) {
                dev.kapsel.sys.Libc.close(lent);
            }
        }
    }

    private void warnUnhonoured() {
        List<String> ignored = new ArrayList<>();
        if (preserveFds > 0) {
            ignored.add("--preserve-fds " + preserveFds + " (only stdio reaches the process)");
        }
        if (processLabel != null) {
            ignored.add("--process-label");
        }
        if (apparmor != null) {
            ignored.add("--apparmor");
        }
        if (!caps.isEmpty()) {
            ignored.add("--cap " + String.join(",", caps));
        }
        if (cgroup != null) {
            ignored.add("--cgroup");
        }
        if (!ignored.isEmpty()) {
            log().warn("exec in container " + id + ": not honoured: " + String.join("; ", ignored));
        }
    }

    /**
     * {@code --user UID[:GID]} and {@code -g} over the container's user, as runc: numbers only (names
     * need the image's /etc/passwd, which exec does not read), the group and the additional gids stay
     * the container's unless given.
     */
    private OciProcess.User user(OciProcess.User base) {
        List<Long> gids = new ArrayList<>(base.additionalGids());
        for (long gid : additionalGids) {
            if (gid < 0) {
                throw new InvalidConfigException("additional-gids must be a positive number " + gid);
            }
            gids.add(gid);
        }
        if (user == null) {
            return new OciProcess.User(base.uid(), base.gid(), gids);
        }
        if (!user.matches("\\d{1,10}(:\\d{1,10})?")) {
            throw new InvalidConfigException("exec --user takes UID[:GID] as numbers, not '" + user + "'");
        }
        String[] parts = user.split(":");
        return new OciProcess.User(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : base.gid(), gids);
    }
}
