package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/**
 * An image the engine lacked could not be pulled from its registry. Nothing was created from it;
 * the answer names the image, the setting that chose it and the way to build one locally.
 */
public class ImagePullFailedException extends OffshootException {

    ImagePullFailedException(MissingImage.Pull pull, String reason, Throwable cause) {
        super(Kind.UPSTREAM_FAILED, "IMAGE_PULL_FAILED", detail(pull, reason), false, cause);
        with("image", pull.image());
        if (pull.setting() != null) {
            with("setting", pull.setting());
        }
    }

    private static String detail(MissingImage.Pull pull, String reason) {
        String fix = pull.setting() == null
                ? "load it onto the engine (docker load)"
                : "set " + pull.setting() + " to an image the engine can pull or already has (docker load),"
                        + " or build the local one with " + MissingImage.localBuild(pull.setting())
                        + " and set it to the tag that prints";
        return "image " + pull.image() + (pull.setting() == null ? "" : " (" + pull.setting() + ")")
                + " is not on the container engine and pulling it failed: " + reason + "; " + fix;
    }
}
