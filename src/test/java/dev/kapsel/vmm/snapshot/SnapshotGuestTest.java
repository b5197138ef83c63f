package dev.kapsel.vmm.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.api.http.RawClient;
import dev.kapsel.devices.virtio.VsockGuestPrograms;
import dev.kapsel.initramfs.BusyboxInitramfs;
import dev.kapsel.initramfs.Initramfs;
import dev.kapsel.testing.Guest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Linux guest that counts on its serial console and writes each count to its own sector of a
 * virtio-blk disk (fsync'd), with a vsock echo server, is snapshotted through
 * {@code kapsel vm snapshot}, its process killed, and restored by {@code kapsel vm restore} in a new
 * process: it counts on from where it was, its disk holds every count written before and goes on
 * getting new ones, and a new vsock connection is echoed.
 */
@Tag("guest")
class SnapshotGuestTest {
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
    private static final List<String> MODULES = List.of(
            "drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
            "drivers/block/virtio_blk.ko", "net/vmw_vsock/vsock.ko",
            "net/vmw_vsock/vmw_vsock_virtio_transport_common.ko", "net/vmw_vsock/vmw_vsock_virtio_transport.ko");
    private static final String SCRIPT = """
            for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/vda ] && break; sleep 0.2; done
            (while true; do /vsock-echo 52 >/dev/null; done) &
            i=0
            while true; do
              i=$((i+1))
              printf 'disk %08d\\n' $i | dd of=/dev/vda bs=512 seek=$i conv=sync,fsync 2>/dev/null
              echo "count $i"
              sleep 0.2
            done
            """;
    private static final Pattern COUNT = Pattern.compile("count (\\d+)");

    private static List<Integer> counts(Path out) throws IOException {
        List<Integer> all = new ArrayList<>();
        Matcher m = COUNT.matcher(Files.readString(out));
        while (m.find()) {
            all.add(Integer.parseInt(m.group(1)));
        }
        return all;
    }

    private static void awaitCount(Process p, Path out, int count, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (counts(out).isEmpty() || counts(out).getLast() < count) {
            assertTrue(p.isAlive(), "the VM ended:\n" + Files.readString(out) + "\n" + Files.readString(Path.of(out + ".err")));
            assertTrue(System.nanoTime() < deadline, "no count " + count + " within " + seconds + " s:\n" + Files.readString(out));
            Thread.sleep(100);
        }
    }

    private static Process kapsel(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(Path.of(out + ".err").toFile()).start();
    }

    private static byte[] sector(int count) {
        byte[] s = new byte[512];
        byte[] line = String.format("disk %08d\n", count).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, s, 0, line.length);
        return s;
    }

    private static void assertDiskHolds(Path disk, int from, int to) throws IOException {
        byte[] image = Files.readAllBytes(disk);
        for (int i = from; i <= to; i++) {
            assertArrayEquals(sector(i), Arrays.copyOfRange(image, i * 512, (i + 1) * 512), "sector " + i);
        }
    }

    /** The counting guest's initramfs (modules, the script, the vsock echo server) in {@code dir}. */
    private static Path initrd(Path dir) throws IOException {
        Path moduleDir = Guest.kernels().defaultModules().orElseThrow().resolve("kernel");
        StringBuilder init = new StringBuilder("mount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\n");
        for (String m : MODULES) {
            init.append("insmod /modules/").append(Path.of(m).getFileName()).append('\n');
        }
        Initramfs image = BusyboxInitramfs.withInit(init + SCRIPT);
        for (String m : MODULES) {
            image.copy(moduleDir.resolve(m), "modules/" + Path.of(m).getFileName(), 0644);
        }
        image.copy(VsockGuestPrograms.executable("vsock-echo"), "vsock-echo", 0755);
        Path initrd = dir.resolve("init.cpio.gz");
        image.writeTo(initrd);
        return initrd;
    }

    /** A test's directory with the guest's initramfs, an empty 2 MiB disk, and where the snapshot goes. */
    private record Fixture(Path dir, Path initrd, Path disk, Path mem, Path state) {
        static Fixture prepare() throws IOException {
            Path dir = Guest.tempDir();
            Path disk = Files.write(dir.resolve("disk.img"), new byte[2 << 20]);
            return new Fixture(dir, SnapshotGuestTest.initrd(dir), disk, dir.resolve("vm.mem"), dir.resolve("vm.state"));
        }
    }

    @Test
    void aGuestRestoredInANewProcessCountsOnWithItsDiskAndVsock() throws Exception {
        Fixture f = Fixture.prepare();
        Path dir = f.dir(), initrd = f.initrd(), disk = f.disk(), mem = f.mem(), state = f.state();

        Path outA = dir.resolve("a.out");
        Process a = kapsel(outA, "vm", "run", "--kernel", Guest.vmlinux().toString(), "--initrd", initrd.toString(),
                "--cmdline", CMDLINE, "--memory", "128", "--disk", disk.toString(), "--vsock", "uds=" + dir.resolve("a.sock"),
                "--control-sock", dir.resolve("a.ctl").toString());
        int saved;
        try {
            awaitCount(a, outA, 5, Guest.BOOT_TIMEOUT_SECONDS);
            long start = System.nanoTime();
            Guest.Result snap = Guest.kapsel("vm", "snapshot", "--control-sock", dir.resolve("a.ctl").toString(),
                    "--mem-file", mem.toString(), "--state-file", state.toString());
            System.out.printf("kapsel vm snapshot of a 128 MiB Linux guest: %.0f ms (with the CLI's JVM start)%n",
                    (System.nanoTime() - start) / 1e6);
            assertEquals(0, snap.exitCode(), snap.toString());
            saved = counts(outA).getLast();
            Thread.sleep(1000);
            assertEquals(saved, counts(outA).getLast(), "the snapshotted VM stays paused");
        } finally {
            a.destroyForcibly().waitFor(); // killed, not stopped: nothing of it but the two files survives
        }
        assertDiskHolds(disk, 1, saved);

        Path outB = dir.resolve("b.out");
        long start = System.nanoTime();
        Process b = kapsel(outB, "vm", "restore", "--mem-file", mem.toString(), "--state-file", state.toString(),
                "--vsock-uds", dir.resolve("b.sock").toString());
        try {
            awaitCount(b, outB, saved + 3, 120);
            System.out.printf("kapsel vm restore to 3 counts on: %.0f ms%n", (System.nanoTime() - start) / 1e6);
            List<Integer> after = counts(outB);
            assertTrue(after.getFirst() > saved && after.getFirst() <= saved + 2,
                    "the restored guest counts on from " + saved + ", not from " + after.getFirst() + ":\n" + Files.readString(outB));
            for (int i = 1; i < after.size(); i++) {
                assertEquals(after.get(i - 1) + 1, after.get(i), "counts in order");
            }
            byte[] echoed = echo(dir.resolve("b.sock"), "ping after restore".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping after restore", new String(echoed, StandardCharsets.US_ASCII));
        } finally {
            b.destroyForcibly().waitFor();
        }
        int last = counts(outB).getLast();
        assertDiskHolds(disk, 1, last - 1); // the counts before the snapshot and those the restored guest wrote
    }

    private static void api(RawClient client, String method, String path, String body) throws IOException {
        RawClient.Response r = client.exchange(method, path, body);
        assertEquals(204, r.status(), method + " " + path + " " + body + " -> " + r.body());
    }

    /**
     * The same guest through Firecracker's API of {@code kapsel vm serve}: configured and started with
     * InstanceStart, paused with PATCH /vm, snapshotted with PUT /snapshot/create, its process killed; a
     * new {@code vm serve} loads it with resume_vm and a vsock override, and it counts on with its disk.
     */
    @Test
    void aGuestSnapshottedThroughTheApiCountsOnInANewServe() throws Exception {
        Fixture f = Fixture.prepare();
        Path dir = f.dir(), initrd = f.initrd(), disk = f.disk(), mem = f.mem(), state = f.state();

        Path outA = dir.resolve("a.out");
        Path apiA = dir.resolve("a.api");
        Process a = kapsel(outA, "vm", "serve", "--api-sock", apiA.toString());
        int saved;
        try {
            try (RawClient client = RawClient.connectOnceListening(apiA, 120, a::isAlive)) {
                api(client, "PUT", "/boot-source", "{\"kernel_image_path\":\"" + Guest.vmlinux() + "\",\"initrd_path\":\""
                        + initrd + "\",\"boot_args\":\"" + CMDLINE + "\"}");
                api(client, "PUT", "/drives/data", "{\"drive_id\":\"data\",\"path_on_host\":\"" + disk
                        + "\",\"is_root_device\":false,\"is_read_only\":false}");
                api(client, "PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128}");
                api(client, "PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"" + dir.resolve("a.sock") + "\"}");
                api(client, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
                awaitCount(a, outA, 5, Guest.BOOT_TIMEOUT_SECONDS);
                api(client, "PATCH", "/vm", "{\"state\":\"Paused\"}");
                long start = System.nanoTime();
                api(client, "PUT", "/snapshot/create", "{\"mem_file_path\":\"" + mem + "\",\"snapshot_path\":\"" + state + "\"}");
                System.out.printf("PUT /snapshot/create of a 128 MiB Linux guest: %.0f ms%n", (System.nanoTime() - start) / 1e6);
            }
            saved = counts(outA).getLast();
        } finally {
            a.destroyForcibly().waitFor();
        }
        assertDiskHolds(disk, 1, saved);

        Path outB = dir.resolve("b.out");
        Path apiB = dir.resolve("b.api");
        Process b = kapsel(outB, "vm", "serve", "--api-sock", apiB.toString());
        try {
            long start = System.nanoTime();
            try (RawClient client = RawClient.connectOnceListening(apiB, 120, b::isAlive)) {
                api(client, "PUT", "/snapshot/load", "{\"snapshot_path\":\"" + state + "\",\"mem_backend\":{\"backend_type\":\"File\","
                        + "\"backend_path\":\"" + mem + "\"},\"resume_vm\":true,\"vsock_override\":{\"uds_path\":\""
                        + dir.resolve("b.sock") + "\"}}");
            }
            System.out.printf("PUT /snapshot/load with resume_vm of a 128 MiB Linux guest: %.0f ms%n", (System.nanoTime() - start) / 1e6);
            awaitCount(b, outB, saved + 3, 120);
            List<Integer> after = counts(outB);
            assertTrue(after.getFirst() > saved && after.getFirst() <= saved + 2,
                    "the loaded guest counts on from " + saved + ", not from " + after.getFirst() + ":\n" + Files.readString(outB));
            byte[] echoed = echo(dir.resolve("b.sock"), "ping after load".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping after load", new String(echoed, StandardCharsets.US_ASCII));
        } finally {
            b.destroyForcibly().waitFor();
        }
        assertDiskHolds(disk, 1, counts(outB).getLast() - 1);
    }

    /** CONNECT 52 on the vsock socket, send {@code payload}, read the echo to its end. */
    private static byte[] echo(Path uds, byte[] payload) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(uds));
                c.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
                String ok = VsockGuestPrograms.readLine(c);
                if (ok == null || !ok.startsWith("OK ")) {
                    Thread.sleep(200); // between two accepts of the guest's loop: it answered RST
                    continue;
                }
                c.write(ByteBuffer.wrap(payload));
                c.shutdownOutput();
                return Channels.newInputStream(c).readAllBytes();
            } catch (java.net.ConnectException | java.nio.file.NoSuchFileException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no vsock echo within 60 s");
    }
}
