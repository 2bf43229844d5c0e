package dev.offshoot.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.provision.Build;

/**
 * A URL import: pg_dump, then pg_restore, in a helper container, to the addresses {@link SourceGuard}
 * checked and nowhere else. The helper runs in the build container's network namespace, so it
 * cannot reach the engine host's loopback; only a source on this host that an administrator
 * allowed is reached from the host's network. It holds only the source's credential and the
 * build's temporary owner password, all in its environment: its processes' arguments (visible in
 * {@code ps} on the host) carry no secret. It restores as the owner, so it needs no superuser.
 */
@Component
class SourceImport {

    private static final Logger log = LoggerFactory.getLogger(SourceImport.class);

    /**
     * Each side's stderr goes to a file and comes back prefixed, with both exit codes on the last
     * line, so that a failure is told apart by the side that failed ({@link ImportFailure}). The
     * dump goes to a file first so that its table of contents can be filtered: a source's own
     * pg_stat_statements (and its comment) is left out, since creating that extension needs a
     * superuser and the restore runs as the owner; the template build creates it instead.
     */
    /** Table-of-contents lines of pg_restore --list left out of the restore (an ERE for grep). */
    static final String LEFT_OUT = " (EXTENSION|COMMENT) - (EXTENSION )?pg_stat_statements( |$)";

    static final String SCRIPT = "set -o pipefail; unset PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE;"
            + " : >/tmp/restore.err;"
            + " (for v in ${!SOURCE_PG@}; do export \"${v#SOURCE_}=${!v}\"; done;"
            + " exec pg_dump --format=custom --no-owner --no-acl --file=/tmp/source.dump 2>/tmp/dump.err);"
            + " dump=$?; restore=1;"
            + " if [ \"$dump\" = 0 ]; then (for v in ${!TARGET_PG@}; do export \"${v#TARGET_}=${!v}\"; done;"
            + " pg_restore --list /tmp/source.dump 2>>/tmp/restore.err"
            + " | grep -v -E '" + LEFT_OUT + "' >/tmp/restore.list"
            + " && exec pg_restore --no-owner --no-acl --exit-on-error --use-list=/tmp/restore.list"
            + " --dbname=\"$PGDATABASE\" /tmp/source.dump 2>>/tmp/restore.err); restore=$?; fi;"
            + " rm -f /tmp/source.dump;"
            + " tail -n 15 /tmp/dump.err | sed 's/^/dump: /'; tail -n 15 /tmp/restore.err | sed 's/^/restore: /';"
            + " echo \"" + ImportFailure.STATUS + " dump=$dump restore=$restore\";"
            + " [ \"$dump\" = 0 ] && [ \"$restore\" = 0 ]";

    private final RuntimeProperties properties;
    private final SourceGuard guard;

    SourceImport(RuntimeProperties properties, SourceGuard guard) {
        this.properties = properties;
        this.guard = guard;
    }

    /**
     * The build's own image, whose pg_dump and pg_restore are of the template's major (a pg_dump of
     * another major writes what this server rejects, or refuses this server), unless an
     * administrator named a tools image for every major.
     */
    private String toolsImage(Build build) {
        return properties.toolsImage().isBlank() ? build.image() : properties.toolsImage();
    }

    /** Takes the URL apart and checks where it leads, before any container starts. */
    CheckedSource check(String url) {
        return guard.check(SourceUrl.parse(url));
    }

    /** Whether the helper for this source runs on the host's network instead of beside the build. */
    static boolean onHostNetwork(CheckedSource source) {
        return source.onThisHost();
    }

    /**
     * Loads the source into the build's database as its owner. The helper runs in the build's
     * network namespace unless the source is on this host (an administrator allowed it).
     *
     * @throws dev.offshoot.error.OffshootException with a stable code from {@link ImportFailure}; the
     *         helper's own output goes to the service log only
     */
    void load(CheckedSource source, Build build, String database, String owner, String ownerPassword) {
        boolean hostNetwork = onHostNetwork(source);
        Endpoint target = build.endpointFor(hostNetwork);
        CheckedSource dialed = hostNetwork ? source.at(build.fromHostNetwork(source.addresses())) : source;
        Map<String, String> env = new LinkedHashMap<>(dialed.environment("SOURCE_"));
        env.put("TARGET_PGHOST", target.host());
        env.put("TARGET_PGPORT", String.valueOf(target.port()));
        env.put("TARGET_PGUSER", owner);
        env.put("TARGET_PGPASSWORD", ownerPassword);
        env.put("TARGET_PGDATABASE", database);
        Build.Output result = build.helper(toolsImage(build), List.of("bash", "-c", SCRIPT), env,
                hostNetwork, properties.importTimeout());
        if (!result.succeeded()) {
            ImportFailure failure = ImportFailure.of(result.exitCode(), result.output(), source.url(),
                    properties.importTimeout());
            log.warn("import from {} into {} failed ({}): {}", source.url(), database, failure.code(),
                    ImportFailure.masked(result.output(), source.url()));
            throw failure.problem();
        }
    }
}
