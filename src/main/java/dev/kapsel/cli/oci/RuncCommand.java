package dev.kapsel.cli.oci;

import dev.kapsel.cli.VersionProvider;
import dev.kapsel.cli.Verbs;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The root of the runc dialect ({@link Dialect#RUNC}): runc's global options and verbs only, parsed
 * and failing as runc 1.1 does. {@code kapsel-runc}, and {@code kapsel} when the engines call it as
 * their runtime.
 */
@Command(name = "kapsel-runc",
        versionProvider = RuncCommand.Version.class,
        synopsisHeading = "%nUSAGE:%n   ",
        customSynopsis = "kapsel-runc [global options] command [command options] [arguments...]",
        description = {
            "",
            "kapsel's OCI runtime command line: runc's verbs, flags and exit codes, with each container in a",
            "micro-VM or kapsel's KVM sandbox (the dev.kapsel.isolation annotation; docs/oci-runtime.md).",
            "",
            "To start a new instance of a container:",
            "",
            "    # kapsel-runc run [ -b bundle ] <container-id>",
        },
        commandListHeading = "%nCOMMANDS:%n",
        optionListHeading = "%nGLOBAL OPTIONS:%n")
public final class RuncCommand implements Runnable {
    /** runc's verbs, in the order usage lists them, each built only when used ({@link Verbs}). */
    static final Verbs VERBS = new Verbs(List.of("create", "delete", "exec", "kill", "list", "pause", "ps", "resume", "run", "spec",
            "start", "state", "features", "help"), Dialect.GLOBALS_WITH_VALUE) {
        @Override
        protected Object make(String name) {
            return switch (name) {
                case "create" -> new OciCreateCommand();
                case "delete" -> new OciDeleteCommand();
                case "exec" -> new OciExecCommand();
                case "kill" -> new OciKillCommand();
                case "list" -> new OciListCommand();
                case "pause" -> new OciPauseCommand();
                case "ps" -> new OciPsCommand();
                case "resume" -> new OciResumeCommand();
                case "run" -> new OciRunCommand();
                case "spec" -> new OciSpecCommand();
                case "start" -> new OciStartCommand();
                case "state" -> new OciStateCommand();
                case "features" -> new OciFeaturesCommand();
                case "help" -> new CommandLine.HelpCommand();
                default -> throw new IllegalArgumentException("no verb " + name);
            };
        }
    };

    /** Verbs whose arguments after the container id are not runc's: runc parses no option after it. */
    static final List<String> OPTIONS_END_AT_ID = List.of("exec", "ps");

    @Spec
    CommandSpec spec;

    @Mixin(name = OciVerb.GLOBALS)
    OciGlobalOptions globals;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show help")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "print the version")
    boolean version;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The runc-dialect command line, named as invoked. runc's CLI library moves options after the
     * container id to the front ({@code delete ID --force} works) except for {@code exec} and
     * {@code ps}, whose later arguments are the command's and ps(1)'s; picocli's stop-at-positional
     * says the same per verb.
     */
    public static CommandLine commandLine(String program) {
        return commandLine(program, List.of());
    }

    /** The command line with only the verb {@code args} name ({@link Verbs}); every verb without one. */
    public static CommandLine commandLine(String program, List<String> args) {
        CommandLine cli = VERBS.commandLine(new RuncCommand(), args, Set.of("-v", "--version"));
        if (program != null && !program.isEmpty()) {
            cli.setCommandName(program);
        }
        for (String verb : OPTIONS_END_AT_ID) {
            CommandLine sub = cli.getSubcommands().get(verb);
            if (sub != null) {
                sub.setStopAtPositional(true);
            }
        }
        cli.setParameterExceptionHandler(new RuncUsageErrors());
        cli.setUsageHelpWidth(120); // runc's help lines are not wrapped at 80 columns either
        return cli;
    }

    /** {@code --version}: runc's lines ("runc version X", "spec: ...") with kapsel's names. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kapsel version " + VersionProvider.version(), "spec: " + dev.kapsel.oci.state.StateReport.OCI_VERSION,
                "java: " + Runtime.version()};
        }
    }
}
