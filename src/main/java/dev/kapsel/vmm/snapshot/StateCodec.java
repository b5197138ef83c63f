package dev.kapsel.vmm.snapshot;

import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.kvm.KvmBytes;
import dev.kapsel.kvm.KvmVcpuState;
import dev.kapsel.kvm.KvmVmState;
import dev.kapsel.kvm.MsrEntry;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import dev.kapsel.vmm.BalloonConfig;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.MicroVmState;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.SharedDirConfig;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VsockConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link MicroVmState} as the body of the state file (version {@link StateFile#VERSION}): the VM's
 * configuration, each vCPU's KVM state, the VM's KVM state, the device states. Fields in a fixed order,
 * no names: a change here is a version bump.
 */
final class StateCodec {
    private StateCodec() {}

    static byte[] encode(MicroVmState state) {
        StateWriter out = new StateWriter();
        config(out, state.config());
        out.list(state.vcpus(), StateCodec::vcpu);
        KvmVmState vm = state.vm();
        out.bytes(vm.pit()).bytes(vm.clock()).bytes(vm.picMaster()).bytes(vm.picSlave()).bytes(vm.ioapic());
        out.bytes(state.devices());
        return out.toByteArray();
    }

    static MicroVmState decode(byte[] body) {
        StateReader in = new StateReader(body);
        VmConfig config = config(in);
        var vcpus = in.list(StateCodec::vcpu);
        KvmVmState vm = new KvmVmState(in.bytes(), in.bytes(), in.bytes(), in.bytes(), in.bytes());
        byte[] devices = in.bytes();
        in.end();
        return new MicroVmState(config, vcpus, vm, devices);
    }

    private static void vcpu(StateWriter out, KvmVcpuState v) {
        out.i32(v.mpState()).bytes(KvmBytes.of(v.regs())).bytes(KvmBytes.of(v.sregs())).bytes(v.xsave()).bytes(v.xcrs())
                .bytes(v.debugRegs()).bytes(v.lapic()).i32(v.tscKhz());
        out.list(v.msrs(), (w, m) -> w.i32(m.index()).i64(m.value()));
        out.bytes(v.events());
        out.list(v.cpuid(), (w, c) -> w.i32(c.function()).i32(c.index()).i32(c.flags()).i32(c.eax()).i32(c.ebx())
                .i32(c.ecx()).i32(c.edx()));
    }

    private static KvmVcpuState vcpu(StateReader in) {
        int mpState = in.i32();
        var regs = KvmBytes.regs(in.bytes());
        var sregs = KvmBytes.sregs(in.bytes());
        byte[] xsave = in.bytes();
        byte[] xcrs = in.bytes();
        byte[] debugRegs = in.bytes();
        byte[] lapic = in.bytes();
        int tscKhz = in.i32();
        var msrs = in.list(r -> new MsrEntry(r.i32(), r.i64()));
        byte[] events = in.bytes();
        var cpuid = in.list(r -> new CpuidEntry(r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32()));
        return new KvmVcpuState(mpState, regs, sregs, xsave, xcrs, debugRegs, lapic, tscKhz, msrs, events, cpuid);
    }

    private static void config(StateWriter out, VmConfig c) {
        out.string(c.kernel().toString()).string(c.initrd().map(Path::toString).orElse("")).string(c.cmdline())
                .i32(c.vcpus()).i64(c.memoryMib());
        out.list(c.disks(), (w, d) -> w.string(d.path().toString()).bool(d.readOnly()));
        out.bool(c.rng());
        out.bool(c.vsock().isPresent());
        c.vsock().ifPresent(v -> out.string(v.uds().toString()).i64(v.guestCid()));
        out.list(c.nets(), (w, n) -> w.string(n.tap()).bytes(n.mac())
                .string(n.namespace() == null ? "" : n.namespace().toString()).bool(n.takeOver()));
        out.bool(c.balloon().isPresent());
        c.balloon().ifPresent(b -> out.i64(b.targetMib()).bool(b.deflateOnOom()));
        out.list(c.shares(), (w, s) -> w.string(s.tag()).string(s.source().toString()).bool(s.readOnly()));
    }

    private static VmConfig config(StateReader in) {
        Path kernel = Path.of(in.string());
        String initrd = in.string();
        String cmdline = in.string();
        int vcpus = in.i32();
        long memoryMib = in.i64();
        var disks = in.list(r -> new DiskConfig(Path.of(r.string()), r.bool()));
        boolean rng = in.bool();
        Optional<VsockConfig> vsock = in.bool() ? Optional.of(new VsockConfig(Path.of(in.string()), in.i64())) : Optional.empty();
        var nets = in.list(r -> {
            String tap = r.string();
            byte[] mac = r.bytes();
            String ns = r.string();
            return new NetConfig(tap, mac, ns.isEmpty() ? null : Path.of(ns), r.bool());
        });
        Optional<BalloonConfig> balloon = in.bool() ? Optional.of(new BalloonConfig(in.i64(), in.bool())) : Optional.empty();
        var shares = in.list(r -> new SharedDirConfig(r.string(), Path.of(r.string()), r.bool()));
        return new VmConfig(kernel, initrd.isEmpty() ? Optional.empty() : Optional.of(Path.of(initrd)), cmdline, vcpus,
                memoryMib, disks, rng, vsock, nets, balloon, shares);
    }
}
