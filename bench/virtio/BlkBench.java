import dev.kapsel.initramfs.GuestFeature;
import dev.kapsel.initramfs.GuestInitramfs;
import dev.kapsel.initramfs.KernelModules;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A/B virtio-blk benchmark: sequential direct-I/O read and write of 256 MiB inside the guest
 * ({@code dd iflag=direct / oflag=direct}), kapsel against QEMU {@code -M microvm} with the same kernel,
 * module-loading initramfs, disk image and guest command, alternating. The guest times each dd with
 * /proc/uptime and prints the two readings; the host turns them into MiB/s.
 *
 * Usage: java -cp target/kapsel.jar:target/lib/* BlkBench.java ROUNDS KERNEL_VMLINUX MODULES_DIR WORKDIR
 */
public final class BlkBench {
    static final int MIB = 256;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path kernel = Path.of(args[1]);
        Path work = Path.of(args[3]);
        String script = String.join("\n",
                "read a _ < /proc/uptime",
                "dd if=/dev/vda of=/dev/null bs=1M count=" + MIB + " iflag=direct 2>/dev/null",
                "read b _ < /proc/uptime",
                "echo \"BENCH-READ $a $b\"",
                "read a _ < /proc/uptime",
                "dd if=/dev/zero of=/dev/vda bs=1M count=" + MIB + " oflag=direct 2>/dev/null",
                "read b _ < /proc/uptime",
                "echo \"BENCH-WRITE $a $b\"",
                "");
        GuestInitramfs initramfs = GuestInitramfs.forKernel(KernelModules.load(Path.of(args[2])))
                .feature(GuestFeature.BLOCK).script(script).build();
        Path initrd = initramfs.cachedIn(work);
        Path disk = work.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength((MIB + 16L) << 20);
        }
        String cmdline = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
        List<String> kapsel = List.of("bin/kapsel", "vm", "run", "--kernel", kernel.toString(), "--initrd",
                initrd.toString(), "--cmdline", cmdline, "--memory", "512", "--disk", disk.toString());
        List<String> qemu = List.of("qemu-system-x86_64", "-M", "microvm", "-enable-kvm", "-cpu", "host", "-m", "512",
                "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", cmdline,
                "-drive", "id=d0,file=" + disk + ",format=raw,if=none", "-device", "virtio-blk-device,drive=d0");
        List<double[]> k = new ArrayList<>();
        List<double[]> q = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            k.add(run("kapsel", kapsel, i));
            q.add(run("qemu", qemu, i));
        }
        double kr = median(k, 0), kw = median(k, 1), qr = median(q, 0), qw = median(q, 1);
        System.out.printf(Locale.ROOT, "virtio-blk sequential read %d MiB, median MiB/s: kapsel %.1f, qemu-microvm %.1f, ratio kapsel/qemu %.2f%n",
                MIB, kr, qr, kr / qr);
        System.out.printf(Locale.ROOT, "virtio-blk sequential write %d MiB, median MiB/s: kapsel %.1f, qemu-microvm %.1f, ratio kapsel/qemu %.2f%n",
                MIB, kw, qw, kw / qw);
    }

    static double[] run(String name, List<String> cmd, int round) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor(600, TimeUnit.SECONDS);
        double read = rate(out, "BENCH-READ");
        double write = rate(out, "BENCH-WRITE");
        if (read < 0 || write < 0) {
            throw new IOException(name + " round " + round + " printed no timings:\n" + out.substring(Math.max(0, out.length() - 3000)));
        }
        System.out.printf(Locale.ROOT, "round %d %-7s read %7.1f MiB/s  write %7.1f MiB/s%n", round, name, read, write);
        return new double[] {read, write};
    }

    static double rate(String out, String tag) {
        Matcher m = Pattern.compile(tag + " ([0-9.]+) ([0-9.]+)").matcher(out);
        if (!m.find()) {
            return -1;
        }
        double seconds = Math.max(0.01, Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1)));
        return MIB / seconds;
    }

    static double median(List<double[]> xs, int column) {
        double[] a = xs.stream().mapToDouble(x -> x[column]).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
