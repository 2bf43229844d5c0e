package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/** A container was to start from an image the engine does not have and no registry can give. */
public class ImageMissingException extends OffshootException {

    private final String image;

    public ImageMissingException(String image) {
        super(Kind.FAILED, "IMAGE_NOT_FOUND", "image " + image + " is not present on the container engine;"
                + " build or load it (scripts/image/build-pg-image.sh builds the default base image)");
        this.image = image;
    }

    /** A missing image that a setting named: the answer says which, and how to get one. */
    ImageMissingException(String image, String setting) {
        super(Kind.FAILED, "IMAGE_NOT_FOUND", "image " + image + " (" + setting + ") is not present on the container"
                + " engine and is made on the machine, never pulled: build it with " + MissingImage.localBuild(setting)
                + ", or set " + setting + " to an image a registry gives (such as the official "
                + MissingImage.officialImage(setting) + ")");
        this.image = image;
        with("setting", setting);
    }

    public String image() {
        return image;
    }
}
