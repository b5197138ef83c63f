package dev.kapsel.container;

import java.util.Locale;
import java.util.Optional;

/** The closed set of requests a {@link ControlServer} answers; each is one line on the socket. */
enum ControlVerb {
    PAUSE, RESUME, STATE;

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ControlVerb> parse(String word) {
        for (ControlVerb verb : values()) {
            if (verb.word().equals(word)) {
                return Optional.of(verb);
            }
        }
        return Optional.empty();
    }
}
