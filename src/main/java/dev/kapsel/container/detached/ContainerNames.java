package dev.kapsel.container.detached;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Container names: Docker's rule for user-given ones ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}, here at most
 * 128 characters), and generated ones of the form {@code adjective_noun}, with a number added when
 * every pair drawn is taken.
 */
public final class ContainerNames {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final List<String> ADJECTIVES = List.of("brave", "calm", "eager", "fond", "gentle", "happy", "keen",
            "lucid", "merry", "nimble", "proud", "quiet", "sharp", "swift", "tender", "witty");
    private static final List<String> NOUNS = List.of("badger", "crane", "dolphin", "falcon", "gecko", "heron", "ibis",
            "lynx", "marmot", "otter", "panda", "quail", "raven", "stoat", "tapir", "wren");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerNames() {}

    /** Returns {@code name} if it is valid, else throws {@link InvalidContainerNameException}. */
    public static String check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new InvalidContainerNameException(name);
        }
        if (ContainerId.isFull(name)) {
            // A name that looks like an id would make 'kapsel stop NAME' ambiguous.
            throw new InvalidContainerNameException(name);
        }
        return name;
    }

    /** A generated name not in {@code taken}. */
    public static String generate(Set<String> taken) {
        for (int attempt = 0; attempt < 32; attempt++) {
            String name = draw();
            if (!taken.contains(name)) {
                return name;
            }
        }
        for (int n = 2; ; n++) {
            String name = draw() + "_" + n;
            if (!taken.contains(name)) {
                return name;
            }
        }
    }

    private static String draw() {
        return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_" + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
    }
}
