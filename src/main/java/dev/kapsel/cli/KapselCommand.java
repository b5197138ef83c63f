package dev.kapsel.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "kapsel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Containers with the isolation of virtual machines.",
            "kapsel runs workloads in micro-VMs on KVM: a minimal monitor, a stock Linux kernel, booted in a fraction of a second.",
            ""
        },
        footer = {
            "",
            "Start with 'kapsel doctor' to see what this host offers, then 'kapsel vm run --help'.",
            "Containers: 'kapsel pull' or 'kapsel load' an image, 'kapsel run IMAGE CMD' (or 'run -d' in the background, then"
                + " 'kapsel ps', 'logs', 'stop', 'rm'); each command's --help has examples.",
            "Exit codes of 'vm run': 0 power-off, 80 reboot, 81 kernel panic, 82 triple fault, 83 KVM error, 84 setup error, 85 no KVM; 2 usage error.",
            "As an OCI runtime (runc's verbs and flags, for podman, containerd and Docker): 'kapsel-runc --help';"
                + " 'kapsel' speaks it too when runc's global options or verbs come first (docs/oci-runtime.md)."
        })
final class KapselCommand implements Runnable {
    /** The verbs, in the order usage lists them, each built only when used ({@link Verbs}). */
    static final Verbs VERBS = new Verbs(List.of("run", "ps", "logs", "stop", "rm", "load", "pull", "push", "tag", "images",
            "inspect", "rmi", "login", "logout", "build-unikernel", "vm", "sandbox", "demo", "doctor"), Set.of()) {
        @Override
        protected Object make(String name) {
            return switch (name) {
                case "run" -> new RunCommand();
                case "ps" -> new PsCommand();
                case "logs" -> new LogsCommand();
                case "stop" -> new StopCommand();
                case "rm" -> new RmCommand();
                case "load" -> new LoadCommand();
                case "pull" -> new PullCommand();
                case "push" -> new PushCommand();
                case "tag" -> new TagCommand();
                case "images" -> new ImagesCommand();
                case "inspect" -> new InspectCommand();
                case "login" -> new LoginCommand();
                case "logout" -> new LogoutCommand();
                case "rmi" -> new RmiCommand();
                case "build-unikernel" -> new BuildUnikernelCommand();
                case "vm" -> new VmCommand();
                case "sandbox" -> new SandboxCommand();
                case "demo" -> new DemoCommand();
                case "doctor" -> new DoctorCommand();
                default -> throw new IllegalArgumentException("no verb " + name);
            };
        }
    };

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
