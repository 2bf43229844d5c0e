package dev.offshoot.template;

import java.nio.file.Path;
import java.util.List;

/**
 * What a template revision is loaded from.
 *
 * @param type     empty database, a source database URL, or uploaded plain-SQL files
 * @param url      for URL: a libpq connection URI reachable from the engine's host network
 * @param sqlFiles for SQL: files applied in order (already on local disk)
 */
record TemplateSource(Template.SourceType type, String url, List<Path> sqlFiles) {

    static TemplateSource empty() {
        return new TemplateSource(Template.SourceType.EMPTY, null, List.of());
    }

    static TemplateSource url(String url) {
        return new TemplateSource(Template.SourceType.URL, url, List.of());
    }

    static TemplateSource sql(List<Path> files) {
        return new TemplateSource(Template.SourceType.SQL, null, files);
    }

    /** A summary for people, without credentials. */
    String describe(List<String> fileNames) {
        return switch (type) {
            case EMPTY -> "empty database";
            case URL -> "import from " + ConnectionUris.maskPassword(url);
            case SQL -> "SQL files " + String.join(", ", fileNames);
        };
    }
}
