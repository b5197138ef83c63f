import dev.kapsel.initramfs.GuestFeature;
import dev.kapsel.initramfs.GuestInitramfs;
import dev.kapsel.initramfs.KernelModules;
import dev.kapsel.sys.Tap;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A/B virtio-net benchmark: the guest sends MIB MiB of zeros to a host listener over TCP ({@code head -c
 * | nc}) through a tap, under kapsel and under QEMU {@code -M microvm} with the same kernel, initramfs,
 * tap and guest command, alternating. The guest times the transfer with /proc/uptime (nc ends only after
 * the host has read everything and closed); the host checks that every byte arrived.
 *
 * Usage (as root): java --enable-native-access=ALL-UNNAMED -cp target/kapsel.jar:target/lib/* NetBench.java
 *   ROUNDS MIB KERNEL_VMLINUX MODULES_DIR WORKDIR
 * BENCH_QEMU_NET_OPTS (e.g. "csum=off,guest_csum=off") is appended to QEMU's virtio-net-device;
 * BENCH_VERBOSE=1 also prints each run's timing line and kapsel's warnings.
 */
public final class NetBench {
    static final String TAP = "kbench0";
    static final String HOST = "10.0.2.1";
    static final int PORT = 5001;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int mib = Integer.parseInt(args[1]);
        long bytes = (long) mib << 20;
        Path kernel = Path.of(args[2]);
        Path work = Path.of(args[4]);
        String script = String.join("\n",
                "ip link set lo up",
                "ip addr add 10.0.2.2/24 dev eth0",
                "ip link set eth0 up",
                "ping -c 1 -W 10 " + HOST + " >/dev/null || echo PING-FAILED",
                "read a _ < /proc/uptime",
                "head -c " + bytes + " /dev/zero | nc " + HOST + " " + PORT,
                "read b _ < /proc/uptime",
                "echo \"BENCH-TX $a $b\"",
                "");
        GuestInitramfs initramfs = GuestInitramfs.forKernel(KernelModules.load(Path.of(args[3])))
                .feature(GuestFeature.NET).script(script).build();
        Path initrd = initramfs.cachedIn(work);
        String cmdline = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
        String mac = "06:00:ac:10:00:02";
        List<String> kapsel = List.of("bin/kapsel", "vm", "run", "--kernel", kernel.toString(), "--initrd",
                initrd.toString(), "--cmdline", cmdline, "--memory", "512", "--net", "tap=" + TAP + ",mac=" + mac);
        String extra = System.getenv().getOrDefault("BENCH_QEMU_NET_OPTS", "");
        List<String> qemu = List.of("qemu-system-x86_64", "-M", "microvm", "-enable-kvm", "-cpu", "host", "-m", "512",
                "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", cmdline,
                "-netdev", "tap,id=n0,ifname=" + TAP + ",script=no,downscript=no",
                "-device", "virtio-net-device,netdev=n0,mac=" + mac + (extra.isEmpty() ? "" : "," + extra));
        createTap();
        BlockingQueue<Long> received = new LinkedBlockingQueue<>();
        try (ServerSocket server = new ServerSocket(PORT, 4, InetAddress.getByName(HOST))) {
            Thread.ofPlatform().daemon().start(() -> drain(server, received));
            List<Double> k = new ArrayList<>();
            List<Double> q = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                k.add(run("kapsel", kapsel, i, bytes, received));
                q.add(run("qemu", qemu, i, bytes, received));
            }
            double km = median(k), qm = median(q);
            System.out.printf(Locale.ROOT, "virtio-net TCP guest->host %d MiB, median MiB/s: kapsel %.2f, qemu-microvm %.2f, ratio kapsel/qemu %.2f%n",
                    mib, km, qm, km / qm);
        } finally {
            try (Tap t = Tap.open(TAP, 12)) {
                t.persist(false);
            }
        }
    }

    static void createTap() throws IOException, InterruptedException {
        try (Tap t = Tap.open(TAP, 12)) {
            t.persist(true);
        }
        sh("ip", "addr", "add", HOST + "/24", "dev", TAP);
        sh("ip", "link", "set", TAP, "up");
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed with status " + p.exitValue());
        }
    }

    /** Accepts connections one after another and reports how many bytes each carried. */
    static void drain(ServerSocket server, BlockingQueue<Long> received) {
        byte[] buffer = new byte[1 << 16];
        while (true) {
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                long total = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                }
                received.add(total);
            } catch (IOException e) {
                return;
            }
        }
    }

    static double run(String name, List<String> cmd, int round, long bytes, BlockingQueue<Long> received)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor(900, TimeUnit.SECONDS);
        Long got = received.poll(10, TimeUnit.SECONDS);
        double rate = rate(out, bytes);
        if (rate < 0 || got == null || got != bytes) {
            throw new IOException(name + " round " + round + ": host received " + got + " of " + bytes
                    + " bytes, guest output:\n" + out.substring(Math.max(0, out.length() - 3000)));
        }
        System.out.printf(Locale.ROOT, "round %d %-7s guest->host %8.2f MiB/s%n", round, name, rate);
        if (System.getenv("BENCH_VERBOSE") != null) {
            out.lines().filter(l -> l.contains("BENCH") || l.startsWith("kapsel:")).forEach(System.out::println);
        }
        return rate;
    }

    static double rate(String out, long bytes) {
        Matcher m = Pattern.compile("BENCH-TX ([0-9.]+) ([0-9.]+)").matcher(out);
        if (!m.find()) {
            return -1;
        }
        double seconds = Math.max(0.01, Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1)));
        return bytes / 1048576.0 / seconds;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
