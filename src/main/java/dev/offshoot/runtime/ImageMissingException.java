package dev.offshoot.runtime;

/** A container was to start from an image the engine does not have. */
public class ImageMissingException extends RuntimeException {

    private final String image;

    public ImageMissingException(String image) {
        super("image " + image + " is not present on the container engine");
        this.image = image;
    }

    public String image() {
        return image;
    }
}
