package dev.kapsel.host;

/**
 * The PATH a container process gets when its image or spec sets none: the one Docker, runc's
 * {@code spec} and the OCI images' convention use, so a command resolves the same way in kapsel.
 */
public final class DefaultPath {
    /** The directories, in search order. */
    public static final String VALUE = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** As an environment entry. */
    public static final String ENV = "PATH=" + VALUE;

    private DefaultPath() {}
}
