package dev.offshoot.runtime;

import java.util.Locale;
import java.util.Map;

import dev.offshoot.config.RuntimeProperties;

/**
 * What to do about an image the engine does not have: pull it from its registry, or report it
 * missing. Images in the {@code offshoot/} namespace of Docker Hub (a template revision's image, a
 * snapshot, the local build of {@code scripts/image/build-pg-image.sh}) are made on the machine
 * and never pulled: that namespace is not Offshoot's on any registry, so a pull could only fetch a
 * stranger's image. Every other image (the official {@code postgres} images, a company registry's)
 * is pulled, named by the setting that chose it.
 */
sealed interface MissingImage {

    /** Offshoot's own namespace on Docker Hub, where nothing of Offshoot's is published. */
    String OWN_NAMESPACE = "offshoot/";

    String image();

    /** A registry can give it; {@code setting} is the property that named it, or null when none did. */
    record Pull(String image, String repository, String tag, String setting) implements MissingImage {
    }

    /** Made on this machine, never pulled; {@code setting} as for {@link Pull}. */
    record MadeHere(String image, String setting) implements MissingImage {
    }

    static MissingImage of(String image, RuntimeProperties properties) {
        return of(image, properties, Map.of());
    }

    /** As {@link #of(String, RuntimeProperties)}, knowing the base image of each PostgreSQL major. */
    static MissingImage of(String image, RuntimeProperties properties, Map<Integer, String> majorImages) {
        String setting = majorImages.entrySet().stream().filter(e -> e.getValue().equals(image)).findFirst()
                .map(e -> "offshoot.postgres.images." + e.getKey())
                .orElse(image.equals(properties.baseImage()) ? "offshoot.runtime.base-image"
                        : image.equals(properties.effectiveToolsImage()) ? "offshoot.runtime.tools-image" : null);
        if (image.startsWith("sha256:") || isOwn(image)) {
            return new MadeHere(image, setting);
        }
        int at = image.indexOf('@');
        if (at >= 0) {
            return new Pull(image, image, null, setting);
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash
                ? new Pull(image, image.substring(0, colon), image.substring(colon + 1), setting)
                : new Pull(image, image, "latest", setting);
    }

    /** The local build that makes an image for this setting: of its major when it names one. */
    static String localBuild(String setting) {
        String prefix = "offshoot.postgres.images.";
        return setting != null && setting.startsWith(prefix)
                ? "scripts/image/build-pg-image.sh --major " + setting.substring(prefix.length())
                : "scripts/image/build-pg-image.sh";
    }

    /** The official image for this setting: of its major when it names one. */
    static String officialImage(String setting) {
        String prefix = "offshoot.postgres.images.";
        return setting != null && setting.startsWith(prefix) ? "postgres:" + setting.substring(prefix.length())
                : "postgres:17";
    }

    /** In the offshoot namespace of Docker Hub, however it is spelled. */
    private static boolean isOwn(String image) {
        String name = image.toLowerCase(Locale.ROOT);
        for (String hub : new String[] {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
            if (name.startsWith(hub)) {
                name = name.substring(hub.length());
            }
        }
        return name.startsWith(OWN_NAMESPACE);
    }
}
