#!/usr/bin/env bash
# Offshoot PostgreSQL entrypoint (every major): a compatible subset of the official postgres image's
# docker-entrypoint.sh. Key difference in spirit: an existing PGDATA is NEVER chowned or
# chmodded recursively (that would copy every file into the container's writable layer
# and defeat copy-on-write branches).
set -Eeuo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

log() { printf '%s\n' "$*"; }
err() { printf 'error: %s\n' "$*" >&2; }

# dir_is_empty DIR -> true if DIR has no entries (including dotfiles)
dir_is_empty() { [[ -z "$(ls -A -- "$1" 2>/dev/null)" ]]; }

docker_setup_env() {
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  : "${POSTGRES_INITDB_ARGS:=}"
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  export POSTGRES_USER POSTGRES_DB
}

docker_verify_minimum_env() {
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]]; then
    cat >&2 <<-'EOM'
		Error: Database is uninitialized and superuser password is not specified.
		       You must specify POSTGRES_PASSWORD to a non-empty value for the
		       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

		       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
		       connections without a password. This is *not* recommended.
	EOM
    exit 1
  fi
  if [[ "$POSTGRES_HOST_AUTH_METHOD" == 'trust' ]]; then
    log 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust: all connections are allowed without a password.'
  fi
}

docker_init_database_dir() {
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is intentionally word-split
  if [[ -n "${POSTGRES_PASSWORD:-}" ]]; then
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  else
    initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS
  fi
}

pg_setup_hba_conf() {
  local method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  printf '\nhost all all all %s\n' "$method" >> "$PGDATA/pg_hba.conf"
}

docker_temp_server_start() {
  # Log to the container's stdout/stderr (no -l), socket only (no TCP).
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
}

docker_temp_server_stop() {
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
}

docker_process_sql() {
  local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [[ -n "${POSTGRES_DB:-}" ]]; then
    query_runner+=(--dbname "$POSTGRES_DB")
  fi
  PGHOST= PGHOSTADDR= "${query_runner[@]}" "$@"
}

docker_setup_db() {
  if [[ "$POSTGRES_DB" != 'postgres' ]]; then
    local exists
    exists="$(POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db';
	EOSQL
    )"
    if [[ -z "${exists// /}" ]]; then
      POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db";
		EOSQL
      log
    fi
  fi
}

docker_process_init_files() {
  local f
  for f in "$@"; do
    case "$f" in
      *.sh)
        if [[ -x "$f" ]]; then
          log "$0: running $f"; "$f"
        else
          log "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi ;;
      *.sql)    log "$0: running $f"; docker_process_sql -f "$f"; log ;;
      *.sql.gz) log "$0: running $f"; gunzip -c "$f" | docker_process_sql; log ;;
      *.sql.xz) log "$0: running $f"; xzcat "$f" | docker_process_sql; log ;;
      *)        log "$0: ignoring $f" ;;
    esac
  done
}

main() {
  if [[ "${1:-}" == -* ]]; then
    set -- postgres "$@"
  fi

  if [[ "${1:-}" == 'postgres' ]]; then
    if [[ "$(id -u)" == '0' ]]; then
      # Root: prepare directories, touching PGDATA only if it is new/empty.
      if [[ ! -d "$PGDATA" ]] || dir_is_empty "$PGDATA"; then
        mkdir -p "$PGDATA"
        chown postgres:postgres "$PGDATA"
        chmod 700 "$PGDATA"
      fi
      mkdir -p /var/run/postgresql
      if [[ "$(stat -c %U /var/run/postgresql)" != 'postgres' ]]; then
        chown postgres:postgres /var/run/postgresql
        chmod 2777 /var/run/postgresql
      fi
      # Re-exec as postgres; exec chains keep postgres as PID 1.
      exec setpriv --reuid=postgres --regid=postgres --init-groups "$(readlink -f "${BASH_SOURCE[0]}")" "$@"
    fi

    if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
      docker_setup_env
      docker_verify_minimum_env
      # A non-root user (docker run --user) may need to create PGDATA itself.
      mkdir -p "$PGDATA" 2>/dev/null || true
      docker_init_database_dir
      pg_setup_hba_conf

      export PGPASSWORD="${PGPASSWORD:-${POSTGRES_PASSWORD:-}}"
      docker_temp_server_start
      docker_setup_db
      if [[ -d /docker-entrypoint-initdb.d ]]; then
        shopt -s nullglob
        docker_process_init_files /docker-entrypoint-initdb.d/*
        shopt -u nullglob
      fi
      docker_temp_server_stop
      unset PGPASSWORD

      log
      log 'PostgreSQL init process complete; ready for start up.'
      log
    fi
  fi

  exec "$@"
}

main "$@"
