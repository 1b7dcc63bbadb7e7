#!/usr/bin/env bash
# The test suite on both backends: SQLite (the default) and PostgreSQL, side by side.
#
# A throwaway PostgreSQL cluster is started for the run (.ci/pg-cluster.sh: a temporary folder,
# 127.0.0.1 only, a free port, fsync off, password authentication; as root it runs as the user
# `postgres`). It is stopped and removed at the end, also when the tests fail or the run is
# interrupted.
#
# With VERGOEDING_TEST_PG already set, that server is used and none is started.
# Usage: .ci/test-both.sh PYTEST [pytest args...]
set -euo pipefail

PYTEST=${1:?usage: test-both.sh PYTEST [args]}
shift

# shellcheck source=pg-cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-cluster.sh"

trap stop_pg EXIT
trap 'exit 130' INT TERM

if [ -z "${VERGOEDING_TEST_PG:-}" ]; then
    start_pg
fi

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/vergoeding-tests.XXXXXX")
sqlite_pid=""; pg_pid=""
finish() {
    # an interrupted run: stop the suites before their server
    for p in $sqlite_pid $pg_pid; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    stop_pg
    rm -rf "$LOGS"
}
trap finish EXIT
start=$(date +%s)
# Both suites at once (2 cores: each mostly waits on the other's I/O and subprocesses).
env -u VERGOEDING_TEST_PG "$PYTEST" "$@" >"$LOGS/sqlite.log" 2>&1 &
sqlite_pid=$!
"$PYTEST" "$@" >"$LOGS/pg.log" 2>&1 &
pg_pid=$!
sqlite_rc=0; pg_rc=0
wait $sqlite_pid || sqlite_rc=$?
wait $pg_pid || pg_rc=$?
sqlite_pid=""; pg_pid=""
took=$(( $(date +%s) - start ))

echo "===================== SQLite ====================="
cat "$LOGS/sqlite.log"
echo "=================== PostgreSQL ==================="
cat "$LOGS/pg.log"
echo "===================== samen ======================"
echo "SQLite:     $(tail -n 1 "$LOGS/sqlite.log")  (exit $sqlite_rc)"
echo "PostgreSQL: $(tail -n 1 "$LOGS/pg.log")  (exit $pg_rc)"
echo "beide suites samen: ${took} s"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
