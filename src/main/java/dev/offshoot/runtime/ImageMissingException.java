package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/** A container was to start from an image the engine does not have. */
public class ImageMissingException extends OffshootException {

    private final String image;

    public ImageMissingException(String image) {
        super(Kind.FAILED, "IMAGE_NOT_FOUND", "image " + image + " is not present on the container engine;"
                + " build or load it (scripts/image/build-pg-image.sh builds the default base image)");
        this.image = image;
    }

    public String image() {
        return image;
    }
}
