package dev.kapsel.vmm.snapshot;

import dev.kapsel.kvm.Kvm;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;
import dev.kapsel.state.StateFormatException;
import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.MicroVmState;
import dev.kapsel.vmm.VmBuilder;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmSetupException;
import dev.kapsel.vmm.VmStateException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Full snapshots of a micro-VM, Firecracker's {@code persist.rs}: the entry point for the CLI and the
 * HTTP API.
 *
 * <ul>
 *   <li>{@link #create}: a paused VM to a memory file (guest RAM as it is, the regions one after
 *       another, all-zero pages left as holes) and a state file ({@link StateFile}: magic, version,
 *       CRC32C, then the configuration, every vCPU's and the VM's KVM state and every device's state).
 *       The VM stays paused; resume or stop it after.</li>
 *   <li>{@link #restore}: the two files to a new VM, built but not started: RAM mapped MAP_PRIVATE from
 *       the memory file (loaded on demand, writes private), the devices made again from the saved
 *       configuration with {@link RestoreOverrides}, all state loaded. {@link MicroVm#start} runs it and
 *       re-notifies every virtio queue. Refused with a {@link SnapshotException} naming the check: not a
 *       snapshot, another format version, damaged, a CPU feature this host lacks, a memory file of the
 *       wrong size.</li>
 * </ul>
 */
public final class Snapshots {
    private static final long PAGE = 4096;

    private Snapshots() {}

    /**
     * Saves the paused {@code vm} to {@code memoryFile} and {@code stateFile} (each replaced whole, never
     * left half-written).
     */
    public static void create(MicroVm vm, Path memoryFile, Path stateFile) throws SnapshotException {
        MicroVmState state;
        try {
            state = vm.saveState();
        } catch (VmStateException e) {
            throw new SnapshotException.Io("cannot snapshot the VM: " + e.getMessage() + " (pause it first)", e);
        } catch (RuntimeException e) {
            throw new SnapshotException.Io("cannot read the VM's state from KVM: " + e.getMessage(), e);
        }
        try {
            writeMemory(vm.memory(), memoryFile);
        } catch (IOException e) {
            throw new SnapshotException.Io(memoryFile + ": cannot write the memory file: " + e.getMessage(), e);
        }
        try {
            StateFile.write(stateFile, StateCodec.encode(state));
        } catch (IOException e) {
            throw new SnapshotException.Io(stateFile + ": cannot write the state file: " + e.getMessage(), e);
        }
    }

    /** Reads and checks {@code stateFile} (envelope, body, CPU features against this host's KVM). */
    public static MicroVmState readState(Path stateFile) throws SnapshotException {
        byte[] body = StateFile.read(stateFile);
        MicroVmState state;
        try {
            state = StateCodec.decode(body);
        } catch (StateFormatException | IllegalArgumentException e) {
            throw new SnapshotException.Corrupt(stateFile + ": the state does not parse: " + e.getMessage(), e);
        }
        List<String> missing;
        try (Kvm kvm = Kvm.open()) {
            missing = CpuFeatureCheck.missing(state.vcpus().getFirst().cpuid(), kvm.supportedCpuid());
        }
        if (!missing.isEmpty()) {
            throw new SnapshotException.CpuMismatch(stateFile + ": the snapshot's guest uses CPU features this host's KVM "
                    + "does not offer: " + String.join(", ", missing) + " (take it on a host with the same CPU features)");
        }
        return state;
    }

    /** Makes the VM in {@code memoryFile} and {@code stateFile} again, not yet started. */
    public static MicroVm restore(Path memoryFile, Path stateFile, RestoreOverrides overrides, OutputStream consoleOut)
            throws SnapshotException {
        MicroVmState saved = readState(stateFile);
        VmConfig config;
        try {
            config = overrides.apply(saved.config());
        } catch (IllegalArgumentException e) {
            throw new SnapshotException.Io("cannot apply the overrides: " + e.getMessage(), e);
        }
        MicroVmState state = new MicroVmState(config, saved.vcpus(), saved.vm(), saved.devices());
        try (FileDescriptor memory = openMemory(memoryFile, config.memoryBytes())) {
            return VmBuilder.restore(state, config, memory, consoleOut);
        } catch (VmSetupException e) {
            throw new SnapshotException.Io("cannot restore the VM: " + e.getMessage(), e);
        }
    }

    private static FileDescriptor openMemory(Path memoryFile, long expected) throws SnapshotException {
        FileDescriptor fd;
        try {
            fd = new FileDescriptor(Libc.open(memoryFile.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0));
        } catch (SyscallException e) {
            throw new SnapshotException.Io(memoryFile + ": cannot open the memory file: " + e.getMessage(), e);
        }
        try {
            long size = Files.size(memoryFile);
            if (size != expected) {
                throw new SnapshotException.MemoryFile(memoryFile + ": the memory file has " + size + " bytes, the snapshot's "
                        + "guest " + expected + " (" + (expected >> 20) + " MiB): not this snapshot's memory file");
            }
            return fd;
        } catch (IOException e) {
            fd.close();
            throw new SnapshotException.Io(memoryFile + ": " + e.getMessage(), e);
        } catch (SnapshotException e) {
            fd.close();
            throw e;
        }
    }

    /** Guest RAM, region after region, skipping all-zero pages (holes in a sparse file); through a temporary file. */
    static void writeMemory(GuestMemory memory, Path file) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw"); FileChannel ch = raf.getChannel()) {
                long offset = 0;
                MemorySegment zero = MemorySegment.ofArray(new byte[(int) PAGE]);
                for (GuestRegion region : memory.regions()) {
                    MemorySegment ram = region.backing();
                    long runStart = -1;
                    for (long page = 0; page <= ram.byteSize(); page += PAGE) {
                        boolean data = page < ram.byteSize()
                                && MemorySegment.mismatch(ram, page, Math.min(page + PAGE, ram.byteSize()), zero, 0,
                                        Math.min(PAGE, ram.byteSize() - page)) != -1;
                        if (data && runStart < 0) {
                            runStart = page;
                        } else if (!data && runStart >= 0) {
                            var buffer = ram.asSlice(runStart, page - runStart).asByteBuffer();
                            long at = offset + runStart;
                            while (buffer.hasRemaining()) {
                                at += ch.write(buffer, at);
                            }
                            runStart = -1;
                        }
                    }
                    offset += ram.byteSize();
                }
                raf.setLength(offset);
                ch.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
