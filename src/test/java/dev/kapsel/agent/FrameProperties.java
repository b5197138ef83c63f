package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the Java frame and payload codecs: round trips, and hostile bytes give typed errors only. */
class FrameProperties {

    @Property
    void framesRoundTrip(@ForAll FrameType type, @ForAll int id, @ForAll @Size(max = 3000) byte[] payload)
            throws IOException {
        Frame f = new Frame(type, id, payload);
        byte[] wire = f.encode();
        assertEquals(9 + payload.length, wire.length);
        InputStream in = new ByteArrayInputStream(wire);
        assertEquals(f, Frame.readFrom(in));
        assertNull(Frame.readFrom(in), "a clean end between frames is null");
    }

    @Property
    void everyProperPrefixOfAFrameIsTruncated(@ForAll FrameType type, @ForAll @Size(max = 200) byte[] payload,
                                               @ForAll @IntRange(min = 1, max = 208) int keep) {
        byte[] wire = new Frame(type, 7, payload).encode();
        int cut = Math.min(keep, wire.length - 1);
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
                () -> Frame.readFrom(new ByteArrayInputStream(Arrays.copyOf(wire, cut))));
        assertEquals(cut, e.received());
    }

    @Property
    void lengthsAboveTheMaximumAreRefusedWithoutAllocating(@ForAll @IntRange(min = Frame.MAX_LENGTH + 1) int length) {
        byte[] wire = ByteBuffer.allocate(9).putInt(length).put((byte) 1).putInt(0).array();
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> Frame.readFrom(new ByteArrayInputStream(wire)));
        assertEquals(length, e.length());
    }

    @Property
    void arbitraryBytesGiveFramesOrFrameExceptionsOnly(@ForAll @Size(max = 300) byte[] noise) {
        InputStream in = new ByteArrayInputStream(noise);
        try {
            while (Frame.readFrom(in) != null) {
                // keep reading
            }
        } catch (FrameException expected) {
            // typed: the only acceptable failure
        } catch (IOException e) {
            throw new AssertionError("untyped failure " + e, e);
        }
    }

    @Property
    void processSpecsRoundTrip(@ForAll("specs") ProcessSpec spec) throws MalformedPayloadException {
        assertEquals(spec, ProcessSpec.decode(spec.encode()));
    }

    @Property
    void damagedSpecsDecodeOrFailTyped(@ForAll("specs") ProcessSpec spec, @ForAll int position, @ForAll byte value,
                                       @ForAll @IntRange(min = 0, max = 40) int cut) {
        byte[] wire = spec.encode();
        wire[Math.floorMod(position, wire.length)] = value;
        byte[] damaged = Arrays.copyOf(wire, Math.max(0, wire.length - cut));
        try {
            ProcessSpec decoded = ProcessSpec.decode(damaged);
            assertArrayEquals(damaged, decoded.encode(), "a spec that decodes re-encodes to the same bytes");
        } catch (MalformedPayloadException expected) {
            assertTrue(expected.getMessage().startsWith("process spec"), expected.getMessage());
        }
    }

    @Property
    void exitStatusesRoundTrip(@ForAll boolean signaled, @ForAll @IntRange(min = 1, max = 127) int value)
            throws MalformedPayloadException {
        ExitStatus s = new ExitStatus(signaled, value);
        assertEquals(s, ExitStatus.decode(s.encode()));
        assertEquals(signaled ? 128 + value : value, s.shellStatus());
    }

    @Example
    void badUtf8AndNulAreTheirOwnError() {
        byte[] wire = ProcessSpec.of("x").build().encode();
        int at = wire.length - 4 - 4 - 5 - 4 - 1; // argv[0]'s byte, before env count, cwd "/", hostname, rlimits
        assertEquals('x', wire[at]);
        wire[at] = (byte) 0xff;
        assertThrows(InvalidUtf8Exception.class, () -> ProcessSpec.decode(wire));
        wire[at] = 0;
        assertThrows(InvalidUtf8Exception.class, () -> ProcessSpec.decode(wire));
    }

    @Example
    void unknownTypesAreTyped() {
        byte[] wire = ByteBuffer.allocate(9).putInt(5).put((byte) 0x42).putInt(0).array();
        UnknownFrameTypeException e = assertThrows(UnknownFrameTypeException.class,
                () -> Frame.readFrom(new ByteArrayInputStream(wire)));
        assertEquals(0x42, e.type());
    }

    @Provide
    static Arbitrary<ProcessSpec> specs() {
        Arbitrary<String> text = Arbitraries.strings().excludeChars('\0').ofMaxLength(20)
                .filter(s -> s.codePoints().noneMatch(c -> c >= 0xd800 && c <= 0xdfff));
        Arbitrary<String> word = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8);
        Arbitrary<List<String>> argv = text.filter(s -> !s.isEmpty()).list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<List<String>> env = Combinators.combine(word, text).as((k, v) -> k + "=" + v).list().ofMaxSize(5);
        Arbitrary<String> cwd = word.list().ofMaxSize(3).map(parts -> parts.isEmpty() ? "" : "/" + String.join("/", parts));
        Arbitrary<Rlimit> rlimit = Combinators.combine(Arbitraries.integers().between(0, 15),
                Arbitraries.longs(), Arbitraries.longs()).as((r, a, b) ->
                new Rlimit(r, Long.compareUnsigned(a, b) <= 0 ? a : b, Long.compareUnsigned(a, b) <= 0 ? b : a));
        Arbitrary<TerminalSize> size = Combinators.combine(Arbitraries.integers().between(0, 0xffff),
                Arbitraries.integers().between(0, 0xffff)).as(TerminalSize::new);
        return Builders.withBuilder(() -> new Object[11])
                .use(argv).in((a, v) -> { a[0] = v; return a; })
                .use(env).in((a, v) -> { a[1] = v; return a; })
                .use(cwd).in((a, v) -> { a[2] = v; return a; })
                .use(Arbitraries.integers().filter(i -> i != -1)).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.integers().filter(i -> i != -1)).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.integers().list().ofMaxSize(4)).in((a, v) -> { a[5] = v; return a; })
                .use(rlimit.list().ofMaxSize(3)).in((a, v) -> { a[6] = v; return a; })
                .use(word.injectNull(0.5)).in((a, v) -> { a[7] = v == null ? "" : v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[8] = v; return a; })
                .use(size).in((a, v) -> { a[9] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[10] = v; return a; })
                .build(FrameProperties::spec);
    }

    @SuppressWarnings("unchecked")
    private static ProcessSpec spec(Object[] a) {
        return new ProcessSpec((List<String>) a[0], (List<String>) a[1], (String) a[2], (Integer) a[3], (Integer) a[4],
                (List<Integer>) a[5], (List<Rlimit>) a[6], (String) a[7], (Boolean) a[8], (TerminalSize) a[9],
                (Boolean) a[10]);
    }
}
