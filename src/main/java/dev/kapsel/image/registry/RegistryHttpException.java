package dev.kapsel.image.registry;

/** The registry answered with a status the operation cannot go on from (401, 403, 404, 5xx ...). */
public final class RegistryHttpException extends RegistryException {
    private final int status;

    public RegistryHttpException(String registry, String reference, String what, int status, String detail) {
        super(registry + ": " + what + " of " + reference + " failed: HTTP " + status + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
