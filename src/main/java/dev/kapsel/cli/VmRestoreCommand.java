package dev.kapsel.cli;

import dev.kapsel.vmm.snapshot.RestoreOverrides;
import dev.kapsel.vmm.snapshot.Snapshots;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {
            "Run a VM again from a snapshot 'kapsel vm snapshot' took, with its serial console on this terminal.",
            "Guest RAM is mapped from the memory file copy-on-write (pages load as the guest touches them; the",
            "file is never written), the devices are made again from the snapshot's configuration (disks by",
            "path, taps by name, shared directories re-opened; vsock connections from before are gone), and",
            "the guest goes on where it was paused. A state file from another kapsel version, a damaged one,",
            "or one whose guest uses CPU features this host lacks is refused.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  kapsel vm restore --mem-file vm1.mem --state-file vm1.state",
            "  kapsel vm restore --mem-file vm1.mem --state-file vm1.state --vsock-uds /run/clone2.sock --tap 0=tap7",
            "",
            "Exit codes: as 'kapsel vm run' (84: the snapshot could not be loaded)."
        })
final class VmRestoreCommand implements Callable<Integer> {
    @Option(names = "--mem-file", required = true, paramLabel = "PATH", description = "The snapshot's memory file.")
    Path memFile;

    @Option(names = "--state-file", required = true, paramLabel = "PATH", description = "The snapshot's state file.")
    Path stateFile;

    @Option(names = "--vsock-uds", paramLabel = "PATH",
            description = "Listen for vsock connections on PATH instead of the snapshot's socket (a clone next to the original).")
    Path vsockUds;

    @Option(names = "--tap", paramLabel = "N=NAME",
            description = "Attach network device N (eth0 is 0) to the host tap NAME instead of the snapshot's (repeatable).")
    List<String> taps = List.of();

    @Option(names = "--control-sock", paramLabel = "PATH", description = "Listen for snapshot/pause/resume/stop requests, as 'vm run'.")
    Path controlSocket;

    @Override
    public Integer call() throws Exception {
        Map<Integer, String> tapOverrides = new HashMap<>();
        for (String tap : taps) {
            int eq = tap.indexOf('=');
            try {
                tapOverrides.put(Integer.parseInt(tap.substring(0, Math.max(eq, 0))), tap.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new CommandFailure(2, "--tap " + tap + ": expected N=NAME, e.g. 0=tap7", e);
            }
        }
        RestoreOverrides overrides = new RestoreOverrides(tapOverrides, Optional.ofNullable(vsockUds));
        return VmLauncher.runToCompletion(console -> Snapshots.restore(memFile, stateFile, overrides, console), controlSocket);
    }
}
