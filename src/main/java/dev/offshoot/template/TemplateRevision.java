package dev.offshoot.template;

import java.time.Instant;

import org.springframework.data.relational.core.mapping.Table;

import dev.offshoot.instance.DataRef;

/**
 * One immutable revision of a template.
 *
 * @param imageRef          what branches of it run: the overlay driver's image holds the data, the
 *                          reflink driver's is the base image that mounts {@code dataPath}
 * @param imageId           the id of what holds the data (image id, or the data path)
 * @param imageSizeBytes    the whole image, base layers included (reflink: the data directory)
 * @param databaseSizeBytes pg_database_size of the template database when it was built
 * @param source            a human summary of what was loaded (never containing secrets)
 * @param storageDriver     the storage driver that holds its data
 * @param dataPath          reflink: its data directory under the storage path; null for overlay
 * @param bootstrapSecret   the superuser password sealed into its data, Offshoot's alone: a new
 *                          branch's launch logs in with it over TCP to set the branch's own passwords
 *                          (null for revisions sealed without one)
 */
@Table("template_revision")
public record TemplateRevision(int revision, String imageRef, String imageId, long imageSizeBytes,
        long databaseSizeBytes, String source, Instant createdAt, String storageDriver, String dataPath,
        String bootstrapSecret) {

    /** Its data, as the storage driver that holds it knows it. */
    public DataRef data() {
        return DataRef.of(storageDriver, imageRef, dataPath);
    }

    @Override
    public String toString() {
        return "TemplateRevision[revision=" + revision + ", imageRef=" + imageRef + ", storageDriver=" + storageDriver
                + ", dataPath=" + dataPath + "]";
    }
}
