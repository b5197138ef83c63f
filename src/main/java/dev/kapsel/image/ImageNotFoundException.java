package dev.kapsel.image;

/** No image of that name is in the store. */
public final class ImageNotFoundException extends ImageException {
    private final String name;

    public ImageNotFoundException(String name) {
        super("no image named '" + name + "' (see 'kapsel images', or 'kapsel load' it)");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
