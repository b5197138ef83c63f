package dev.kapsel.image.registry;

import java.io.IOException;

/** {@code kapsel login/logout}: credentials checked against the registry, then kept in the containers auth file. */
public final class Login {
    private Login() {}

    /** {@code registry} as a login names it ({@code host:5000}, {@code https://host/}, {@code docker.io}) in the form references use. */
    public static String registryName(String text) throws InvalidReferenceException {
        String r = text.strip().replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/.*$", "");
        if (r.isEmpty()) {
            throw new InvalidReferenceException(text, "no registry host");
        }
        Reference probe = Reference.parse(r + "/x");
        if (!probe.repository().equals("x") && !probe.repository().equals("library/x")) {
            throw new InvalidReferenceException(text, "not a registry host");
        }
        return probe.registry();
    }

    /** Checks {@code credentials} with the registry (a probe, and a token when it uses tokens) and stores them. */
    public static void login(String registry, RegistryCredentials credentials, RegistryOptions options) throws IOException, RegistryException {
        new RegistryClient(registry, options, credentials).checkCredentials(null);
        options.auth().store(registry, credentials);
    }

    /** Forgets the credentials for {@code registry}; false when there were none in the containers auth file. */
    public static boolean logout(String registry, RegistryOptions options) throws IOException {
        return options.auth().remove(registry);
    }
}
