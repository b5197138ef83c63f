package dev.kapsel.boot;

import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Loads a Linux guest kernel into guest memory for a direct 64-bit boot, with no firmware. The
 * format is detected by magic: an ELF64 x86-64 {@code vmlinux} or a {@code bzImage}.
 *
 * <pre>{@code
 * LoadedKernel k = KernelLoader.load(Path.of("vmlinux"), memory);
 * // k.entry() is the boot CPU's RIP
 * }</pre>
 */
public final class KernelLoader {
    private KernelLoader() {}

    /** Maps the file read-only and loads it; the mapping is released before returning. */
    public static LoadedKernel load(Path file, GuestMemory memory) throws KernelLoadException {
        return withImage(file, (name, image) -> load(name, image, memory));
    }

    /** Maps the file read-only and loads it for {@code protocol}; the mapping is released before returning. */
    public static LoadedKernel load(Path file, GuestMemory memory, BootProtocol protocol) throws KernelLoadException {
        return withImage(file, (name, image) -> load(name, image, memory, protocol));
    }

    /** The boot protocol of the kernel file (see {@link BootProtocol#detect}). */
    public static BootProtocol detectProtocol(Path file) throws KernelLoadException {
        return withImage(file, (name, image) -> {
            BootProtocol p = BootProtocol.detect(name, image);
            if (p == null) {
                throw new KernelLoadException.NotAKernel(name);
            }
            return p;
        });
    }

    /**
     * Loads an image for {@code protocol}: {@link BootProtocol#LINUX} and {@link BootProtocol#ELF64} as
     * {@link #load(String, MemorySegment, GuestMemory)}, PVH by its entry note, multiboot by its header.
     */
    public static LoadedKernel load(String name, MemorySegment image, GuestMemory memory, BootProtocol protocol)
            throws KernelLoadException {
        if (image.byteSize() == 0) {
            throw new KernelLoadException.Empty(name);
        }
        return switch (protocol) {
            case LINUX, ELF64 -> load(name, image, memory);
            case PVH -> PvhLoader.load(name, image, memory);
            case MULTIBOOT -> MultibootLoader.load(name, image, memory);
        };
    }

    private interface ImageAction<T> {
        T apply(String name, MemorySegment image) throws KernelLoadException;
    }

    private static <T> T withImage(Path file, ImageAction<T> action) throws KernelLoadException {
        String name = file.toString();
        try (Arena arena = Arena.ofConfined();
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new KernelLoadException.Empty(name);
            }
            return action.apply(name, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
        } catch (NoSuchFileException e) {
            throw new KernelLoadException.NotFound(name);
        } catch (IOException | UnsupportedOperationException e) {
            if (Files.isDirectory(file)) {
                throw new KernelLoadException.Unreadable(name, new IOException("is a directory"));
            }
            throw new KernelLoadException.Unreadable(name, e);
        }
    }

    /** Loads an image already in memory; {@code name} is used in error messages. */
    public static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        if (image.byteSize() == 0) {
            throw new KernelLoadException.Empty(name);
        }
        return switch (detect(image)) {
            case ELF_VMLINUX -> ElfKernelLoader.load(name, image, memory);
            case BZIMAGE -> BzImageLoader.load(name, image, memory);
            case ELF_PVH, MULTIBOOT -> throw new IllegalStateException("detect() returns only ELF_VMLINUX or BZIMAGE");
            case null -> throw new KernelLoadException.NotAKernel(name);
        };
    }

    /** The format of an image by its magic, or null if it is neither. */
    public static KernelFormat detect(MemorySegment image) {
        if (image.byteSize() >= ElfKernelLoader.MAGIC.length) {
            byte[] head = image.asSlice(0, ElfKernelLoader.MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
            if (java.util.Arrays.equals(head, ElfKernelLoader.MAGIC)) {
                return KernelFormat.ELF_VMLINUX;
            }
        }
        return BzImageLoader.hasMagic(image) ? KernelFormat.BZIMAGE : null;
    }
}
