#!/usr/bin/env bash
# The whole test suite: once on SQLite, once on a throwaway PostgreSQL server
# (with the browser tests), then one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider)
LOGS=$(mktemp -d /tmp/opsi-test.XXXXXX)
unset DATABASE_URL

summary() { grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$1" | tail -1 | sed -E 's/^=+ //; s/ =+$//; s/ in [0-9.]+s.*//'; }
count() { grep -oE "[0-9]+ $2" <<<"$1" | grep -oE '^[0-9]+' || echo 0; }

echo "== Part 1: SQLite (embedded), browser tests in part 2 =="
OPSI_BROWSER_TESTS=0 "${PYTEST[@]}" "$@" 2>&1 | tee "$LOGS/sqlite.log"
sqlite_rc=${PIPESTATUS[0]}

echo "== Part 2: PostgreSQL (throwaway cluster on 127.0.0.1), with browser tests =="
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGROOT=$(mktemp -d /tmp/opsi-pg.XXXXXX)
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGROOT"; AS=(runuser -u postgres --); fi
stop_pg() {
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$PGROOT" "$LOGS"
}
trap stop_pg EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >"$PGROOT/initdb.log" 2>&1 \
    || { cat "$PGROOT/initdb.log"; exit 1; }
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -w -l "$PGROOT/server.log" \
    -o "-h 127.0.0.1 -p $PORT -k $PGROOT -F -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { cat "$PGROOT/server.log"; exit 1; }
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/opsi"
PGVERSION=$("$PGBIN/postgres" --version)
echo "Running on $PGVERSION, port $PORT"
"${PYTEST[@]}" "$@" 2>&1 | tee "$LOGS/postgres.log"
pg_rc=${PIPESTATUS[0]}

s1=$(summary "$LOGS/sqlite.log"); s2=$(summary "$LOGS/postgres.log")
echo
echo "SQLite:     ${s1:-no result}"
echo "PostgreSQL: ${s2:-no result} ($PGVERSION)"
passed=$(( $(count "$s1" passed) + $(count "$s2" passed) ))
failed=$(( $(count "$s1" failed) + $(count "$s2" failed) + $(count "$s1" error) + $(count "$s2" error) ))
echo "total: $passed passed, $failed failed"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
