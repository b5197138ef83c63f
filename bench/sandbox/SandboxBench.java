import dev.kapsel.sandbox.Sandbox;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * In-process driver for bench/sandbox/run.sh: runs a command in the sandbox N times inside one JVM
 * and prints the median wall time (the sandbox's own cost, without JVM start-up). Output goes to
 * the host's stdout. Usage: SandboxBench ROOTFS RUNS CMD [ARG...]
 */
public final class SandboxBench {
    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        List<String> cmd = List.of(Arrays.copyOfRange(args, 2, args.length));
        double[] ms = new double[runs];
        SandboxResult last = null;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            last = Sandbox.run(SandboxConfig.of(root, cmd));
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (last.exitStatus() != 0) {
                // a failed run is no measurement: run.sh stops on this status
                System.err.printf("SandboxBench: run %d of %s failed: status %d (%s)%n", i + 1, String.join(" ", cmd), last.exitStatus(), last.reason());
                System.exit(1);
            }
        }
        Arrays.sort(ms);
        System.out.printf("in-process %s: median %.2f ms, min %.2f ms over %d runs (status %d, %d syscalls, %d exits, %d faults)%n",
                String.join(" ", cmd), ms[runs / 2], ms[0], runs, last.exitStatus(), last.syscalls(), last.exits(), last.pageFaults());
    }
}
