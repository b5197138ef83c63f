package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile images: whatever the bytes, loading either succeeds inside guest RAM above 1 MiB or fails
 * with a {@link KernelLoadException}; nothing else escapes and the boot area below 1 MiB is untouched.
 */
class KernelLoaderProperties {
    private static final long SIZE = 32L << 20;
    private static final GuestMemory MEMORY = GuestMemory.allocate(Arena.ofAuto(), SIZE);
    private static final MemorySegment LOW_SENTINEL = MemorySegment.ofArray(new byte[(int) Layout.HIMEM_START])
            .fill((byte) 0x5a);

    private static final byte[] ELF = SyntheticKernels.vmlinux(0x1000000, List.of(
            SyntheticKernels.Seg.load(0x1000000, SyntheticKernels.pattern(3000, 1), 3000),
            SyntheticKernels.Seg.load(0x1400000, SyntheticKernels.pattern(500, 2), 4096)));
    private static final byte[] BZ = SyntheticKernels.bzImage(4, 0x020f, 0x1, SyntheticKernels.pattern(3000, 3), 0x100000);

    /** Loads and checks the invariants; returns whether it loaded. */
    private static boolean loadChecked(byte[] image) {
        MEMORY.slice(0, Layout.HIMEM_START).copyFrom(LOW_SENTINEL);
        try {
            LoadedKernel k = KernelLoader.load("fuzz", MemorySegment.ofArray(image), MEMORY);
            assertTrue(k.loadStart() >= Layout.HIMEM_START);
            assertTrue(k.loadEnd() <= SIZE && k.loadStart() <= k.loadEnd());
            assertTrue(k.entry() >= k.loadStart() && k.entry() < Math.max(k.loadEnd(), k.loadStart() + 1));
            return true;
        } catch (KernelLoadException e) {
            assertTrue(e.getMessage().startsWith("fuzz: "));
            assertFalse(e.getMessage().contains("\n"));
            return false;
        } finally {
            assertEquals(-1, MEMORY.slice(0, Layout.HIMEM_START).mismatch(LOW_SENTINEL), "wrote below 1 MiB");
        }
    }

    @Property(tries = 300)
    void randomBytesOnlyFailTyped(@ForAll("headed") byte[] image) {
        loadChecked(image);
    }

    @Provide
    Arbitrary<byte[]> headed() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        return Arbitraries.oneOf(raw,
                raw.map(b -> withPrefix(b, ELF, 64)),
                raw.map(b -> withPrefix(b, ELF, 64 + 2 * 56)),
                raw.map(b -> withPrefix(b, BZ, 0x26c)));
    }

    private static byte[] withPrefix(byte[] tail, byte[] valid, int prefix) {
        byte[] out = Arrays.copyOf(valid, prefix + tail.length);
        System.arraycopy(tail, 0, out, prefix, tail.length);
        return out;
    }

    @Property(tries = 300)
    void everyTruncationIsRejected(@ForAll boolean elf, @ForAll @IntRange(min = 0, max = 100_000) int cut) {
        byte[] full = elf ? ELF : BZ;
        byte[] image = Arrays.copyOf(full, cut % full.length);
        assertFalse(loadChecked(image), "a truncated image must not load");
    }

    @Property(tries = 500)
    void mutatedImagesOnlyFailTyped(@ForAll boolean elf, @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 0x400) Integer> positions,
            @ForAll byte value) {
        byte[] image = (elf ? ELF : BZ).clone();
        for (int p : positions) {
            image[p % image.length] = value;
            image[(p * 7 + 0x1f1) % image.length] ^= value;
        }
        loadChecked(image);
    }

    @Property(tries = 50)
    void validImagesStillLoad(@ForAll boolean elf) {
        assertTrue(loadChecked(elf ? ELF : BZ));
    }
}
