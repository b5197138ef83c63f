package dev.kapsel.image;

/** A blob's content does not hash to the digest (or size) its descriptor promises. */
public final class DigestMismatchException extends ImageException {
    private final String blob;
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(String blob, Digest expected, Digest actual) {
        super("blob " + blob + " is corrupt: expected " + expected + ", content hashes to " + actual);
        this.blob = blob;
        this.expected = expected;
        this.actual = actual;
    }

    public DigestMismatchException(String blob, Digest expected, long expectedSize, long actualSize) {
        super("blob " + blob + " is corrupt: " + expected + " should be " + expectedSize + " bytes, is " + actualSize);
        this.blob = blob;
        this.expected = expected;
        this.actual = null;
    }

    public String blob() {
        return blob;
    }

    public Digest expected() {
        return expected;
    }

    /** The digest the content hashes to; null when the size already differed. */
    public Digest actual() {
        return actual;
    }
}
