package dev.kapsel.sandbox;

import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;

/**
 * The sandbox's host and domain name (its UTS namespace, shared by every process of the
 * container): the container's hostname from the start, "(none)" for the domain as Linux has it,
 * changed by sethostname/setdomainname (root only, at most 64 bytes, as in Linux).
 */
public final class UtsNames {
    /** __NEW_UTS_LEN: the longest name; utsname's fields are one byte longer for the NUL. */
    public static final int MAX_LENGTH = 64;
    private byte[] hostname;
    private byte[] domainname = "(none)".getBytes(StandardCharsets.US_ASCII);

    UtsNames(String hostname) {
        this.hostname = hostname.getBytes(StandardCharsets.UTF_8);
        if (this.hostname.length > MAX_LENGTH) {
            throw new IllegalArgumentException("hostname longer than " + MAX_LENGTH + " bytes: " + hostname);
        }
    }

    public synchronized byte[] hostname() {
        return hostname.clone();
    }

    public synchronized byte[] domainname() {
        return domainname.clone();
    }

    /** The length check every set call makes (EINVAL), before it reads the name. */
    public static int checkedLength(long length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return (int) length;
    }

    public synchronized void setHostname(byte[] name, Credentials who) {
        requireRoot(who);
        hostname = name.clone();
    }

    public synchronized void setDomainname(byte[] name, Credentials who) {
        requireRoot(who);
        domainname = name.clone();
    }

    /** CAP_SYS_ADMIN, which root holds in the sandbox. */
    private static void requireRoot(Credentials who) {
        if (who.uid().effective() != 0) {
            throw new ErrnoException(Errno.EPERM);
        }
    }
}
