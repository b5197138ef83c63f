package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** {@link Glob} agrees with a regular expression built from the same pattern. */
class GlobProperties {
    private static boolean byRegex(String glob, String text) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(text).matches();
    }

    @Property(tries = 2000)
    void starsAndQuestionMarksMatchLikeRegex(@ForAll @Chars({'a', 'b', '*', '?'}) @StringLength(max = 8) String glob,
                                             @ForAll @Chars({'a', 'b'}) @StringLength(max = 10) String text) {
        assertEquals(byRegex(glob, text), Glob.matches(glob, text), glob + " vs " + text);
    }

    @Example
    void bracketExpressions() {
        assertTrue(Glob.matches("virtio:d0000000[4-5]v*", "virtio:d00000005v1AF4"));
        assertFalse(Glob.matches("virtio:d0000000[4-5]v*", "virtio:d00000006v1AF4"));
        assertTrue(Glob.matches("x[!ab]", "xc"));
        assertFalse(Glob.matches("x[!ab]", "xa"));
        assertTrue(Glob.matches("a[", "a["));
    }
}
