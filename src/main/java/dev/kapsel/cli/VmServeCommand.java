package dev.kapsel.cli;

import dev.kapsel.api.ApiHttpHandler;
import dev.kapsel.api.GuestLauncher;
import dev.kapsel.api.GuestVm;
import dev.kapsel.api.MicroVmSnapshots;
import dev.kapsel.api.VmmController;
import dev.kapsel.api.http.HttpLimits;
import dev.kapsel.api.http.HttpServer;
import dev.kapsel.vmm.ConsoleInput;
import dev.kapsel.vmm.VmExit;
import dev.kapsel.vmm.VmExitStatus;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Serve Firecracker's REST API on a Unix socket for one micro-VM (docs/api/README.md).",
            "Configure it (PUT /boot-source, /machine-config, /drives/ID, /network-interfaces/ID, /vsock,",
            "/entropy, /balloon, /logger, /metrics) and start it (PUT /actions InstanceStart), or load a",
            "snapshot instead (PUT /snapshot/load: mem_backend File or mem_file_path, resume_vm,",
            "network_overrides by eth0, eth1, ..., vsock_override). Once running: PATCH /vm Paused|Resumed,",
            "PUT /snapshot/create (Full, the VM paused), SendCtrlAltDel, FlushMetrics. The guest's serial",
            "console is this process's stdio. What kapsel does not do (Diff snapshots, rate limiters, MMDS,",
            "hot-plug, UFFD) is answered with a 400 saying so.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  kapsel vm serve --api-sock /tmp/fc.sock &",
            "  curl --unix-socket /tmp/fc.sock -X PUT http://localhost/boot-source \\",
            "       -d '{\"kernel_image_path\": \"vmlinux\", \"boot_args\": \"console=ttyS0 reboot=k panic=1\"}'",
            "  curl --unix-socket /tmp/fc.sock -X PUT http://localhost/actions -d '{\"action_type\": \"InstanceStart\"}'",
            "  curl --unix-socket /tmp/fc.sock -X PATCH http://localhost/vm -d '{\"state\": \"Paused\"}'",
            "  curl --unix-socket /tmp/fc.sock -X PUT http://localhost/snapshot/create \\",
            "       -d '{\"snapshot_path\": \"vm.state\", \"mem_file_path\": \"vm.mem\"}'",
            "  kapsel vm serve --api-sock /tmp/fc2.sock &",
            "  curl --unix-socket /tmp/fc2.sock -X PUT http://localhost/snapshot/load -d '{\"snapshot_path\": \"vm.state\",",
            "       \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \"vm.mem\"}, \"resume_vm\": true}'",
            "",
            "Exit codes: as 'kapsel vm run' once a VM ran; 2 when the socket cannot be served."
        })
final class VmServeCommand implements Callable<Integer> {
    @Option(names = "--api-sock", required = true, paramLabel = "PATH",
            description = "The Unix socket to serve the API on (it must not exist; it is removed at the end).")
    Path apiSocket;

    @Option(names = "--id", defaultValue = "anonymous-instance", paramLabel = "ID",
            description = "The instance id GET / answers (default: ${DEFAULT-VALUE}, as Firecracker's).")
    String id;

    /** What the guest's serial port reads (stdin; a test gives another stream). */
    InputStream consoleIn = System.in;
    /** What the guest's serial port writes and the API's errors are not (stdout; a test gives another stream). */
    OutputStream consoleOut = new FileOutputStream(FileDescriptor.out);

    @Override
    public Integer call() throws Exception {
        VmmController controller = new VmmController(GuestLauncher.microVm(consoleOut), new MicroVmSnapshots(consoleOut), id,
                VersionProvider.version());
        HttpServer server;
        try {
            server = HttpServer.start(apiSocket, HttpLimits.DEFAULT, new ApiHttpHandler(controller));
        } catch (IOException e) {
            throw new CommandFailure(2, "--api-sock " + apiSocket + ": " + e.getMessage(), e);
        }
        try (server) {
            GuestVm vm;
            try {
                vm = controller.started().get();
            } catch (ExecutionException e) {
                throw new CommandFailure(1, "the API ended before a VM started: " + e.getCause().getMessage(), e);
            } catch (InterruptedException e) {
                return VmLauncher.exitCode(VmExitStatus.STOPPED);
            }
            try {
                ConsoleInput.start(consoleIn, vm.microVm().serial());
                VmExit exit = vm.awaitExit();
                if (exit.status() != VmExitStatus.POWER_OFF) {
                    System.err.println("kapsel: " + exit.message());
                }
                return VmLauncher.exitCode(exit.status());
            } catch (InterruptedException e) {
                return VmLauncher.exitCode(VmExitStatus.STOPPED); // the VM is stopped below, the socket removed
            } finally {
                vm.stop();
            }
        }
    }
}
