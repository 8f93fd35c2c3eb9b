#!/usr/bin/env bash
# The restore drill on PostgreSQL: two throwaway clusters, the first filled and backed up,
# the second fresh and empty for the restore (scripts/restore_drill.py says what is checked).
#   bash scripts/restore-drill.sh [--data demo|ci|medium]
set -uo pipefail
cd "$(dirname "$0")/.."
export OPSI_DRILL_ARGS="$*"
exec bash scripts/with-postgres.sh bash -c '
    export DRILL_SOURCE_URL="$DATABASE_URL"
    exec bash scripts/with-postgres.sh .venv/bin/python scripts/restore_drill.py $OPSI_DRILL_ARGS'
