#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster (VERGOEDING_TEST_PG set), stopped after.
# Usage: .ci/with-pg.sh COMMAND [args...]   (used by `make bench`)
#
# The command runs as a child that this script waits for, so that a TERM or INT sent to this
# script alone is passed on to the command and the cluster is stopped right after (a trap of a
# shell waiting for a foreground command would only run once the command has ended). When this
# script is killed outright, the cluster's watchdog stops it (see pg-cluster.sh).
set -euo pipefail
# shellcheck source=pg-cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-cluster.sh"
trap stop_pg EXIT
child=""
on_signal() {
    # ${child:-$!}: a signal that arrives just after the command started, before `child=$!`
    # ran, must reach it too (bash runs the trap between the two). Without it the command
    # was left running (`bench`, or a test's `sleep 3600`) holding this script's stdout, and
    # whoever read that output waited for it: the suite that hung at 64% (a cluster-script
    # test). Before the command starts, $! is empty (start_pg runs nothing in the background
    # of this shell) and the script just stops.
    local c=${child:-$!}
    if [ -n "$c" ]; then
        kill "-$1" "$c" 2>/dev/null || true
        wait "$c" 2>/dev/null || true
    fi
    exit "$2"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
[ -n "${VERGOEDING_TEST_PG:-}" ] || start_pg
# (a background command of a script ignores INT and QUIT: given back to the command, so that
# Ctrl-C and the INT passed on below reach it; its stdin stays the caller's)
(trap - INT QUIT; exec "$@") <&0 &
child=$!
rc=0
wait "$child" || rc=$?
child=""
exit "$rc"
