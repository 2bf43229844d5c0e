# The Offshoot service image.
#
#   mvn -B -ntp -DskipTests package                      # the jar this file COPYs (see below)
#   docker build -t offshoot:local .                     # on a machine that can pull the base
#   docker build -t offshoot:local --build-arg BASE=$(bash scripts/image/build-jre-image.sh) .   # offline
#
# Why the jar is built outside: a multi-stage build would need a Maven image and Maven Central from
# inside the build; `mvn package` runs where the sources are, so the image build needs no registry
# but the base's (docs/building-without-a-registry.md). .dockerignore sends only the jar and the CLI
# script as build context.
#
# BASE is any image with a Java 25 runtime at $JAVA_HOME/bin/java (or java on the PATH), bash, and
# groupadd/useradd: the public eclipse-temurin:25-jre, or the local debootstrap + jlink image of
# scripts/image/build-jre-image.sh.
ARG BASE=eclipse-temurin:25-jre
FROM ${BASE}

ARG JAR=target/offshoot-0.1.0-SNAPSHOT.jar
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
# The service runs as this uid, not root. What it needs from the host:
# - the Docker socket: it is owned by root:docker with a gid that differs per host, so the uid joins
#   that group at run time (`docker run --group-add $(stat -c %g /var/run/docker.sock)`, compose's
#   group_add, Helm's supplementalGroups) instead of a gid baked in here. Note that whoever reaches
#   the Docker socket is root on that host in practice; non-root limits what a bug in the JVM can do
#   to this container, not what the engine allows.
# - the reflink storage driver copies branch data directories (`cp -a --reflink`), which belong to
#   the Postgres uid of the branch images (100 in the local image, 999 in the official ones) with
#   mode 0700. A uid that is neither cannot read them, so with that driver build with
#   `--build-arg UID=<that uid>` (the copies then keep their owner without privileges) or run as root
#   (`--user 0`). The overlay driver never touches data files and works with any uid.
ARG UID=10001
ARG GID=10001

LABEL org.opencontainers.image.title="offshoot" \
      org.opencontainers.image.description="Disposable PostgreSQL branches for pull requests, CI jobs and coding agents" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${BASE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="Offshoot"

RUN groupadd --gid "${GID}" offshoot \
 && useradd --uid "${UID}" --gid "${GID}" --home-dir /home/offshoot --create-home --shell /usr/sbin/nologin offshoot \
 && mkdir -p /opt/offshoot /var/lib/offshoot/storage \
 && chown "${UID}:${GID}" /var/lib/offshoot/storage

COPY ${JAR} /opt/offshoot/offshoot.jar
COPY LICENSE /opt/offshoot/LICENSE
# the CLI, from the same jar: `docker exec <container> offshoot branch list`
COPY scripts/offshoot /usr/local/bin/offshoot
ENV OFFSHOOT_JAR=/opt/offshoot/offshoot.jar \
    OFFSHOOT_PORT=8080 \
    OFFSHOOT_STORAGE_PATH=/var/lib/offshoot/storage \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"

USER ${UID}:${GID}
WORKDIR /home/offshoot
EXPOSE 8080
# Readiness (metadata store reachable, the service accepting work), by bash alone: neither base ships
# curl. HTTP/1.0 makes the server close the connection after the answer.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${OFFSHOOT_PORT} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS -jar /opt/offshoot/offshoot.jar \"$@\"", "offshoot"]
