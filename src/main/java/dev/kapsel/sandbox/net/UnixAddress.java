package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An AF_UNIX socket address (struct sockaddr_un, unix(7)): unnamed (only the family), a path name
 * in the sandbox's file system, or an abstract name (a leading NUL, then every byte up to addrlen).
 */
public record UnixAddress(Kind kind, byte[] name) {
    public static final int AF_UNIX = 1;
    /** sizeof(sa_family_t) + sizeof(sun_path). */
    public static final int MAX_LENGTH = 110;

    /** What kind of name. */
    public enum Kind { UNNAMED, PATH, ABSTRACT }

    public static final UnixAddress UNNAMED = new UnixAddress(Kind.UNNAMED, new byte[0]);

    public UnixAddress {
        name = name.clone();
    }

    /** Decodes {@code raw} (addrlen bytes from the program); EINVAL for a wrong family or length. */
    public static UnixAddress decode(byte[] raw) {
        if (raw.length < 2 || raw.length > MAX_LENGTH || ((raw[0] & 0xff) | (raw[1] & 0xff) << 8) != AF_UNIX) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (raw.length == 2) {
            return UNNAMED;
        }
        if (raw[2] == 0) {
            return new UnixAddress(Kind.ABSTRACT, Arrays.copyOfRange(raw, 3, raw.length));
        }
        int end = 2;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new UnixAddress(Kind.PATH, Arrays.copyOfRange(raw, 2, end));
    }

    /** The path name as the file system sees it. */
    public String path() {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** The bytes getsockname/accept/recvfrom return: the path with its NUL, or NUL and the abstract name. */
    public byte[] encode() {
        int extra = switch (kind) {
            case UNNAMED -> 0;
            case PATH -> name.length + 1;
            case ABSTRACT -> name.length + 1;
        };
        byte[] out = new byte[2 + extra];
        out[0] = AF_UNIX;
        if (kind == Kind.PATH) {
            System.arraycopy(name, 0, out, 2, name.length);
        } else if (kind == Kind.ABSTRACT) {
            System.arraycopy(name, 0, out, 3, name.length);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress a && a.kind == kind && Arrays.equals(a.name, name);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case UNNAMED -> "unix:unnamed";
            case PATH -> "unix:" + path();
            case ABSTRACT -> "unix:@" + new String(name, StandardCharsets.ISO_8859_1);
        };
    }
}
