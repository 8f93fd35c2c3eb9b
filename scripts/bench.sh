#!/usr/bin/env bash
# Benchmarks on SQLite and on PostgreSQL at a chosen scale (default "ci"):
#   bash scripts/bench.sh [ci|medium|national]
# Results: bench/RESULTS.md (PostgreSQL) and bench/RESULTS-sqlite.md; the offline sync (Chromium
# sending a queue of visits kept without signal, on the PostgreSQL data): bench/RESULTS-offline.md.
# The load tests run gunicorn with a memcached of their own when it is installed (bench/server.py).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-ci}
DB=$(mktemp -d /tmp/opsi-bench.XXXXXX)
trap 'rm -rf "$DB"' EXIT
echo "== SQLite, scale $SCALE =="
DATABASE_URL="sqlite:///$DB/bench.sqlite3" .venv/bin/python bench/run.py --scale "$SCALE" --out bench/RESULTS-sqlite.md
echo "== PostgreSQL, scale $SCALE (pages, report, load; then the offline sync on the same data) =="
bash scripts/with-postgres.sh bash -c '
    .venv/bin/python bench/run.py --scale "$1" --out bench/RESULTS.md &&
    .venv/bin/python bench/offline_sync.py --scale "$1"' bench "$SCALE"
