#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1:
#   bash scripts/with-postgres.sh COMMAND...
# The cluster lives in a temporary directory, listens on a free port, and is
# stopped and removed when the command ends, whatever its outcome.
set -uo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then echo "PostgreSQL binaries not found (apt-get install postgresql)" >&2; exit 1; fi
PGROOT=$(mktemp -d /tmp/opsi-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGROOT"; AS=(runuser -u postgres --); fi
stop_pg() {
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$PGROOT"
}
trap stop_pg EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >"$PGROOT/initdb.log" 2>&1 \
    || { cat "$PGROOT/initdb.log"; exit 1; }
PGOPTS="-h 127.0.0.1 -p $PORT -k $PGROOT -F -c synchronous_commit=off -c full_page_writes=off"
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -w -l "$PGROOT/server.log" \
    -o "$PGOPTS" start >/dev/null \
    || { cat "$PGROOT/server.log"; exit 1; }
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres opsi
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/opsi"
export PGVERSION_TEXT="$("$PGBIN/postgres" --version)"
export OPSI_PGDATA="$PGROOT/data" OPSI_PGBIN="$PGBIN" OPSI_PGOPTS="$PGOPTS"  # bench/faults.py restarts it
echo "PostgreSQL: $PGVERSION_TEXT on 127.0.0.1:$PORT"
"$@"
