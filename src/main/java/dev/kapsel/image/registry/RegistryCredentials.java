package dev.kapsel.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A registry user name and password. {@link #toString()} never shows the password: credentials are not logged. */
public record RegistryCredentials(String user, String password) {
    public RegistryCredentials {
        if (user == null || user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException("a registry user name must be non-empty and hold no ':'");
        }
        if (password == null) {
            throw new IllegalArgumentException("no password");
        }
    }

    /** {@code base64(user:password)}, the {@code auth} field of auth.json and the Basic scheme's token. */
    public String encoded() {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Parses the {@code auth} field of auth.json or Docker's config.json; null when it is not {@code user:password}. */
    static RegistryCredentials decode(String auth) {
        try {
            String pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon <= 0 ? null : new RegistryCredentials(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RegistryCredentials[user=" + user + ", password=<hidden>]";
    }
}
