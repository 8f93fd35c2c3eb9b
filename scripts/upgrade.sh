#!/usr/bin/env bash
# Upgrade an installation made by scripts/install.sh to the code of this checkout, or go back.
#
#   git pull && scripts/upgrade.sh            # as root (or as the user who installed it)
#   scripts/upgrade.sh --rollback --key opsi-backup-PRIVATE.asc [--passphrase-file FILE]
#
# Upgrade: 1. a manual backup (manage.py backup, never pruned), taken by the running release;
# 2. a new release beside the running one (its code, its own venv from requirements.lock,
# translations, static files); 3. migrate; 4. the kept report figures counted by the new code;
# 5. `current` switched to it and a graceful reload (gunicorn's HUP: new workers, the old ones
# finish their requests; the worker restarted); 6. the smoke test: the workers run the new
# release, /healthz/ready says ready, the login page answers. Users keep their sessions.
# Until step 5 the old release serves as before; a failure stops the upgrade and says how back.
#
# Rollback: the release before (`previous`) and the database as the backup of step 1 holds it.
# The backup is restored into a new database, checked end to end (restore_backup), then put in
# place of the upgraded one, which is kept, renamed, with anything written since the upgrade.
# It needs the backups' PRIVATE key (kept offline), for the rollback only: it is imported into a
# temporary keyring that is deleted afterwards, never into the server's.
#   --source DIR         the code to upgrade to (default: the checkout holding this script)
#   --key FILE           (rollback) the backups' private key, exported with gpg --export-secret-keys
#   --passphrase-file F  (rollback) its passphrase (else BACKUP_GPG_PASSPHRASE, else asked)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
SOURCE=$HERE
ROLLBACK=0
KEY=""
PASSPHRASE_FILE=""
while [ $# -gt 0 ]; do
    case "$1" in
    --source) SOURCE=$(cd "$2" && pwd); shift 2 ;;
    --rollback) ROLLBACK=1; shift ;;
    --key) KEY=$(readlink -f "$2"); shift 2 ;;
    --passphrase-file) PASSPHRASE_FILE=$(readlink -f "$2"); shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (--help)" >&2; exit 2 ;;
    esac
done
# shellcheck source=../deploy/lib.sh
. "$HERE/deploy/lib.sh"
STATE="$OPSI_HOME/upgrade.state"
[ -L "$OPSI_HOME/current" ] || die "no installation in $OPSI_HOME (scripts/install.sh first)"
exec 9>"$OPSI_HOME/.upgrade.lock"
flock -n 9 || die "another upgrade or rollback is running"

state_value() { sed -n "s/^$1=//p" "$STATE" 2>/dev/null | tail -1; }

rollback_help() {
    cat <<EOF

THE WAY BACK (the release before, and the database as the backup taken first holds it; whatever
was written since that backup stays in a renamed database, printed at the end):
    $HERE/scripts/upgrade.sh --rollback --key opsi-backup-PRIVATE.asc
(run it from this checkout, or from $(state_value new)/scripts; the private key is used for the
restore only, in a temporary keyring.)
EOF
}

if [ "$ROLLBACK" = 0 ]; then
    old=$(readlink -f "$OPSI_HOME/current")
    [ -n "$(env_value BACKUP_GPG_RECIPIENT)" ] || die "BACKUP_GPG_RECIPIENT is not set: no backup, so no upgrade"
    began=$SECONDS

    step "1. Backup, by the running release $(basename "$old")"
    backup_out=$(manage "$old" backup)
    manifest=$(printf '%s\n' "$backup_out" | tail -1)
    [ -f "$manifest" ] || die "the backup gave no manifest: $backup_out"
    say "$backup_out"

    # From here on the state says which backup and release the way back takes.
    cat >"$STATE" <<EOF
previous=$old
backup=$manifest
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
status=building
EOF
    stopped() {
        if [ "$(state_value status)" = building ]; then
            say "The upgrade stopped before touching the database: $(basename "$old") still serves, as before."
            return
        fi
        if [ "$(readlink -f "$OPSI_HOME/current")" = "$old" ]; then
            say "The upgrade stopped: $(basename "$old") still serves, as before. The backup taken first: $manifest"
        else
            say "The upgrade stopped after the switch: $(readlink -f "$OPSI_HOME/current") serves."
        fi
        rollback_help
    }
    trap 'stopped' EXIT

    step "2. New release beside $(basename "$old")"
    new=$(build_release "$SOURCE" | tail -1)
    echo "new=$new" >>"$STATE"
    sed -i 's/^status=.*/status=migrating/' "$STATE"

    step "3. Migrate"
    manage "$new" migrate --noinput || die "migrate failed (the migrations applied before the failure stay applied)"

    step "4. Kept report figures, counted by the new code"
    manage "$new" keep_reports

    step "5. Switch and reload"
    switch_link "$old" "$OPSI_HOME/previous"
    switch_link "$new" "$OPSI_HOME/current"
    sed -i 's/^status=.*/status=switched/' "$STATE"
    reload_app

    step "6. Smoke test"
    smoke_test "$OPSI_HOME/current"
    sed -i 's/^status=.*/status=done/' "$STATE"
    echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$STATE"

    # Releases older than the last OPSI_KEEP_RELEASES go (never current or previous).
    keep=$(readlink -f "$OPSI_HOME/current"; readlink -f "$OPSI_HOME/previous")
    find "$OPSI_HOME/releases" -mindepth 1 -maxdepth 1 -type d | sort -r | tail -n +$((OPSI_KEEP_RELEASES + 1)) |
        while read -r dir; do
            grep -qxF "$dir" <<<"$keep" || rm -rf "$dir"
        done

    trap - EXIT
    say ""
    say "Upgraded $(basename "$old") -> $(basename "$new") in $((SECONDS - began)) s."
    say "Backup taken first: $manifest"
    rollback_help
    exit 0
