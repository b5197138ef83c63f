package dev.kapsel.boot;

import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An initial ramdisk loaded into guest memory at the place {@link InitrdPlacement} chooses; its
 * address and size go into the zero page (ramdisk_image, ramdisk_size).
 */
public record Initrd(long address, long size) {

    /** Reads the file into guest memory above the kernel. */
    public static Initrd load(Path file, GuestMemory memory, LoadedKernel kernel) throws InitrdException {
        String name = file.toString();
        try (Arena arena = Arena.ofConfined();
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new InitrdException.Empty(name);
            }
            return load(name, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena), memory, kernel);
        } catch (NoSuchFileException e) {
            throw new InitrdException.NotFound(name);
        } catch (IOException | UnsupportedOperationException e) {
            if (Files.isDirectory(file)) {
                throw new InitrdException.Unreadable(name, new IOException("is a directory"));
            }
            throw new InitrdException.Unreadable(name, e);
        }
    }

    /** Copies an in-memory image into guest memory above the kernel. */
    public static Initrd load(String name, MemorySegment image, GuestMemory memory, LoadedKernel kernel)
            throws InitrdException {
        if (image.byteSize() == 0) {
            throw new InitrdException.Empty(name);
        }
        long address = InitrdPlacement.place(name, memory, kernel, image.byteSize());
        MemorySegment.copy(image, 0, memory.slice(address, image.byteSize()), 0, image.byteSize());
        return new Initrd(address, image.byteSize());
    }
}
