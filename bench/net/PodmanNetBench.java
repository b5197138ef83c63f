import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Networking through podman's own network (its bridge, veth and port forwarding), the same busybox
 * workload under crun and under kapsel's sandbox isolation, alternating in one run:
 * <ul>
 * <li>TCP container -> host: {@code dd if=/dev/zero | nc GATEWAY PORT} in the container, a Java
 *     listener on the bridge's gateway timing from accept to end of file and checking every byte;</li>
 * <li>TCP host -> container: {@code nc -l -p 5001 > /dev/null} in a detached container, a Java client
 *     writing to the container's address, timed from connect to the container closing (nc exits at
 *     end of file);</li>
 * <li>HTTP requests per second: {@code ab -n N -c C} against busybox httpd in a detached container;</li>
 * <li>start time: {@code podman run --rm IMG true} with podman's default network against
 *     {@code --network none}; the difference is what networking adds.</li>
 * </ul>
 * Any failed run (a non-zero exit, a short transfer, a failed request) fails the bench with no ratio.
 *
 * Usage: java PodmanNetBench.java PODMAN_WRAPPER CRUN_RUNTIME KAPSEL_RUNTIME IMAGE ROUNDS MIB REQUESTS
 */
public final class PodmanNetBench {
    static String podman;
    static String image;
    static final int NC_PORT = 5001;

    record Runtime(String name, List<String> flags) {}

