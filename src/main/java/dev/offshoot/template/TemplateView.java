package dev.offshoot.template;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A template as the API shows it: no superuser password, source URL masked. {@code poolSize} is the
 * warm pool asked for, {@code poolReady} how many members of the latest revision are parked now.
 * {@code idleSuspend} is its own idle suspension of its branches (ISO-8601, PT0S: never), null when
 * the service's applies.
 */
public record TemplateView(String name, String database, String owner, int postgresVersion, Source source,
        String createdBy,
        Instant createdAt, int latestRevision, long imageSizeBytes, long databaseSizeBytes, long branchCount,
        int poolSize, int poolReady, List<Revision> revisions, String idleSuspend) {

    public record Source(String type, String url) {
    }

    public record Revision(int revision, String image, String storageDriver, long imageSizeBytes,
            long databaseSizeBytes, String source, Instant createdAt, long branchCount) {
    }

    static TemplateView of(Template template, Map<Integer, Long> branchCounts, int poolReady) {
        List<Revision> revisions = template.revisions().stream()
                .sorted(Comparator.comparingInt(TemplateRevision::revision))
                .map(r -> new Revision(r.revision(), r.imageRef(), r.storageDriver(), r.imageSizeBytes(),
                        r.databaseSizeBytes(), r.source(), r.createdAt(), branchCounts.getOrDefault(r.revision(), 0L)))
                .toList();
        Revision latest = revisions.getLast();
        return new TemplateView(template.name(), template.databaseName(), template.ownerRole(), template.postgresVersion(),
                new Source(template.sourceType().name().toLowerCase(), ConnectionUris.maskPassword(template.sourceUrl())),
                template.createdBy(), template.createdAt(), latest.revision(), latest.imageSizeBytes(),
                latest.databaseSizeBytes(), branchCounts.values().stream().mapToLong(Long::longValue).sum(), template.poolSize(),
                poolReady, revisions, template.idleSuspend() == null ? null : template.idleSuspend().toString());
    }
}
