package dev.kapsel.api;

import dev.kapsel.api.ApiModel.Balloon;
import dev.kapsel.api.ApiModel.BootSource;
import dev.kapsel.api.ApiModel.Drive;
import dev.kapsel.api.ApiModel.EntropyDevice;
import dev.kapsel.api.ApiModel.FullVmConfiguration;
import dev.kapsel.api.ApiModel.InstanceInfo;
import dev.kapsel.api.ApiModel.Logger;
import dev.kapsel.api.ApiModel.MachineConfiguration;
import dev.kapsel.api.ApiModel.Metrics;
import dev.kapsel.api.ApiModel.NetworkInterface;
import dev.kapsel.api.ApiModel.SnapshotCreateParams;
import dev.kapsel.api.ApiModel.SnapshotLoadParams;
import dev.kapsel.api.ApiModel.Vsock;
import dev.kapsel.api.VmmAction.Phase;
import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.BalloonConfig;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmSetupException;
import dev.kapsel.vmm.VmStateException;
import dev.kapsel.vmm.VsockConfig;
import dev.kapsel.vmm.snapshot.RestoreOverrides;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one place API actions are carried out, as Firecracker's VMM controller: before InstanceStart
 * (pre-boot) it collects the VM's make-up, InstanceStart turns that into a {@link VmConfig} and
 * launches it, after which (runtime) only actions on the running guest are taken. Instead of
 * InstanceStart, a fresh controller may load a snapshot through {@link SnapshotOperations}; the VM is
 * then paused until resumed, and its make-up is the snapshot's. An action of the other phase is
 * refused with Firecracker's 400 and message. Actions run one at a time.
 */
public final class VmmController {
    static final String NOT_SUPPORTED_POST_BOOT = "The requested operation is not supported after starting the microVM.";
    static final String NOT_SUPPORTED_PRE_BOOT = "The requested operation is not supported before starting the microVM.";
    /** Firecracker's defaults for a machine nobody configured. */
    static final int DEFAULT_VCPUS = 1;
    static final long DEFAULT_MEMORY_MIB = 128;

    private final GuestLauncher launcher;
    private final SnapshotOperations snapshots;
    private final String instanceId;
    private final String version;

    private MachineConfiguration machine = new MachineConfiguration(null, false, DEFAULT_MEMORY_MIB, false, DEFAULT_VCPUS, "None");
    private BootSource bootSource;
    private final Map<String, Drive> drives = new LinkedHashMap<>();
    private final Map<String, NetworkInterface> nets = new LinkedHashMap<>();
    private Vsock vsock;
    private EntropyDevice entropy;
    private Balloon balloon;
    private Logger logger;
    private Metrics metrics;
    private long actionsHandled;
    private long actionsRefused;

    private boolean machineConfigured;
    private GuestVm vm;
    private boolean paused;
    /** Whether the VM came from PUT /snapshot/load (its make-up is then the snapshot's, not the PUTs'). */
    private boolean restored;

    private final CompletableFuture<GuestVm> started = new CompletableFuture<>();

    public VmmController(GuestLauncher launcher, SnapshotOperations snapshots, String instanceId, String version) {
        this.launcher = launcher;
        this.snapshots = snapshots;
        this.instanceId = instanceId;
        this.version = version;
    }

    /** Completes with the VM once InstanceStart (or a snapshot load) has started one. */
    public CompletableFuture<GuestVm> started() {
        return started;
    }

    /** Carries out one action; every refusal is a reply with a fault, never an exception. */
    public synchronized ApiReply handle(VmmAction action) {
        ApiReply reply;
        try {
            checkPhase(action.phase());
            reply = dispatch(action);
        } catch (ApiFault fault) {
            reply = ApiReply.fault(fault);
        }
        if (reply.status() >= 400) {
            actionsRefused++;
        } else {
            actionsHandled++;
        }
        log(action, reply);
        return reply;
    }

    private void checkPhase(Phase phase) throws ApiFault {
        if (phase == Phase.PRE_BOOT && vm != null) {
            throw new ApiFault(NOT_SUPPORTED_POST_BOOT);
        }
        if (phase == Phase.POST_BOOT && vm == null) {
            throw new ApiFault(NOT_SUPPORTED_PRE_BOOT);
        }
    }

