package dev.kapsel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SequencedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dependency closure on real Debian binaries, with this host's root as the image: the same set of
 * files {@code ldd} (the loader itself) names, resolved to the same files; and inside a small made-up
 * root, links followed within it and hostile ELF files refused.
 */
class ElfDependenciesTest {
    private static final Pattern LDD = Pattern.compile("(?:\\S+ => )?(/\\S+) \\(0x");

    @TempDir
    Path root;

    /** What ldd says PROGRAM loads, as real host files. */
    private static Set<Path> ldd(String program) throws Exception {
        Process p = new ProcessBuilder("ldd", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Set<Path> files = new TreeSet<>();
        Matcher m = LDD.matcher(out);
        while (m.find()) {
            files.add(Path.of(m.group(1)).toRealPath());
        }
        return files;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/ls", "/usr/bin/python3", "/usr/bin/tar", "/usr/bin/gzip", "/usr/bin/find", "/usr/bin/ssh"})
    void theClosureOfADebianBinaryIsWhatLddLoads(String program) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(program)), program + " is not installed");
        ElfDependencies deps = new ElfDependencies(Path.of("/"));
        SequencedSet<String> closure = deps.closure(program);
        assertEquals(program, closure.getFirst());
        Set<Path> ours = new TreeSet<>();
        for (String name : closure.reversed().stream().toList().subList(0, closure.size() - 1)) {
            ours.add(deps.hostPath(name).toRealPath());
        }
        assertEquals(ldd(program), ours, "closure " + closure);
    }

    @Test
    void aStaticProgramNeedsOnlyItself() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("/bin/busybox"));
        ElfDependencies deps = new ElfDependencies(root);
        assertEquals(List.of("/bin/sh"), new ArrayList<>(deps.closure("/bin/sh")));
        assertEquals(root.resolve("bin/busybox"), deps.hostPath("/bin/sh"), "an absolute link is read against the root");
    }

    @Test
    void linksLeadingOutOfTheRootStayInsideIt() throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(root.resolve("bin/escape"), Path.of("../../../../etc/passwd"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop/x"));
        ElfDependencies deps = new ElfDependencies(root);
        ElfDependencies.ElfException e = assertThrows(ElfDependencies.ElfException.class, () -> deps.hostPath("/bin/escape"));
        assertTrue(e.getMessage().contains("is not in the image"), e.getMessage());
        assertThrows(ElfDependencies.ElfException.class, () -> deps.hostPath("/loop/x"));
    }

    @Test
    void aMissingLibraryIsNamedWithWhereItWasLookedFor() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/ls")));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/ls"), root.resolve("bin/ls"));
        ElfDependencies.ElfException e = assertThrows(ElfDependencies.ElfException.class,
                () -> new ElfDependencies(root).closure("/bin/ls"));
        assertTrue(e.getMessage().contains("needs") || e.getMessage().contains("not in the image"), e.getMessage());
    }

    @Property(tries = 200)
    void anyBytesAreReadOrRefusedNeverThrownOtherwise(@ForAll byte[] junk) throws Exception {
        Path f = Files.createTempFile("elf", ".bin");
        try {
            byte[] bytes = junk.clone();
            if (bytes.length >= 64) { // make most inputs get past the magic and the class checks
                bytes[0] = 0x7f; bytes[1] = 'E'; bytes[2] = 'L'; bytes[3] = 'F'; bytes[4] = 2; bytes[5] = 1; bytes[18] = 62; bytes[19] = 0;
            }
            Files.write(f, bytes);
            try {
                ElfDependencies.read(f, "junk");
            } catch (ElfDependencies.ElfException refused) {
                // refusing is fine
            }
        } finally {
            Files.delete(f);
        }
    }
}
