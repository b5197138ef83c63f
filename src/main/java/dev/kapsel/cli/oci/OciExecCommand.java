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

/** {@code kapsel exec}: runs another process in a running container. */
@Command(name = "exec", description = "OCI: run a process in a running container.", mixinStandardHelpOptions = true)
public final class OciExecCommand extends OciVerb {
    @Option(names = {"-p", "--process"}, paramLabel = "FILE", description = "the process as JSON (config.json's process object)")
    Path process;

    @Option(names = {"-t", "--tty"}, description = "give the process a terminal (needs --console-socket)")
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

    @Option(names = "--preserve-fds", paramLabel = "N", description = "accepted; only stdio reaches the process")
    int preserveFds;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "numeric user (and group) for the process; the sandbox runs every program as uid 0")
    String user;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "ARGS")
    List<String> args = new ArrayList<>();

    @Override
    int execute() throws Exception {
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
            OciConfig config = ConfigReader.parse(Files.readString(runtime().store().directory(id).resolve("config.json")));
            OciProcess base = config.process();
            List<String> environment = new ArrayList<>(base.env());
            environment.addAll(env);
            p = new OciProcess(tty, user(base.user()), args, environment, cwd != null ? cwd : base.cwd(), base.rlimits(),
                    base.noNewPrivileges());
        }
        return runtime().exec(new OciRuntime.ExecRequest(id, p, detach, pidFile, consoleSocket));
    }

    /** {@code --user UID[:GID]} over the container's user; names need the image's /etc/passwd, which exec does not read. */
    private OciProcess.User user(OciProcess.User base) {
        if (user == null) {
            return base;
        }
        if (!user.matches("\\d{1,10}(:\\d{1,10})?")) {
            throw new InvalidConfigException("exec --user takes UID[:GID] as numbers, not '" + user + "'");
        }
        String[] parts = user.split(":");
        // As runc: the group stays the container's unless given.
        return new OciProcess.User(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : base.gid(), List.of());
    }
}
