# Functions to run a throwaway PostgreSQL cluster (sourced by test-both.sh and with-pg.sh).
#
# start_pg: data in a temporary folder, listening on 127.0.0.1 only, on a free port chosen at
# start (several runs may share a machine; a port taken in between is retried), fsync off
# (nothing in it needs to survive), password authentication over TCP (scram-sha-256, a random
# password). As root the server runs as the unprivileged user `postgres` (PostgreSQL refuses
# to run as root). Exports VERGOEDING_TEST_PG (a superuser URL). stop_pg stops it and removes
# the folder; callers register it with `trap stop_pg EXIT`.
#
# Robustness on a shared machine:
# - The server starts with no file descriptor of the caller but 0-2 (stdin /dev/null, output
#   to its log) and in a session of its own: a caller that holds a lock file open (`exec
#   9>lock; flock 9; make test`) does not pass the lock on to a server that may outlive it,
#   and a Ctrl-C in the terminal reaches the runner, which stops the server, not the server.
# - A watchdog (also without the caller's descriptors) stops the server and removes the
#   folder as soon as the runner (the shell that called start_pg) is gone, also when it was
#   killed with SIGKILL and no trap ran.
# - Each folder carries a marker (OWNER_FILE: the runner's pid and start time). start_pg first
#   removes the folders of earlier runs whose runner no longer exists (and stops their server
#   when it still runs: the postmaster of postmaster.pid, only when it serves that folder).
#   Folders without the marker are never touched.

OWNER_FILE=vergoeding-pg-cluster.owner

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

# The start time of process $1 (clock ticks after boot; field 22 of /proc/PID/stat), so that a
# pid used again by another process is not taken for the runner. Fails when it does not exist.
proc_start() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }  # the fields after "(comm)", which may itself hold spaces
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}

# Close every file descriptor of this shell but 0-2 (use in a subshell that then execs).
close_fds() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-"; fi
    done
}

# Run "$@" with no file descriptor open but 0-2.
without_fds() {
    (close_fds; exec "$@")
}

PGTMP=""
PGBIN=""
AS=()
pg_user() {
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || { echo "test-both: gebruiker 'postgres' ontbreekt" >&2; return 1; }
        AS=(runuser -u postgres --)
    fi
}

# Stop the server of cluster folder $1 (if it runs) and remove the folder.
stop_cluster() {
    local dir=$1 pid="" i
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        # the postmaster runs in its data folder: a pid used again by another process is left alone
        if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(cd "$dir/data" && pwd -P)" ]; then
            if [ -n "$PGBIN" ]; then
                without_fds "${AS[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
            fi
            for i in 1 2 3 4 5 6 7 8 9 10; do
                kill -0 "$pid" 2>/dev/null || break
                [ "$i" -eq 1 ] && { kill -QUIT "$pid" 2>/dev/null || true; }
                [ "$i" -eq 6 ] && { kill -KILL "$pid" 2>/dev/null || true; }
                sleep 0.5
            done
        fi
    fi
    rm -rf "$dir"
}

stop_pg() {
    if [ -n "$PGTMP" ]; then stop_cluster "$PGTMP"; fi
    PGTMP=""
}

# Remove the clusters of earlier runs of this script whose runner is gone.
reap_orphans() {
    local dir pid start
    for dir in "${TMPDIR:-/tmp}"/vergoeding-pg.*; do
        [ -f "$dir/$OWNER_FILE" ] || continue
        read -r pid start < "$dir/$OWNER_FILE" 2>/dev/null || { pid=""; start=""; }
        if [ -n "$pid" ] && [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ]; then
            continue  # its runner still runs: in use
        fi
        echo "test-both: verweesde PostgreSQL-cluster van een eerdere run opgeruimd: $dir" >&2
        stop_cluster "$dir"
    done
}

# The watchdog: waits while the runner ($1, started at $2) lives, then stops the cluster.
# Runs in a session of its own, without the caller's descriptors.
start_watchdog() {
    local runner=$1 start=$2 dir=$3
    # ( ... & ): not a child of the runner, whose `wait` would otherwise wait for it too
    ( (close_fds; exec setsid bash -c '
        source "$1"; runner=$2; start=$3; dir=$4; PGBIN=$5; shift 5; AS=("$@")
        echo $$ > "$dir/watchdog.pid"
        while [ -d "$dir" ] && [ "$(proc_start "$runner")" = "$start" ]; do sleep 1; done
        stop_cluster "$dir"
    ' watchdog "$PG_CLUSTER_SH" "$runner" "$start" "$dir" "$PGBIN" "${AS[@]}" </dev/null >/dev/null 2>&1) & )
}

PG_CLUSTER_SH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

start_pg() {
    PGBIN=$(find_pg_bin) || {
        echo "test-both: PostgreSQL-serverprogramma's (initdb, pg_ctl) niet gevonden;" \
             "installeer het Debian-pakket 'postgresql' (make sysdeps doet dat als root)" >&2
        return 1
    }
    pg_user || return 1
    reap_orphans
    local runner_start
    runner_start=$(proc_start $$) || { echo "test-both: /proc/$$/stat niet leesbaar" >&2; return 1; }
    PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/vergoeding-pg.XXXXXX")
    echo "$$ $runner_start" > "$PGTMP/$OWNER_FILE"
    [ ${#AS[@]} -gt 0 ] && chown postgres "$PGTMP"
    start_watchdog $$ "$runner_start" "$PGTMP"
    local password
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    echo "$password" > "$PGTMP/pw"
    [ ${#AS[@]} -gt 0 ] && chown postgres "$PGTMP/pw"
    without_fds "${AS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --pwfile="$PGTMP/pw" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync </dev/null >"$PGTMP/initdb.log" 2>&1 || {
        cat "$PGTMP/initdb.log" >&2; return 1; }
    rm -f "$PGTMP/pw"
    local port tries=0
    while :; do
        port=$(free_port)
        if without_fds setsid "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $PGTMP -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=120 -c shared_buffers=32MB" </dev/null >/dev/null 2>&1; then
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
