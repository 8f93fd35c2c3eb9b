#!/usr/bin/env bash
# Benchmarks on SQLite and on PostgreSQL at a chosen scale (default "ci"):
#   bash scripts/bench.sh [ci|medium|national]
# Results: bench/RESULTS.md (PostgreSQL) and bench/RESULTS-sqlite.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-ci}
DB=$(mktemp -d /tmp/opsi-bench.XXXXXX)
trap 'rm -rf "$DB"' EXIT
echo "== SQLite, scale $SCALE =="
DATABASE_URL="sqlite:///$DB/bench.sqlite3" .venv/bin/python bench/run.py --scale "$SCALE" --out bench/RESULTS-sqlite.md
echo "== PostgreSQL, scale $SCALE =="
bash scripts/with-postgres.sh .venv/bin/python bench/run.py --scale "$SCALE" --out bench/RESULTS.md
