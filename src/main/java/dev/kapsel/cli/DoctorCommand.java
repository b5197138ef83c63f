package dev.kapsel.cli;

import dev.kapsel.host.HostReport;
import dev.kapsel.host.KvmProbe;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {
            "Tell what this host offers kapsel, and what each finding means for you.",
            "It checks the kind of KVM (hardware, emulated guest kernel mode, none), the JDK, the guest kernel, tap and vsock."
        })
final class DoctorCommand implements Runnable {
    @Option(names = "--kvm-kind", description = "Print only the KVM kind (hardware, emulated or none), for scripts.")
    boolean kvmKindOnly;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (kvmKindOnly) {
            out.println(KvmProbe.probe().kind().label());
            out.flush();
            return;
        }
        for (HostReport.Finding f : HostReport.examine()) {
            out.printf("%-13s %-10s %s%n", f.topic(), f.status(), f.meaning());
        }
        out.flush();
    }
}