    private ApiReply dispatch(VmmAction action) throws ApiFault {
        return switch (action) {
            case VmmAction.GetInstanceInfo a -> ApiReply.ok(new InstanceInfo("kapsel", instanceId,
                    vm == null ? "Not started" : paused ? "Paused" : "Running", version));
            case VmmAction.GetVersion a -> ApiReply.ok(new ApiModel.FirecrackerVersion(version));
            case VmmAction.GetVmConfig a -> ApiReply.ok(fullConfiguration());
            case VmmAction.GetMachineConfig a -> ApiReply.ok(machine);
            case VmmAction.PutMachineConfig a -> putMachine(a.config(), true);
            case VmmAction.PatchMachineConfig a -> putMachine(a.config(), false);
            case VmmAction.PutBootSource a -> putBootSource(a.source());
            case VmmAction.PutDrive a -> putDrive(a.drive());
            case VmmAction.PatchDrive a -> throw new ApiFault("kapsel cannot change drive " + a.drive().driveId()
                    + " of a running microVM (no backing-file swap or rate limiter)");
            case VmmAction.PutNetworkInterface a -> putNet(a.iface());
            case VmmAction.PatchNetworkInterface a -> throw new ApiFault("kapsel has no rate limiters to update on network interface "
                    + a.iface().ifaceId());
            case VmmAction.PutVsock a -> putVsock(a.vsock());
            case VmmAction.PutEntropy a -> putEntropy(a.entropy());
            case VmmAction.GetBalloon a -> {
                if (balloon == null) {
                    throw new ApiFault("No balloon device configured.");
                }
                yield ApiReply.ok(balloon);
            }
            case VmmAction.PutBalloon a -> putBalloon(a.balloon());
            case VmmAction.PatchBalloon a -> throw new ApiFault("kapsel cannot change the balloon target of a running microVM"
                    + " (set amount_mib with PUT /balloon before InstanceStart)");
            case VmmAction.GetBalloonStats a -> throw new ApiFault(balloon == null ? "No balloon device configured."
                    : "Balloon statistics are not enabled (kapsel's balloon has no statistics queue).");
            case VmmAction.PatchBalloonStats a -> throw new ApiFault(balloon == null ? "No balloon device configured."
                    : "Balloon statistics are not enabled (kapsel's balloon has no statistics queue).");
            case VmmAction.InstanceStart a -> instanceStart();
            case VmmAction.SendCtrlAltDel a -> {
                try {
                    if (!vm.sendCtrlAltDel()) {
                        throw new ApiFault("the guest's keyboard buffer is full (it has not read earlier keys); try again");
                    }
                } catch (VmStateException e) {
                    throw new ApiFault("cannot send Ctrl-Alt-Del: " + e.getMessage());
                }
                yield ApiReply.NO_CONTENT;
            }
            case VmmAction.FlushMetrics a -> flushMetrics();
            case VmmAction.Pause a -> pause();
            case VmmAction.Resume a -> resume();
            case VmmAction.CreateSnapshot a -> createSnapshot(a.params());
            case VmmAction.LoadSnapshot a -> loadSnapshot(a.params());
            case VmmAction.PutLogger a -> putLogger(a.logger());
            case VmmAction.PutMetrics a -> putMetrics(a.metrics());
        };
    }

