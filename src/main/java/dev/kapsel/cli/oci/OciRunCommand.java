package dev.kapsel.cli.oci;

import dev.kapsel.host.ForwardedSignals;
import dev.kapsel.oci.InvalidConfigException;
import dev.kapsel.oci.OciRuntime;
import dev.kapsel.oci.SignalName;
import dev.kapsel.oci.spec.ConfigReader;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code run ID}: create, start and (unless {@code --detach}) wait, exiting with the container's exit
 * status and deleting it afterwards unless {@code --keep}, as runc does. Signals this process gets
 * meanwhile (host.ForwardedSignals's set: TERM, INT, HUP, QUIT, USR1, USR2, WINCH, CONT) go on to the container.
 */
@Command(name = "run", description = "create and run a container", mixinStandardHelpOptions = true,
        footer = {"", "The exit status is the container's (128+N when signal N ended it). A terminal: true container"
            + " without --console-socket runs on this process's terminal (stdin must be one)."})
public final class OciRunCommand extends OciVerb {

    @Mixin
    CreateOptions options;

    @Option(names = {"-d", "--detach"}, description = "detach from the container's process")
    boolean detach;

    @Option(names = "--keep", description = "do not delete the container after it exits")
    boolean keep;

    @Option(names = "--no-subreaper", description = "accepted; the container's monitor is this process's child, reaped by it")
    boolean noSubreaper;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    private volatile int lastForwarded;

    @Override
    int execute() {
        OciRuntime.CreateRequest request = options.request(id, log());
        if (!detach && options.consoleSocket == null
                && ConfigReader.readBundle(options.bundle.toAbsolutePath().normalize()).process().terminal()) {
            String terminal = CallersTerminal.path().orElseThrow(() -> new InvalidConfigException(
                    "process.terminal is true but stdin is not a terminal: give --console-socket or set terminal to false"));
            request = new OciRuntime.CreateRequest(id, request.bundle(), request.pidFile(), null, terminal);
        }
        OciRuntime runtime = runtime();
        runtime.create(request);
        try {
            runtime.start(id);
        } catch (RuntimeException e) {
            runtime.delete(id, true);
            throw e;
        }
        if (detach) {
            return 0;
        }
        forwardSignals(runtime);
        OptionalInt recorded = runtime.awaitExit(id);
        int status = recorded.orElseGet(this::unrecordedStatus);
        if (!keep) {
            runtime.delete(id, true);
        }
        return status;
    }

    /** The monitor ended without recording a status: a signal ended it, the one passed on if any, else SIGKILL. */
    private int unrecordedStatus() {
        int signal = lastForwarded != 0 ? lastForwarded : dev.kapsel.sys.Signal.SIGKILL;
        log().warn("container " + id + " ended without an exit status; reporting " + SignalName.name(signal));
        return 128 + signal;
    }

    /** The one signal set ({@link ForwardedSignals}), each passed on to the container's monitor; kept until this process exits. */
    @SuppressWarnings("resource")
    private void forwardSignals(OciRuntime runtime) {
        ForwardedSignals.install(signal -> {
            lastForwarded = signal;
            try {
                runtime.kill(id, signal);
            } catch (RuntimeException gone) {
                // The container has ended meanwhile; its status is on its way.
            }
        });
    }
}
