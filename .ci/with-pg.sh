#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster (VERGOEDING_TEST_PG set), stopped after.
# Usage: .ci/with-pg.sh COMMAND [args...]   (used by `make bench`)
set -euo pipefail
# shellcheck source=pg-cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-cluster.sh"
trap stop_pg EXIT
trap 'exit 130' INT TERM
[ -n "${VERGOEDING_TEST_PG:-}" ] || start_pg
"$@"