    private ApiReply putMachine(MachineConfiguration c, boolean full) throws ApiFault {
        if (full && (c.vcpuCount() == null || c.memSizeMib() == null)) {
            throw new ApiFault("PUT /machine-config needs vcpu_count and mem_size_mib (PATCH changes single fields)");
        }
        MachineConfiguration next = new MachineConfiguration(
                c.cpuTemplate() != null ? c.cpuTemplate() : full ? null : machine.cpuTemplate(),
                c.smt() != null ? c.smt() : full ? Boolean.FALSE : machine.smt(),
                c.memSizeMib() != null ? c.memSizeMib() : machine.memSizeMib(),
                c.trackDirtyPages() != null ? c.trackDirtyPages() : full ? Boolean.FALSE : machine.trackDirtyPages(),
                c.vcpuCount() != null ? c.vcpuCount() : machine.vcpuCount(),
                c.hugePages() != null ? c.hugePages() : full ? "None" : machine.hugePages());
        if (next.vcpuCount() < 1 || next.vcpuCount() > VmConfig.MAX_VCPUS) {
            throw new ApiFault("The vCPU number is invalid! The vCPU number can only be 1 or an even number when SMT is enabled."
                    + " kapsel allows 1 to " + VmConfig.MAX_VCPUS + ", not " + next.vcpuCount() + ".");
        }
        if (next.memSizeMib() < VmConfig.MIN_MEMORY_MIB || next.memSizeMib() > VmConfig.MAX_MEMORY_MIB) {
            throw new ApiFault("The memory size (MiB) is invalid: kapsel allows " + VmConfig.MIN_MEMORY_MIB + " to "
                    + VmConfig.MAX_MEMORY_MIB + ", not " + next.memSizeMib() + ".");
        }
        if (next.smt()) {
            throw new ApiFault("kapsel does not support smt: true (each vCPU is one core)");
        }
        if (next.trackDirtyPages()) {
            throw new ApiFault("kapsel does not track dirty pages (track_dirty_pages must be false)");
        }
        if (next.cpuTemplate() != null && !next.cpuTemplate().equals("None")) {
            throw new ApiFault("kapsel has no CPU templates (cpu_template must be None, not " + next.cpuTemplate() + ")");
        }
        if (!next.hugePages().equals("None")) {
            throw new ApiFault("kapsel backs guest memory with 4K pages only (huge_pages must be None, not " + next.hugePages() + ")");
        }
        machine = next;
        machineConfigured = true;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply putBootSource(BootSource source) throws ApiFault {
        requireReadableFile(source.kernelImagePath(), "The kernel file cannot be opened");
        if (source.initrdPath() != null) {
            requireReadableFile(source.initrdPath(), "The initrd file cannot be opened");
        }
        if (source.bootArgs() != null && source.bootArgs().indexOf('\0') >= 0) {
            throw new ApiFault("The kernel command line is invalid: it contains NUL");
        }
        bootSource = source;
        return ApiReply.NO_CONTENT;
    }

    private static void requireReadableFile(String path, String what) throws ApiFault {
        if (path.isEmpty() || !Files.isRegularFile(Path.of(path)) || !Files.isReadable(Path.of(path))) {
            throw new ApiFault(what + ": " + path + " is not a readable file");
        }
    }

    private ApiReply putDrive(Drive d) throws ApiFault {
        if (d.socket() != null) {
            throw new ApiFault("kapsel has no vhost-user-block drives (drive " + d.driveId() + " names a socket)");
        }
        if (d.pathOnHost() == null || d.isReadOnly() == null) {
            throw new ApiFault("drive " + d.driveId() + " needs path_on_host and is_read_only");
        }
        if (d.rateLimiter() != null) {
            throw new ApiFault("kapsel has no rate limiters (drive " + d.driveId() + ")");
        }
        if (d.cacheType() != null && !d.cacheType().equals("Unsafe")) {
            throw new ApiFault("kapsel serves drives with cache_type Unsafe only (flushes are not forwarded), not " + d.cacheType());
        }
        if (d.ioEngine() != null && !d.ioEngine().equals("Sync")) {
            throw new ApiFault("kapsel serves drives with io_engine Sync only, not " + d.ioEngine());
        }
        if (d.partuuid() != null && !d.partuuid().matches("[0-9A-Fa-f-]{1,64}")) {
            throw new ApiFault("drive " + d.driveId() + ": partuuid must be hex digits and dashes");
        }
        requireReadableFile(d.pathOnHost(), "Unable to open the block device backing file of drive " + d.driveId());
        if (d.isRootDevice()) {
            for (Drive other : drives.values()) {
                if (other.isRootDevice() && !other.driveId().equals(d.driveId())) {
                    throw new ApiFault("A root block device already exists!");
                }
            }
        }
        if (!drives.containsKey(d.driveId()) && drives.size() + deviceCountBesidesDrives() >= VmConfig.MAX_VIRTIO_DEVICES) {
            throw new ApiFault("at most " + VmConfig.MAX_VIRTIO_DEVICES + " virtio devices fit");
        }
        drives.put(d.driveId(), d);
        return ApiReply.NO_CONTENT;
    }

    private int deviceCountBesidesDrives() {
        return nets.size() + (vsock != null ? 1 : 0) + (entropy != null ? 1 : 0) + (balloon != null ? 1 : 0);
    }

    private ApiReply putNet(NetworkInterface n) throws ApiFault {
        if (n.rxRateLimiter() != null || n.txRateLimiter() != null) {
            throw new ApiFault("kapsel has no rate limiters (network interface " + n.ifaceId() + ")");
        }
        if (n.mtu() != null) {
            throw new ApiFault("kapsel does not offer VIRTIO_NET_F_MTU (network interface " + n.ifaceId() + " sets mtu)");
        }
        for (NetworkInterface other : nets.values()) {
            if (!other.ifaceId().equals(n.ifaceId()) && other.hostDevName().equals(n.hostDevName())) {
                throw new ApiFault("The host device name " + n.hostDevName() + " is already in use by " + other.ifaceId());
            }
        }
        netConfig(n, 0); // validates name and MAC now, as Firecracker does at PUT
        nets.put(n.ifaceId(), n);
        return ApiReply.NO_CONTENT;
    }

    private static NetConfig netConfig(NetworkInterface n, int index) throws ApiFault {
        byte[] mac = java.util.Arrays.copyOf(NetConfig.DEFAULT_MAC_PREFIX, 6);
        mac[5] = (byte) (2 + index);
        if (n.guestMac() != null) {
            String[] parts = n.guestMac().split(":", -1);
            if (parts.length != 6 || !n.guestMac().matches("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}")) {
                throw new ApiFault("Invalid MAC address " + n.guestMac() + " of network interface " + n.ifaceId());
            }
            for (int i = 0; i < 6; i++) {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            }
        }
        try {
            return new NetConfig(n.hostDevName(), mac);
        } catch (IllegalArgumentException e) {
            throw new ApiFault("network interface " + n.ifaceId() + ": " + e.getMessage());
        }
    }

    private ApiReply putVsock(Vsock v) throws ApiFault {
        try {
            new VsockConfig(Path.of(v.udsPath()), v.guestCid());
        } catch (IllegalArgumentException e) {
            throw new ApiFault(e.getMessage());
        }
        if (v.udsPath().isEmpty()) {
            throw new ApiFault("vsock uds_path must not be empty");
        }
        vsock = v;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply putEntropy(EntropyDevice e) throws ApiFault {
        if (e.rateLimiter() != null) {
            throw new ApiFault("kapsel has no rate limiters (entropy device)");
        }
        entropy = e;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply putBalloon(Balloon b) throws ApiFault {
        if (b.statsPollingIntervalS() != null && b.statsPollingIntervalS() != 0) {
            throw new ApiFault("kapsel's balloon has no statistics queue (stats_polling_interval_s must be 0)");
        }
        if (Boolean.TRUE.equals(b.freePageHinting()) || Boolean.TRUE.equals(b.freePageReporting())) {
            throw new ApiFault("kapsel's balloon has no free page hinting or reporting");
        }
        if (b.amountMib() < 0 || b.amountMib() >= machine.memSizeMib()) {
            throw new ApiFault("The balloon amount_mib " + b.amountMib() + " must be less than the guest memory ("
                    + machine.memSizeMib() + " MiB)");
        }
        balloon = b;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply putLogger(Logger l) throws ApiFault {
        if (l.logPath() != null) {
            openForAppend(l.logPath(), "logger log_path");
        }
        if (Boolean.TRUE.equals(l.showLogOrigin())) {
            throw new ApiFault("kapsel's API log has no log origins (show_log_origin must be false)");
        }
        logger = l;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply putMetrics(Metrics m) throws ApiFault {
        if (metrics != null) {
            throw new ApiFault("Reinitialization of metrics not allowed.");
        }
        openForAppend(m.metricsPath(), "metrics_path");
        metrics = m;
        return ApiReply.NO_CONTENT;
    }

    private static void openForAppend(String path, String what) throws ApiFault {
        try {
            Files.write(Path.of(path), new byte[0], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            throw new ApiFault("cannot open " + what + " " + path + " for writing: " + e.getMessage());
        }
    }

    private ApiReply flushMetrics() throws ApiFault {
        if (metrics == null) {
            throw new ApiFault("Metrics are not configured: PUT /metrics first.");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("utc_timestamp_ms", Instant.now().toEpochMilli());
        if (Boolean.TRUE.equals(metrics.emitId())) {
            line.put("id", instanceId);
        }
        if (metrics.properties() != null) {
            line.put("properties", metrics.properties());
        }
        line.put("api_server", Map.of("actions_handled", actionsHandled, "actions_refused", actionsRefused));
        line.put("vmm", Map.of("state", vm == null ? "Not started" : paused ? "Paused" : "Running"));
        try {
            Files.writeString(Path.of(metrics.metricsPath()), ApiJson.MAPPER.writeValueAsString(line) + "\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ApiFault("cannot write metrics to " + metrics.metricsPath() + ": " + e.getMessage());
        }
        return ApiReply.NO_CONTENT;
    }

    private ApiReply pause() throws ApiFault {
        try {
            vm.pause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFault(500, "interrupted while pausing the microVM");
        } catch (VmStateException e) {
            throw new ApiFault("cannot pause the microVM: " + e.getMessage());
        }
        paused = true;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply resume() throws ApiFault {
        try {
            vm.resume();
        } catch (VmStateException e) {
            throw new ApiFault("cannot resume the microVM: " + e.getMessage());
        }
        paused = false;
        return ApiReply.NO_CONTENT;
    }

    private ApiReply createSnapshot(SnapshotCreateParams params) throws ApiFault {
        if ("Diff".equals(params.snapshotType())) {
            throw new ApiFault("kapsel takes Full snapshots only: a Diff snapshot needs dirty page tracking, which kapsel"
                    + " does not have (leave snapshot_type out or set it to Full)");
        }
        if (params.snapshotType() != null && !params.snapshotType().equals("Full")) {
            throw new ApiFault("Invalid snapshot_type '" + params.snapshotType() + "': Full (or Diff, which kapsel refuses)");
        }
        if (!paused) {
            throw new ApiFault("Cannot create a snapshot of a running microVM: pause it first (PATCH /vm {\"state\": \"Paused\"}).");
        }
        Path memoryFile = path(params.memFilePath(), "mem_file_path");
        Path stateFile = path(params.snapshotPath(), "snapshot_path");
        if (memoryFile.toAbsolutePath().normalize().equals(stateFile.toAbsolutePath().normalize())) {
            throw new ApiFault("mem_file_path and snapshot_path are the same file " + memoryFile + ": give two files");
        }
        try {
            snapshots.create(vm, memoryFile, stateFile);
        } catch (SnapshotOperations.SnapshotException e) {
            throw new ApiFault(e.getMessage());
        }
        return ApiReply.NO_CONTENT;
    }

    private ApiReply loadSnapshot(SnapshotLoadParams params) throws ApiFault {
        if (machineConfigured || bootSource != null || !drives.isEmpty() || !nets.isEmpty() || vsock != null || balloon != null
                || entropy != null) {
            throw new ApiFault("Loading a microVM snapshot not allowed after configuring boot-specific resources.");
        }
        SnapshotOperations.Load load = snapshotLoad(params);
        try {
            vm = snapshots.load(load);
        } catch (SnapshotOperations.SnapshotException e) {
            throw new ApiFault(e.getMessage());
        }
        restored = true;
        paused = true;
        VmConfig config = vm.config();
        machine = new MachineConfiguration(null, null, config.memoryMib(), false, config.vcpus(), "None");
        started.complete(vm); // before the resume: a VM that loaded is the serve's to run and stop even if that fails
        if (Boolean.TRUE.equals(params.resumeVm())) {
            resume();
        }
        return ApiReply.NO_CONTENT;
    }

    /** A load request checked and resolved: what kapsel cannot do is refused naming the field. */
    private static SnapshotOperations.Load snapshotLoad(SnapshotLoadParams p) throws ApiFault {
        if (Boolean.TRUE.equals(p.enableDiffSnapshots()) || Boolean.TRUE.equals(p.trackDirtyPages())) {
            throw new ApiFault("kapsel has no dirty page tracking: " + (Boolean.TRUE.equals(p.enableDiffSnapshots())
                    ? "enable_diff_snapshots" : "track_dirty_pages") + " must be false (kapsel takes Full snapshots only)");
        }
        if (Boolean.TRUE.equals(p.clockRealtime())) {
            throw new ApiFault("kapsel restores kvmclock as it was at snapshot time: clock_realtime must be false");
        }
        if (p.hugePages() != null && !p.hugePages().equals("Snapshot") && !p.hugePages().equals("None")) {
            throw new ApiFault("kapsel maps a snapshot's memory with 4K pages: huge_pages must be Snapshot or None, not "
                    + p.hugePages());
        }
        if (p.memFilePath() != null && p.memBackend() != null) {
            throw new ApiFault("too many fields: either `mem_backend` or `mem_file_path` exclusively is required.");
        }
        if (p.memFilePath() == null && p.memBackend() == null) {
            throw new ApiFault("missing field: either `mem_backend` or `mem_file_path` is required.");
        }
        Path memoryFile;
        if (p.memBackend() != null) {
            if (!p.memBackend().backendType().equals("File")) {
                throw new ApiFault("kapsel loads guest memory from a file only: mem_backend.backend_type must be File, not "
                        + p.memBackend().backendType() + " (no userfaultfd page server)");
            }
            memoryFile = path(p.memBackend().backendPath(), "mem_backend.backend_path");
        } else {
            memoryFile = path(p.memFilePath(), "mem_file_path");
        }
        Path stateFile = path(p.snapshotPath(), "snapshot_path");
        Map<Integer, String> taps = new LinkedHashMap<>();
        for (ApiModel.NetworkOverride o : p.networkOverrides() == null ? List.<ApiModel.NetworkOverride>of() : p.networkOverrides()) {
            int index = restoredIfaceIndex(o.ifaceId());
            if (taps.put(index, o.hostDevName()) != null) {
                throw new ApiFault("network_overrides names interface " + o.ifaceId() + " twice");
            }
            try {
                new NetConfig(o.hostDevName(), java.util.Arrays.copyOf(NetConfig.DEFAULT_MAC_PREFIX, 6)); // the name's rules
            } catch (IllegalArgumentException e) {
                throw new ApiFault("network_overrides for " + o.ifaceId() + ": " + e.getMessage());
            }
        }
        Optional<Path> vsockUds = Optional.empty();
        if (p.vsockOverride() != null) {
            vsockUds = Optional.of(path(p.vsockOverride().udsPath(), "vsock_override.uds_path"));
        }
        return new SnapshotOperations.Load(memoryFile, stateFile, new RestoreOverrides(taps, vsockUds));
    }

    /**
     * A restored VM's network interfaces are named {@code eth0}, {@code eth1}, ... in the order they were
     * configured (the guest's names for them): kapsel's state file keeps the devices, not the API's
     * iface_ids. GET /vm/config after a load lists them so.
     */
    static String restoredIfaceId(int index) {
        return "eth" + index;
    }

    private static int restoredIfaceIndex(String ifaceId) throws ApiFault {
        if (ifaceId.matches("eth[0-9]{1,2}")) {
            return Integer.parseInt(ifaceId.substring(3));
        }
        throw new ApiFault("Invalid network override: unknown iface_id '" + ifaceId + "': a kapsel snapshot names its"
                + " network interfaces eth0, eth1, ... in the order they were configured (its state file keeps no iface_id)");
    }

    private static Path path(String value, String field) throws ApiFault {
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            throw new ApiFault(field + " must be a file path, not '" + value.replace("\0", "\\0") + "'");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ApiFault(field + " is not a valid path: " + e.getMessage());
        }
    }

    /** The VM configuration InstanceStart builds: Firecracker's rules for the root drive and the command line. */
    VmConfig vmConfig() throws ApiFault {
        if (bootSource == null) {
            throw new ApiFault("Cannot start microvm without kernel configuration: PUT /boot-source first.");
        }
        StringBuilder cmdline = new StringBuilder(bootSource.bootArgs() != null ? bootSource.bootArgs() : VmConfig.DEFAULT_CMDLINE);
        List<Drive> ordered = new ArrayList<>();
        drives.values().stream().filter(Drive::isRootDevice).forEach(ordered::add);
        drives.values().stream().filter(d -> !d.isRootDevice()).forEach(ordered::add);
        if (!ordered.isEmpty() && ordered.getFirst().isRootDevice()) {
            Drive root = ordered.getFirst();
            cmdline.append(root.partuuid() != null ? " root=PARTUUID=" + root.partuuid() : " root=/dev/vda")
                    .append(root.isReadOnly() ? " ro" : " rw");
        }
        List<DiskConfig> disks = ordered.stream().map(d -> new DiskConfig(Path.of(d.pathOnHost()), d.isReadOnly())).toList();
        List<NetConfig> netConfigs = new ArrayList<>();
        for (NetworkInterface n : nets.values()) {
            netConfigs.add(netConfig(n, netConfigs.size()));
        }
        try {
            return new VmConfig(Path.of(bootSource.kernelImagePath()), Optional.ofNullable(bootSource.initrdPath()).map(Path::of),
                    cmdline.toString(), machine.vcpuCount(), machine.memSizeMib(), disks, entropy != null,
                    Optional.ofNullable(vsock).map(v -> new VsockConfig(Path.of(v.udsPath()), v.guestCid())), netConfigs,
                    Optional.ofNullable(balloon).map(b -> new BalloonConfig(b.amountMib(), b.deflateOnOom())), List.of());
        } catch (IllegalArgumentException e) {
            throw new ApiFault("The microVM configuration is invalid: " + e.getMessage());
        }
    }

    private ApiReply instanceStart() throws ApiFault {
        VmConfig config = vmConfig();
        try {
            vm = launcher.launch(config);
        } catch (VmSetupException | KvmUnavailableException e) {
            throw new ApiFault("Cannot start the microVM: " + e.getMessage());
        }
        paused = false;
        started.complete(vm);
        return ApiReply.NO_CONTENT;
    }

    private FullVmConfiguration fullConfiguration() {
        if (restored) {
            return restoredConfiguration(vm.config());
        }
        return new FullVmConfiguration(balloon, List.copyOf(drives.values()), bootSource, null, logger, machine, metrics,
                null, null, List.copyOf(nets.values()), null, vsock, entropy);
    }

    /**
     * GET /vm/config of a VM loaded from a snapshot: what the snapshot's configuration (with the load's
     * overrides) holds, in the API's terms. As Firecracker's contract says, boot-source and
     * machine-config's smt and cpu_template are empty; drives and network interfaces are named by the
     * guest's names for them (vda, vdb, ...; eth0, eth1, ...), since the state file keeps no API ids.
     */
    private FullVmConfiguration restoredConfiguration(VmConfig c) {
        List<Drive> restoredDrives = new ArrayList<>();
        for (int i = 0; i < c.disks().size(); i++) {
            DiskConfig d = c.disks().get(i);
            boolean root = i == 0 && c.cmdline().matches("(.* )?root=/dev/vda( .*)?");
            restoredDrives.add(new Drive(restoredDriveId(i), null, root, "Unsafe", d.readOnly(), d.path().toString(), null,
                    "Sync", null));
        }
        List<NetworkInterface> restoredNets = new ArrayList<>();
        for (int i = 0; i < c.nets().size(); i++) {
            NetConfig n = c.nets().get(i);
            restoredNets.add(new NetworkInterface(java.util.HexFormat.ofDelimiter(":").formatHex(n.mac()), n.tap(),
                    restoredIfaceId(i), null, null, null));
        }
        return new FullVmConfiguration(
                c.balloon().map(b -> new Balloon(b.targetMib(), b.deflateOnOom(), 0, null, null)).orElse(null),
                restoredDrives, null, null, logger, machine, metrics, null, null, restoredNets, null,
                c.vsock().map(v -> new Vsock(v.guestCid(), v.uds().toString(), null)).orElse(null),
                c.rng() ? new EntropyDevice(null) : null);
    }

    static String restoredDriveId(int index) {
        return "vd" + (char) ('a' + index);
    }

    private void log(VmmAction action, ApiReply reply) {
        if (logger == null || logger.logPath() == null || "Off".equals(logger.level())) {
            return;
        }
        boolean refused = reply.status() >= 400;
        String level = refused ? "Error" : "Info";
        if (!refused && List.of("Error", "Warning").contains(logger.level())) {
            return;
        }
        String line = Instant.now() + " [" + instanceId + ":api]" + (Boolean.TRUE.equals(logger.showLevel()) ? " " + level : "")
                + " " + action.getClass().getSimpleName() + " -> " + reply.status()
                + (refused ? ": " + ((ApiModel.Error) reply.body()).faultMessage() : "") + "\n";
        try {
            Files.writeString(Path.of(logger.logPath()), line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is best effort; the client got its answer
        }
    }
}