    public static void main(String[] args) throws Exception {
        podman = args[0];
        Runtime crun = new Runtime("crun", List.of("--runtime", args[1]));
        Runtime kapsel = new Runtime("kapsel-sandbox", List.of("--runtime", args[2], "--annotation", "dev.kapsel.isolation=sandbox"));
        image = args[3];
        int rounds = Integer.parseInt(args[4]);
        int mib = Integer.parseInt(args[5]);
        int requests = Integer.parseInt(args[6]);
        String gateway = podman("network", "inspect", "podman", "--format", "{{range .Subnets}}{{.Gateway}}{{end}}").strip();
        Map<String, List<Double>> m = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Runtime rt : List.of(crun, kapsel)) {
                add(m, rt.name + " tx", containerToHost(rt, gateway, mib, r));
                add(m, rt.name + " rx", hostToContainer(rt, mib, r));
                add(m, rt.name + " http", http(rt, requests, r));
                double withNet = startMillis(rt, List.of());
                double none = startMillis(rt, List.of("--network", "none"));
                add(m, rt.name + " start-default", withNet);
                add(m, rt.name + " start-none", none);
                add(m, rt.name + " start-extra", withNet - none);
                System.err.printf(Locale.ROOT, "round %d %s: tx %.1f MiB/s, rx %.1f MiB/s, http %.0f req/s, start %.0f ms (none %.0f ms)%n",
                        r, rt.name, last(m, rt.name + " tx"), last(m, rt.name + " rx"), last(m, rt.name + " http"), withNet, none);
            }
        }
        System.out.printf(Locale.ROOT, "podman networking, busybox, %d rounds, medians (kapsel sandbox vs crun):%n", rounds);
        row(m, "TCP container->host MiB/s (" + mib + " MiB)", "tx", "%.1f");
        row(m, "TCP host->container MiB/s (" + mib + " MiB)", "rx", "%.1f");
        row(m, "HTTP requests/s (ab -n " + requests + " -c 4, busybox httpd)", "http", "%.0f");
        row(m, "podman run --rm true, default network, ms", "start-default", "%.0f");
        row(m, "podman run --rm true, --network none, ms", "start-none", "%.0f");
        row(m, "start time networking adds, ms", "start-extra", "%.0f");
    }

    static void row(Map<String, List<Double>> m, String what, String key, String format) {
        double k = median(m.get("kapsel-sandbox " + key));
        double c = median(m.get("crun " + key));
        System.out.printf(Locale.ROOT, "  %-58s kapsel " + format + "  crun " + format + "  ratio kapsel/crun %.2f%n", what, k, c,
                c == 0 ? Double.NaN : k / c);
    }

    static void add(Map<String, List<Double>> m, String key, double v) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    static double last(Map<String, List<Double>> m, String key) {
        List<Double> l = m.get(key);
        return l.get(l.size() - 1);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void fail(String why) {
        System.err.println("bench/net podman: FAILED: " + why);
        System.exit(1);
    }

    /** Runs podman with {@code args}; a non-zero exit fails the bench. Returns stdout. */
    static String podman(String... args) throws IOException, InterruptedException {
        return podman(List.of(args));
    }

    static String podman(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(podman));
        cmd.addAll(args);
        java.io.File errors = java.io.File.createTempFile("podman-net-bench", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(errors).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " exited " + (p.isAlive() ? "(timed out)" : p.exitValue()) + ": "
                        + java.nio.file.Files.readString(errors.toPath()) + out);
            }
            return out;
        } finally {
            errors.delete();
        }
    }

    static List<String> run(Runtime rt, String name, boolean detached, List<String> extra, String... command) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.add(detached ? "-d" : "--rm");
        if (name != null) {
            a.addAll(List.of("--name", name));
        }
        a.addAll(rt.flags);
        a.addAll(extra);
        a.add(image);
        a.addAll(List.of(command));
        return a;
    }

    static String address(String name) throws IOException, InterruptedException {
        String ip = podman("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).strip();
        if (ip.isEmpty()) {
            fail(name + " has no address on podman's network");
        }
        return ip;
    }

    /** MiB/s the container sends to a host listener on the gateway. */
    static double containerToHost(Runtime rt, String gateway, int mib, int round) throws Exception {
        long bytes = (long) mib << 20;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(gateway))) {
            long[] result = new long[2];
            Thread receiver = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    long t0 = System.nanoTime();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[1 << 16];
                    long n = 0;
                    for (int r; (r = in.read(buf)) > 0; ) {
                        n += r;
                    }
                    result[0] = n;
                    result[1] = System.nanoTime() - t0;
                } catch (IOException e) {
                    result[0] = -1;
                }
            });
            podman(run(rt, null, false, List.of(), "sh", "-c", "dd if=/dev/zero bs=65536 count=" + (bytes >> 16)
                    + " 2>/dev/null | nc " + gateway + " " + server.getLocalPort()));
            receiver.join(TimeUnit.SECONDS.toMillis(60));
            if (result[0] != bytes) {
                fail(rt.name + " round " + round + ": the host received " + result[0] + " of " + bytes + " bytes");
            }
            return mib / (result[1] / 1e9);
        }
    }

    /** MiB/s the host sends to {@code nc -l} in a detached container. */
    static double hostToContainer(Runtime rt, int mib, int round) throws Exception {
        String name = "nbrx-" + rt.name + "-" + round;
        podman(run(rt, name, true, List.of(), "sh", "-c", "nc -l -p " + NC_PORT + " > /dev/null"));
        try {
            InetSocketAddress target = new InetSocketAddress(address(name), NC_PORT);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(target, 1000); // refused until nc listens; the first accepted connection is the measured one
                    long t0 = System.nanoTime();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[1 << 16];
                    for (long left = (long) mib << 20; left > 0; left -= buf.length) {
                        out.write(buf);
                    }
                    s.shutdownOutput();
                    s.setSoTimeout(60_000);
                    if (s.getInputStream().read() != -1) {
                        fail(rt.name + " round " + round + ": nc answered bytes");
                    }
                    return mib / ((System.nanoTime() - t0) / 1e9);
                } catch (java.net.ConnectException e) {
                    if (System.nanoTime() > deadline) {
                        fail(rt.name + " round " + round + ": nc in the container never listened on " + target);
                    }
                    Thread.sleep(100);
                }
            }
        } finally {
            podman("rm", "-f", name);
        }
    }

    private static final Pattern RPS = Pattern.compile("Requests per second:\\s+([0-9.]+)");
    private static final Pattern FAILED = Pattern.compile("Failed requests:\\s+(\\d+)");
    private static final Pattern COMPLETE = Pattern.compile("Complete requests:\\s+(\\d+)");

    /** Requests per second ab gets from busybox httpd in a detached container. */
    static double http(Runtime rt, int requests, int round) throws Exception {
        String name = "nbhttp-" + rt.name + "-" + round;
        podman(run(rt, name, true, List.of(), "sh", "-c",
                "mkdir -p /www && echo 'hello from busybox httpd' > /www/index.html && exec httpd -f -p 80 -h /www"));
        try {
            String url = "http://" + address(name) + "/index.html";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!answers(url)) {
                if (System.nanoTime() > deadline) {
                    fail(rt.name + " round " + round + ": httpd never answered " + url);
                }
                Thread.sleep(200);
            }
            Process ab = new ProcessBuilder("ab", "-n", Integer.toString(requests), "-c", "4", "-s", "30", url)
                    .redirectErrorStream(true).start();
            String out = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = ab.waitFor();
            Matcher rps = RPS.matcher(out), failed = FAILED.matcher(out), complete = COMPLETE.matcher(out);
            if (code != 0 || !rps.find() || !failed.find() || !complete.find() || Integer.parseInt(failed.group(1)) != 0
                    || Integer.parseInt(complete.group(1)) != requests || out.contains("Non-2xx")) {
                fail(rt.name + " round " + round + ": ab failed (exit " + code + "):\n" + out);
            }
            return Double.parseDouble(rps.group(1));
        } finally {
            podman("rm", "-f", name);
        }
    }

    static boolean answers(String url) {
        try {
            var c = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(1)).build();
            var r = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(java.time.Duration.ofSeconds(2)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Wall-clock ms of {@code podman run --rm IMG true} with {@code network} flags. */
    static double startMillis(Runtime rt, List<String> network) throws Exception {
        long t0 = System.nanoTime();
        podman(run(rt, null, false, network, "true"));
        return (System.nanoTime() - t0) / 1e6;
    }
}
