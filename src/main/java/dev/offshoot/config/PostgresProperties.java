package dev.offshoot.config;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.offshoot.error.OffshootException;

/**
 * The PostgreSQL majors templates may run, each with the base image it is built from. A template
 * names its major once, at create; every revision keeps the image it was built from, so its branches,
 * forks, resets, warm-pool members and check copies run on that major. The image's own client tools
 * (pg_dump, pg_restore, psql) load the template's sources, so they always match the server.
 *
 * @param defaultVersion the major of a template created without one: the newest supported
 * @param images         major to base image (official {@code postgres} interface), pulled when the
 *                       engine lacks it. Replaces the default map ({@code 15: postgres:15},
 *                       {@code 17: postgres:17}) as a whole when given
 */
@ConfigurationProperties("offshoot.postgres")
public record PostgresProperties(
        @DefaultValue("17") int defaultVersion,
        Map<Integer, String> images) {

    /** The official images of the majors this release is tested with. */
    public static final Map<Integer, String> DEFAULT_IMAGES = Map.of(15, "postgres:15", 17, "postgres:17");
    /** The stable code of a request for a major without an image. */
    public static final String UNSUPPORTED = "UNSUPPORTED_POSTGRES_VERSION";

    public PostgresProperties {
        images = images == null || images.isEmpty() ? DEFAULT_IMAGES : Map.copyOf(images);
        images.forEach((major, image) -> {
            if (major < 10 || image == null || image.isBlank()) {
                throw new IllegalArgumentException("offshoot.postgres.images: '" + major + "' needs a PostgreSQL major"
                        + " (10 or newer) and an image");
            }
        });
        if (!images.containsKey(defaultVersion)) {
            throw new IllegalArgumentException("offshoot.postgres.default-version " + defaultVersion
                    + " has no image in offshoot.postgres.images " + new TreeSet<>(images.keySet()));
        }
    }

    /** The majors a template may name, oldest first. */
    public SortedSet<Integer> supported() {
        return new TreeSet<>(images.keySet());
    }

    /**
     * The major a template asked for, or the default when it named none.
     *
     * @throws OffshootException {@value #UNSUPPORTED} (invalid) naming the supported majors
     */
    public int choose(Integer requested) {
        int major = requested == null ? defaultVersion : requested;
        if (!images.containsKey(major)) {
            throw OffshootException.invalid(UNSUPPORTED, "PostgreSQL " + major + " is not supported here; supported"
                    + " majors: " + String.join(", ", supported().stream().map(String::valueOf).toList())
                    + " (offshoot.postgres.images)");
        }
        return major;
    }

    /** The base image of a supported major. */
    public String image(int major) {
        String image = images.get(major);
        if (image == null) {
            throw OffshootException.invalid(UNSUPPORTED, "PostgreSQL " + major + " has no image here (supported: "
                    + supported() + ")");
        }
        return image;
    }
}
