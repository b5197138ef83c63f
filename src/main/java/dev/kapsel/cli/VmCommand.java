package dev.kapsel.cli;

import picocli.CommandLine.Command;

@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Run a bare micro-VM (a Linux kernel, an optional initrd, a serial console), serve Firecracker's API for one, snapshot it, restore it.",
        subcommands = {VmRunCommand.class, VmServeCommand.class, VmSnapshotCommand.class, VmRestoreCommand.class})
final class VmCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
