package dev.kapsel.cli;

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
        },
        subcommands = {RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, RmCommand.class,
            LoadCommand.class, PullCommand.class, PushCommand.class, TagCommand.class, ImagesCommand.class, InspectCommand.class,
            RmiCommand.class, LoginCommand.class, LogoutCommand.class,
            VmCommand.class, SandboxCommand.class, DemoCommand.class, DoctorCommand.class})
final class KapselCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
