package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how branch containers run.
 *
 * @param dockerHost     Docker engine address; empty means DOCKER_HOST or the local socket
 * @param instanceId     labels and names everything this instance creates, so that several
 *                       instances (or test runs) can share one engine without touching each other
 * @param baseImage      the Postgres image templates are built from (official interface:
 *                       POSTGRES_PASSWORD, PGDATA, an entrypoint that initialises an empty PGDATA);
 *                       pulled when the engine lacks it. The official image of major 15, the major
 *                       of the local build (scripts/image/build-pg-image.sh) the tests run
 * @param toolsImage     image with pg_dump/pg_restore for imports; empty means the base image
 * @param pgdata         PGDATA inside branch containers; must lie outside every VOLUME of the image
 * @param initdbArgs     POSTGRES_INITDB_ARGS for template builds. 1 MB WAL segments because a
 *                       branch's first WAL write copies the whole current segment into its layer
 * @param bindAddress    host address branch ports are published on
 * @param advertisedHost host name put into connection strings; empty means the bind address
 *                       (or localhost when binding to all interfaces)
 * @param publishHostPorts the direct form of before the gateway, kept for one release: every branch
 *                       publishes its own host port from the port range on the bind address, and
 *                       connection strings name that port (no TLS) instead of the gateway. Off:
 *                       branches sit on the branch network without host ports, reached through
 *                       the gateway only
 * @param network        the Docker network branch containers sit on (made once, labelled; containers
 *                       on it cannot reach each other, only the host reaches them)
 * @param portRangeStart first host port handed to branches (publish-host-ports only). The default range 25000-25999 lies
 *                       below Linux's ephemeral range (32768-60999, where any outgoing connection
 *                       may hold a port for a moment) and holds no well-known database port
 * @param portRangeEnd   last host port handed to branches (inclusive)
 * @param readyTimeout   how long a starting container may take to accept connections
 * @param stopTimeout    how long a clean Postgres shutdown may take before it is killed
 * @param importTimeout  how long loading a template's source may take
 * @param pullTimeout    how long pulling a missing image (the base or tools image) from its
 *                       registry may take before the request that needed it fails
 */
@ConfigurationProperties("offshoot.runtime")
public record RuntimeProperties(
        @DefaultValue("") String dockerHost,
        @DefaultValue("default") String instanceId,
        @DefaultValue("postgres:15") String baseImage,
        @DefaultValue("") String toolsImage,
        @DefaultValue("/offshoot/pgdata") String pgdata,
        @DefaultValue("--wal-segsize=1") String initdbArgs,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("") String advertisedHost,
        @DefaultValue("false") boolean publishHostPorts,
        @DefaultValue("offshoot-branches") String network,
        @DefaultValue("25000") int portRangeStart,
        @DefaultValue("25999") int portRangeEnd,
        @DefaultValue("60s") Duration readyTimeout,
        @DefaultValue("60s") Duration stopTimeout,
        @DefaultValue("30m") Duration importTimeout,
        @DefaultValue("10m") Duration pullTimeout) {

    @ConstructorBinding
    public RuntimeProperties {
    }

    /** The settings without a pull timeout of their own: 10 minutes, as bound by default. */
    public RuntimeProperties(String dockerHost, String instanceId, String baseImage, String toolsImage, String pgdata,
            String initdbArgs, String bindAddress, String advertisedHost, boolean publishHostPorts, String network,
            int portRangeStart, int portRangeEnd, Duration readyTimeout, Duration stopTimeout, Duration importTimeout) {
        this(dockerHost, instanceId, baseImage, toolsImage, pgdata, initdbArgs, bindAddress, advertisedHost,
                publishHostPorts, network, portRangeStart, portRangeEnd, readyTimeout, stopTimeout, importTimeout,
                Duration.ofMinutes(10));
    }

    public String effectiveToolsImage() {
        return toolsImage.isBlank() ? baseImage : toolsImage;
    }

    /** The host Offshoot itself connects to for a published port. */
    public String connectHost() {
        return isWildcard(bindAddress) ? "127.0.0.1" : bindAddress;
    }

    /** The host users are told to connect to. */
    public String publicHost() {
        if (!advertisedHost.isBlank()) {
            return advertisedHost;
        }
        return isWildcard(bindAddress) ? "localhost" : bindAddress;
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }
}
