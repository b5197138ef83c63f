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
            "Containers: 'kapsel load' an image, 'kapsel run IMAGE CMD' (or 'run -d' in the background, then"
                + " 'kapsel ps', 'logs', 'stop', 'rm'); each command's --help has examples.",
            "Exit codes of 'vm run': 0 power-off, 80 reboot, 81 kernel panic, 82 triple fault, 83 KVM error, 84 setup error, 85 no KVM; 2 usage error."
        },
        subcommands = {RunCommand.class, LogsCommand.class, StopCommand.class, RmCommand.class,
            LoadCommand.class, ImagesCommand.class, RmiCommand.class,
            VmCommand.class, SandboxCommand.class, DemoCommand.class, DoctorCommand.class,
            dev.kapsel.cli.oci.OciCreateCommand.class, dev.kapsel.cli.oci.OciStartCommand.class,
            dev.kapsel.cli.oci.OciStateCommand.class, dev.kapsel.cli.oci.OciKillCommand.class,
            dev.kapsel.cli.oci.OciDeleteCommand.class, dev.kapsel.cli.oci.OciExecCommand.class,
            dev.kapsel.cli.oci.OciPsCommand.class, dev.kapsel.cli.oci.OciListCommand.class,
            dev.kapsel.cli.oci.OciFeaturesCommand.class, dev.kapsel.cli.oci.OciSpecCommand.class})
final class KapselCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** runc's global options (--root, --log, --log-format, --systemd-cgroup) for the OCI runtime verbs. */
    @picocli.CommandLine.Mixin(name = "oci")
    dev.kapsel.cli.oci.OciGlobalOptions oci;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
