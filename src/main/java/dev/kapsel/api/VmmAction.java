package dev.kapsel.api;

import dev.kapsel.api.ApiModel.Balloon;
import dev.kapsel.api.ApiModel.BalloonStatsUpdate;
import dev.kapsel.api.ApiModel.BalloonUpdate;
import dev.kapsel.api.ApiModel.BootSource;
import dev.kapsel.api.ApiModel.Drive;
import dev.kapsel.api.ApiModel.EntropyDevice;
import dev.kapsel.api.ApiModel.Logger;
import dev.kapsel.api.ApiModel.MachineConfiguration;
import dev.kapsel.api.ApiModel.Metrics;
import dev.kapsel.api.ApiModel.NetworkInterface;
import dev.kapsel.api.ApiModel.PartialDrive;
import dev.kapsel.api.ApiModel.PartialNetworkInterface;
import dev.kapsel.api.ApiModel.SnapshotCreateParams;
import dev.kapsel.api.ApiModel.SnapshotLoadParams;
import dev.kapsel.api.ApiModel.Vsock;

/**
 * Everything the API can ask of the VMM, as Firecracker's {@code VmmAction}: a closed set the
 * {@link VmmController} handles in one switch. {@link ApiRoutes} turns requests into these and does
 * nothing else. Each action belongs to a {@link Phase}: one that changes the VM's make-up works only
 * before InstanceStart, one that acts on a running guest only after.
 */
public sealed interface VmmAction {
    /** When an action is allowed. */
    enum Phase { ANY, PRE_BOOT, POST_BOOT }

    /** When this action is allowed (Firecracker's split between its pre-boot and runtime controllers). */
    default Phase phase() {
        return switch (this) {
            case PutMachineConfig _, PatchMachineConfig _, PutBootSource _, PutDrive _, PutNetworkInterface _,
                    PutVsock _, PutEntropy _, PutBalloon _, InstanceStart _, LoadSnapshot _, PutLogger _, PutMetrics _ -> Phase.PRE_BOOT;
            case PatchDrive _, PatchNetworkInterface _, PatchBalloon _, PatchBalloonStats _, SendCtrlAltDel _,
                    Pause _, Resume _, CreateSnapshot _ -> Phase.POST_BOOT;
            case GetInstanceInfo _, GetVersion _, GetVmConfig _, GetMachineConfig _, GetBalloon _, GetBalloonStats _,
                    FlushMetrics _ -> Phase.ANY;
        };
    }

    record GetInstanceInfo() implements VmmAction {}

    record GetVersion() implements VmmAction {}

    record GetVmConfig() implements VmmAction {}

    record GetMachineConfig() implements VmmAction {}

    record PutMachineConfig(MachineConfiguration config) implements VmmAction {}

    record PatchMachineConfig(MachineConfiguration config) implements VmmAction {}

    record PutBootSource(BootSource source) implements VmmAction {}

    record PutDrive(Drive drive) implements VmmAction {}

    /** Firecracker allows this after boot only (to swap a drive's backing file or rate limiter). */
    record PatchDrive(PartialDrive drive) implements VmmAction {}

    record PutNetworkInterface(NetworkInterface iface) implements VmmAction {}

    record PatchNetworkInterface(PartialNetworkInterface iface) implements VmmAction {}

    record PutVsock(Vsock vsock) implements VmmAction {}

    record PutEntropy(EntropyDevice entropy) implements VmmAction {}

    record GetBalloon() implements VmmAction {}

    record PutBalloon(Balloon balloon) implements VmmAction {}

    record PatchBalloon(BalloonUpdate update) implements VmmAction {}

    record GetBalloonStats() implements VmmAction {}

    record PatchBalloonStats(BalloonStatsUpdate update) implements VmmAction {}

    record InstanceStart() implements VmmAction {}

    record SendCtrlAltDel() implements VmmAction {}

    record FlushMetrics() implements VmmAction {}

    record Pause() implements VmmAction {}

    record Resume() implements VmmAction {}

    record CreateSnapshot(SnapshotCreateParams params) implements VmmAction {}

    record LoadSnapshot(SnapshotLoadParams params) implements VmmAction {}

    record PutLogger(Logger logger) implements VmmAction {}

    record PutMetrics(Metrics metrics) implements VmmAction {}
}
