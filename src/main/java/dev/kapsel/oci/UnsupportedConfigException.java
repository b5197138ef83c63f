package dev.kapsel.oci;

/** config.json is valid but asks for something the selected backend refuses to run without. */
public final class UnsupportedConfigException extends OciException {
    public UnsupportedConfigException(String message) {
        super(message);
    }
}
