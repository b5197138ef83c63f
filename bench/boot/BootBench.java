import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A/B boot benchmark: time from process start to the guest's init marker on the serial console, for
 * kapsel and for QEMU's microvm machine on the same kernel, initramfs and command line, alternating so
 * both see the same machine load. Prints each run, both medians and the ratio kapsel/QEMU.
 *
 * Usage: java BootBench.java ROUNDS MARKER -- KAPSEL_CMD... -- QEMU_CMD...
 */
public final class BootBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        String marker = args[1];
        int split = Arrays.asList(args).subList(3, args.length).indexOf("--") + 3;
        List<String> kapsel = List.of(Arrays.copyOfRange(args, 3, split));
        List<String> qemu = List.of(Arrays.copyOfRange(args, split + 1, args.length));
        List<Double> k = new ArrayList<>();
        List<Double> q = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            k.add(timeToMarker("kapsel", kapsel, marker, i));
            q.add(timeToMarker("qemu", qemu, marker, i));
        }
        double km = median(k);
        double qm = median(q);
        System.out.printf("boot to init marker, median of %d: kapsel %.0f ms, qemu-microvm %.0f ms, ratio kapsel/qemu %.2f%n",
                rounds, km, qm, km / qm);
    }

    static double timeToMarker(String name, List<String> cmd, String marker, int round) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        double ms = -1;
        InputStream in = p.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            if (ms < 0 && seen.indexOf(marker) >= 0) {
                ms = (System.nanoTime() - start) / 1e6;
            }
            if (seen.length() > 1 << 20) {
                seen.delete(0, seen.length() - marker.length());
            }
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (ms < 0) {
            throw new IOException(name + " run " + round + " never printed " + marker + " (exit " + p.exitValue() + "):\n"
                    + seen.substring(Math.max(0, seen.length() - 3000)));
        }
        System.out.printf("round %d %-7s %8.0f ms (exit %d)%n", round, name, ms, p.exitValue());
        return ms;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
