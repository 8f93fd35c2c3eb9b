#!/usr/bin/env bash
# The whole test suite: once on SQLite, once on a throwaway PostgreSQL server
# (with the browser tests), then one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS=$(mktemp -d /tmp/opsi-test.XXXXXX)
trap 'rm -rf "$LOGS"' EXIT
unset DATABASE_URL
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider)

summary() { grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$1" | tail -1 | sed -E 's/^=+ //; s/ =+$//; s/ in [0-9.]+s.*//'; }
count() { grep -oE "[0-9]+ $2" <<<"$1" | grep -oE '^[0-9]+' || echo 0; }

echo "== Hygiene: bandit (medium and high findings fail the run) =="
.venv/bin/bandit -q -r opsi members partners services outreach incidents reports privacy fieldwork bench -x '*/migrations/*' -ll \
    || { echo "bandit found problems"; exit 1; }
echo "== Hygiene: ruff check (errors: undefined and unused names, syntax; pyproject.toml) =="
.venv/bin/ruff check --no-cache --quiet . || { echo "ruff found problems"; exit 1; }
echo "== Hygiene: ruff format --check (one layout; fix with .venv/bin/ruff format .) =="
.venv/bin/ruff format --check --no-cache --quiet . || { echo "ruff format would change the files above"; exit 1; }
echo "== Hygiene: pip-audit of requirements.lock (known vulnerabilities fail the run) =="
bash scripts/audit.sh || { echo "pip-audit found problems"; exit 1; }

echo "== Part 1: SQLite (embedded); the browser tests run in part 2 =="
OPSI_BROWSER_TESTS=0 "${PYTEST[@]}" "$@" 2>&1 | tee "$LOGS/sqlite.log"
sqlite_rc=${PIPESTATUS[0]}

echo "== Part 2: PostgreSQL (throwaway cluster), with the browser tests in headless Chromium =="
bash scripts/with-postgres.sh "${PYTEST[@]}" "$@" 2>&1 | tee "$LOGS/postgres.log"
pg_rc=${PIPESTATUS[0]}

s1=$(summary "$LOGS/sqlite.log"); s2=$(summary "$LOGS/postgres.log")
echo
echo "SQLite:     ${s1:-no result}"
echo "PostgreSQL: ${s2:-no result} ($(grep -m1 -oE 'PostgreSQL\) [0-9.]+' "$LOGS/postgres.log"))"
passed=$(( $(count "$s1" passed) + $(count "$s2" passed) ))
failed=$(( $(count "$s1" failed) + $(count "$s2" failed) + $(count "$s1" error) + $(count "$s2" error) ))
echo "total: $passed passed, $failed failed"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
