package dev.kapsel.image;

/** A layer entry that would be written outside the root: {@code ..}, an absolute path, or a link leading out. */
public final class UnsafeLayerEntryException extends ImageException {
    private final String layer;
    private final String entry;

    public UnsafeLayerEntryException(String layer, String entry, String reason) {
        super("layer " + layer + ": entry '" + entry + "' rejected: " + reason);
        this.layer = layer;
        this.entry = entry;
    }

    public String layer() {
        return layer;
    }

    public String entry() {
        return entry;
    }
}
