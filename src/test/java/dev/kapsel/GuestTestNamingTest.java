package dev.kapsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * bin/test selects the guest batch by tag ("guest") and by name (*GuestTest), so a test that boots
 * Linux says so in its name, and one that is named so but untagged cannot slip into the unit run.
 */
class GuestTestNamingTest {
    /** Tagged guest tests not yet renamed; bin/test names them too. Empty it as they are renamed. */
    static final Set<String> NOT_YET_RENAMED = Set.of(
            "MicroVmContainerTest"); // issue 11: being rewritten for the one front door

    @Test
    void guestTaggedClassesAndGuestTestNamesAreTheSame() throws IOException {
        Set<String> tagged = new TreeSet<>();
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                String source = Files.readString(f);
                if (source.contains("@Tag(\"guest\")")) {
                    tagged.add(name);
                }
                if (name.endsWith("GuestTest")) {
                    named.add(name);
                }
            }
        }
        assertTrue(tagged.size() >= 8, "found " + tagged);
        Set<String> expected = new TreeSet<>(named);
        expected.addAll(NOT_YET_RENAMED);
        assertEquals(expected, tagged, "a guest test is tagged @Tag(\"guest\") and named *GuestTest");
        String binTest = Files.readString(Path.of("bin/test"));
        for (String stray : NOT_YET_RENAMED) {
            assertTrue(binTest.contains(stray), "bin/test must still select " + stray + " by name");
        }
    }
}
