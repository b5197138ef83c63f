package dev.kapsel.image.registry;

import dev.kapsel.image.Digest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference normalised as Docker normalises it (distribution/reference,
 * {@code ParseNormalizedNamed}): {@code busybox} is {@code docker.io/library/busybox:latest},
 * {@code host:5000/a/b:v1} names registry {@code host:5000}. The grammar:
 * <pre>
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path          (at most 255 characters)
 *   domain     := host [ ":" port ]            host: DNS labels, IPv4, or [IPv6]
 *   path       := component ( "/" component )*
 *   component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 * </pre>
 * The first part is a domain only if it holds a {@code .} or {@code :}, is {@code localhost}, or
 * has upper case; else the name lives on Docker Hub, where a one-component path gets
 * {@code library/}. A reference with neither tag nor digest means tag {@code latest}.
 *
 * @param tag null when the reference is by digest only
 * @param digest null when the reference is by tag only
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final int MAX_NAME = 255;
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[0-9A-Fa-f:.]+])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

    public Reference {
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("a reference needs a tag or a digest");
        }
    }

    /** Parses {@code text} as {@code docker pull} does; the error quotes {@code text}. */
    public static Reference parse(String text) throws InvalidReferenceException {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException(String.valueOf(text), "empty");
        }
        if (HEX64.matcher(text).matches()) {
            throw new InvalidReferenceException(text, "a 64-digit hex string is an image ID, not a reference");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = parseDigest(text, rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException(text, "bad tag '" + tag + "' (letters, digits, _ . -, at most 128, not starting with . or -)");
            }
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw new InvalidReferenceException(text, "no repository name");
        }
        if (rest.length() > MAX_NAME) {
            throw new InvalidReferenceException(text, "the name is longer than " + MAX_NAME + " characters");
        }
        String registry;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash < 0 || !(first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT)))) {
            registry = DOCKER_HUB;
            path = rest;
        } else {
            registry = first;
            path = rest.substring(slash + 1);
            if (!DOMAIN.matcher(registry).matches()) {
                throw new InvalidReferenceException(text, "bad registry host '" + registry + "'");
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (!path.equals(path.toLowerCase(Locale.ROOT))) {
            throw new InvalidReferenceException(text, "repository name must be lowercase");
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new InvalidReferenceException(text, component.isEmpty() ? "empty path component in '" + path + "'"
                        : "bad path component '" + component + "' (lowercase letters and digits, separated by . _ __ or -)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (registry.length() + 1 + path.length() > MAX_NAME) {
            throw new InvalidReferenceException(text, "the name is longer than " + MAX_NAME + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(registry, path, tag, digest);
    }

    private static Digest parseDigest(String text, String digest) throws InvalidReferenceException {
        int colon = digest.indexOf(':');
        if (colon <= 0) {
            throw new InvalidReferenceException(text, "bad digest '" + digest + "' (algorithm:hex)");
        }
        if (!digest.substring(0, colon).equals(Digest.ALGORITHM)) {
            throw new InvalidReferenceException(text, "unsupported digest algorithm '" + digest.substring(0, colon) + "' (only sha256)");
        }
        try {
            return Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new InvalidReferenceException(text, "bad sha256 digest (64 lowercase hex digits)");
        }
    }

    /** {@code registry/repository}, the fully qualified name. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What the reference asks the manifests endpoint for: the digest when there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public Reference withTag(String newTag) {
        return new Reference(registry, repository, newTag, null);
    }

    public Reference withDigest(Digest d) {
        return new Reference(registry, repository, null, d);
    }

    /** Docker's familiar form, the name the store keeps: {@code busybox:latest}, {@code user/app:1}, {@code host:5000/a@sha256:...}. */
    public String familiar() {
        String n = name();
        if (registry.equals(DOCKER_HUB)) {
            n = repository.startsWith("library/") && repository.indexOf('/', 8) < 0 ? repository.substring(8) : repository;
        }
        return n + suffix();
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** The canonical form: {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }
}
