import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times {@code kapsel run --rm IMAGE true} end to end and per phase (image preparation, VM boot to the
 * agent's answer, agent start to exit, as kapsel reports them with KAPSEL_TIMINGS=1) and prints medians.
 * The first run builds the image disk and initramfs; the medians are over the runs after it (cached).
 *
 * Usage: java RunBench.java ROUNDS IMAGE
 */
public final class RunBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        List<long[]> samples = new ArrayList<>();
        for (int i = 0; i <= rounds; i++) {
            long start = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder("bin/kapsel", "run", "--rm", args[1], "true");
            pb.environment().put("KAPSEL_TIMINGS", "1");
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(600, TimeUnit.SECONDS);
            long total = (System.nanoTime() - start) / 1_000_000;
            Matcher m = Pattern.compile("prepare_ms=(\\d+) boot_ms=(\\d+) run_ms=(\\d+)").matcher(err);
            if (p.exitValue() != 0 || !m.find()) {
                throw new IOException("run " + i + " failed (exit " + p.exitValue() + "):\n" + err);
            }
            long[] s = {total, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            System.out.printf(Locale.ROOT, "run %d%s total %5d ms  prepare %5d  boot %5d  agent start-to-exit %5d%n",
                    i, i == 0 ? " (cold)" : "       ", s[0], s[1], s[2], s[3]);
            if (i > 0) {
                samples.add(s);
            }
        }
        System.out.printf(Locale.ROOT, "kapsel run --rm IMAGE true, median of %d cached runs: total %d ms = image preparation %d ms"
                + " + VM boot to agent %d ms + agent start-to-exit %d ms (+ JVM start and exit)%n",
                rounds, median(samples, 0), median(samples, 1), median(samples, 2), median(samples, 3));
    }

    static long median(List<long[]> xs, int c) {
        long[] a = xs.stream().mapToLong(x -> x[c]).sorted().toArray();
        return a[a.length / 2];
    }
}
