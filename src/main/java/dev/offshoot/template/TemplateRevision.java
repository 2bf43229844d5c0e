package dev.offshoot.template;

import java.time.Instant;

import org.springframework.data.relational.core.mapping.Table;

/**
 * One immutable revision of a template.
 *
 * @param imageRef          the image branches start from
 * @param imageSizeBytes    the whole image, base layers included
 * @param databaseSizeBytes pg_database_size of the template database when it was built
 * @param source            a human summary of what was loaded (never containing secrets)
 */
@Table("template_revision")
public record TemplateRevision(int revision, String imageRef, String imageId, long imageSizeBytes,
        long databaseSizeBytes, String source, Instant createdAt) {
}