fi

# ---- Rollback ----
[ -f "$STATE" ] || die "no upgrade to go back from ($STATE is missing)"
previous=$(state_value previous)
manifest=$(state_value backup)
[ "$(state_value status)" != rolled-back ] || die "this upgrade was rolled back already"
[ "$(state_value status)" != building ] || die "the last upgrade stopped before touching the database: nothing to go back from"
[ -d "$previous" ] || die "the release before, $previous, is gone"
[ -f "$manifest" ] || die "the backup taken first, $manifest, is gone"
[ -n "$KEY" ] && [ -r "$KEY" ] || die "give the backups' private key: --key opsi-backup-PRIVATE.asc"
began=$SECONDS
stamp=$(date -u +%Y%m%d%H%M%S)
rollback_db="${OPSI_DB_NAME}_rollback_$stamp"
upgraded_db="${OPSI_DB_NAME}_upgraded_$stamp"

step "1. A keyring for the restore only"
keyring=$(mktemp -d -t opsi-rollback-gnupg.XXXXXX)
cleanup() {
    gpgconf --homedir "$keyring" --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf "$keyring"
}
trap cleanup EXIT
[ "$OPSI_MODE" = system ] && chown "$OPSI_USER" "$keyring"
signer=$(env_value BACKUP_GPG_SIGNER)
exported=$(as_app gpg --batch --quiet --armor --export "$signer")
APP_OVERRIDES=("GNUPGHOME=$keyring")
as_app gpg --batch --quiet --import <<<"$exported"
as_app gpg --batch --quiet --import <"$KEY"
say "the private key and the server's signing key, in $keyring (deleted at the end)"

step "2. Restore $(basename "$manifest") into a new database, $rollback_db"
pg_admin -c "CREATE DATABASE \"$rollback_db\" OWNER \"$OPSI_DB_USER\" ENCODING 'UTF8' TEMPLATE template0" \
    -c "REVOKE ALL ON DATABASE \"$rollback_db\" FROM PUBLIC"
database_url=$(env_value DATABASE_URL)
rollback_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' \
    "$database_url" "$rollback_db")
passphrase=()
[ -z "$PASSPHRASE_FILE" ] || passphrase=(--passphrase-file "$PASSPHRASE_FILE")
APP_OVERRIDES=("GNUPGHOME=$keyring" "DATABASE_URL=$rollback_url")
if ! as_app "$previous/.venv/bin/python" "$previous/manage.py" restore_backup "${passphrase[@]}" "$manifest"; then
    pg_admin -c "DROP DATABASE IF EXISTS \"$rollback_db\""
    die "the restore was refused; nothing changed (the upgraded release still serves)"
fi

APP_OVERRIDES=()

step "3. Switch: release $(basename "$previous"), database as backed up"
switch_link "$previous" "$OPSI_HOME/current"
# No new connection to the upgraded database while it is renamed; the app's are closed (its
# pages say "try again" for the moment it takes).
pg_admin <<SQL
ALTER DATABASE "$OPSI_DB_NAME" ALLOW_CONNECTIONS false;
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$OPSI_DB_NAME' AND pid <> pg_backend_pid();
ALTER DATABASE "$OPSI_DB_NAME" RENAME TO "$upgraded_db";
ALTER DATABASE "$rollback_db" RENAME TO "$OPSI_DB_NAME";
SQL
sed -i 's/^status=.*/status=rolled-back/' "$STATE"
echo "upgraded_database=$upgraded_db" >>"$STATE"
# The shared cache holds sessions and users' rows of the upgraded database: emptied, so nobody is
# logged in by a session the restored database does not hold (logins made since the backup end).
if ! manage "$previous" shell -c "from django.core.cache import caches; [caches[name].clear() for name in caches]" \
    >/dev/null 2>&1; then
    say "WARNING: the cache could not be emptied: restart memcached (systemctl restart memcached) to end the logins"
    say "made since the backup."
fi
reload_app

step "4. Smoke test"
smoke_test "$OPSI_HOME/current"
say ""
say "Back on $(basename "$previous") with the database of $(basename "$manifest"), in $((SECONDS - began)) s."
say "The upgraded database is kept as $upgraded_db, closed to connections (what was written after the backup"
say "is there: ALTER DATABASE \"$upgraded_db\" ALLOW_CONNECTIONS true to read it; DROP DATABASE when done)."
