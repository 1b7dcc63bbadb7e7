# Functions to run a throwaway PostgreSQL cluster (sourced by test-both.sh and with-pg.sh).
#
# start_pg: data in a temporary folder, listening on 127.0.0.1 only, on a free port chosen at
# start (several runs may share a machine; a port taken in between is retried), fsync off
# (nothing in it needs to survive), password authentication over TCP (scram-sha-256, a random
# password). As root the server runs as the unprivileged user `postgres` (PostgreSQL refuses
# to run as root). Exports VERGOEDING_TEST_PG (a superuser URL). stop_pg stops it and removes
# the folder; callers register it with `trap stop_pg EXIT`.

find_pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PGTMP=""
PGBIN=""
AS=()
stop_pg() {
    if [ -n "$PGTMP" ] && [ -d "$PGTMP/data" ]; then
        "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$PGTMP" ] && rm -rf "$PGTMP"
}

start_pg() {
    PGBIN=$(find_pg_bin) || {
        echo "test-both: PostgreSQL-serverprogramma's (initdb, pg_ctl) niet gevonden;" \
             "installeer het Debian-pakket 'postgresql' (make sysdeps doet dat als root)" >&2
        return 1
    }
    PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/vergoeding-pg.XXXXXX")
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || { echo "test-both: gebruiker 'postgres' ontbreekt" >&2; return 1; }
        chown postgres "$PGTMP"
        AS=(runuser -u postgres --)
    fi
    local password
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    echo "$password" > "$PGTMP/pw"
    [ ${#AS[@]} -gt 0 ] && chown postgres "$PGTMP/pw"
    "${AS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --pwfile="$PGTMP/pw" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$PGTMP/initdb.log" 2>&1 || {
        cat "$PGTMP/initdb.log" >&2; return 1; }
    rm -f "$PGTMP/pw"
    local port tries=0
    while :; do
        port=$(free_port)
        if "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $PGTMP -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=120 -c shared_buffers=32MB" >/dev/null; then
            break
        fi
        tries=$((tries + 1))
        if [ $tries -ge 5 ]; then
            echo "test-both: PostgreSQL start mislukt:" >&2; tail -20 "$PGTMP/server.log" >&2; return 1
        fi
    done
    export VERGOEDING_TEST_PG="postgresql+psycopg://postgres:$password@127.0.0.1:$port/postgres"
    echo "test-both: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') op 127.0.0.1:$port (tijdelijk: $PGTMP)"
}

