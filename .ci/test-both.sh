#!/usr/bin/env bash
# The test suite on both backends: SQLite (the default) and PostgreSQL, side by side. Both
# suites' lines stream as they come, each marked [sqlite] or [pg]; the run ends with a summary
# whose last two lines are pytest's own (SQLite, then PostgreSQL). Exit 0 only when both pass.
#
# A throwaway PostgreSQL cluster is started for the run (.ci/pg-cluster.sh: a temporary folder,
# 127.0.0.1 only, a free port, fsync off, password authentication; as root it runs as the user
# `postgres`). It is stopped and removed at the end, also when the tests fail or the run is
# interrupted.
#
# Each suite also lists its slowest tests (pytest --durations; setup and teardown of a shared
# fixture count for the test that ran them), so that a run that grows slow says where.
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
    # an interrupted run: stop the suites (each a process group of its own) before their server
    for p in $sqlite_pid $pg_pid; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    stop_pg
    rm -rf "$LOGS"
}
trap finish EXIT

# One suite: its lines stream as they come, each marked with its backend ([sqlite] or [pg]);
# the log keeps them unmarked for the summary, the exit code goes to TAG.rc.
suite() {  # TAG command...
    local tag=$1; shift
    { PYTHONUNBUFFERED=1 "$@" 2>&1; echo $? >"$LOGS/$tag.rc"; } | tee "$LOGS/$tag.log" | sed -u "s/^/[$tag] /"
}

start=$(date +%s)
# Both suites at once (2 cores: each mostly waits on the other's I/O and subprocesses). Job
# control gives each its own process group, so an interrupt stops the whole pipeline.
set -m
suite sqlite env -u VERGOEDING_TEST_PG "$PYTEST" --durations=15 "$@" &
sqlite_pid=$!
suite pg "$PYTEST" --durations=15 "$@" &
pg_pid=$!
set +m
wait $sqlite_pid || true
wait $pg_pid || true
sqlite_pid=""; pg_pid=""
took=$(( $(date +%s) - start ))
sqlite_rc=$(cat "$LOGS/sqlite.rc" 2>/dev/null || echo 1)
pg_rc=$(cat "$LOGS/pg.rc" 2>/dev/null || echo 1)

# The closing lines are pytest's own summary lines (CI reads the 'N passed' lines): SQLite's,
# then PostgreSQL's.
echo "===================== samen ======================"
echo "beide suites samen: ${took} s; SQLite exit ${sqlite_rc}, PostgreSQL exit ${pg_rc}; slotregels: SQLite, dan PostgreSQL"
tail -n 1 "$LOGS/sqlite.log"
tail -n 1 "$LOGS/pg.log"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
