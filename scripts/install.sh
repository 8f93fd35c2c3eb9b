#!/usr/bin/env bash
# Install OPSI on a fresh Debian machine, as root (a system user `opsi`, systemd units) or as
# yourself (user mode). Safe to run again: an existing env file, role and database are kept.
#
#   scripts/install.sh --host opsi.example.org [--backup-key opsi-backup-public.asc]
#
# Steps: Debian packages (scripts/system-deps.sh deploy), the app user, the settings file with
# keys generated here (never overwritten), the PostgreSQL role (no superuser, no CREATEDB, it owns
# its one database) and database, a release (its code, a venv from requirements.lock, compiled
# translations, static files), migrate, the kept report figures, the systemd units (started when
# systemd runs). Options:
#   --host NAME          the site's name (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS https://NAME)
#   --backup-key FILE    the backups' PUBLIC key (made offline, README "Backups"); without it the
#                        backups, and so upgrades, wait until BACKUP_GPG_RECIPIENT is set
#   --source DIR         the code to install (default: the checkout holding this script)
#   --no-system-deps     do not install Debian packages
#   --no-migrate         leave the database empty and start nothing: for a restore on a new machine
#                        (README, Backups), which needs an empty database
# Settings of the layout and the database: deploy/lib.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
SOURCE=$HERE
HOST=""
BACKUP_KEY=""
SYSTEM_DEPS=1
MIGRATE=1
while [ $# -gt 0 ]; do
    case "$1" in
    --host) HOST=$2; shift 2 ;;
    --backup-key) BACKUP_KEY=$(readlink -f "$2"); shift 2 ;;
    --source) SOURCE=$(cd "$2" && pwd); shift 2 ;;
    --no-system-deps) SYSTEM_DEPS=0; shift ;;
    --no-migrate) MIGRATE=0; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (--help)" >&2; exit 2 ;;
    esac
done
# shellcheck source=../deploy/lib.sh
. "$HERE/deploy/lib.sh"
HOST=${HOST:-$(hostname -f 2>/dev/null || hostname)}

if [ "$SYSTEM_DEPS" = 1 ]; then
    step "Debian packages"
    bash "$HERE/scripts/system-deps.sh" deploy
fi

if [ "$OPSI_MODE" = system ]; then
    step "The app user $OPSI_USER (home $OPSI_DATA)"
    if ! id "$OPSI_USER" >/dev/null 2>&1; then
        adduser --system --group --home "$OPSI_DATA" --shell /usr/sbin/nologin "$OPSI_USER" >/dev/null
    fi
    install -d -m 0700 -o "$OPSI_USER" -g "$OPSI_USER" "$OPSI_DATA" "$OPSI_BACKUP_DIR"
    install -d -m 0755 -o root -g root "$OPSI_HOME" "$OPSI_HOME/releases"
else
    mkdir -p "$OPSI_HOME/releases"
    install -d -m 0700 "$OPSI_BACKUP_DIR"
fi

step "Settings: $OPSI_ENV_FILE"
if [ -e "$OPSI_ENV_FILE" ]; then
    say "kept as it is (its keys read the data already there)"
else
    mkdir -p "$(dirname "$OPSI_ENV_FILE")"
    if [ "$OPSI_MODE" = system ]; then
        # root writes it, the app user reads it (systemd passes it to every unit), nobody else.
        chown root:"$OPSI_USER" "$(dirname "$OPSI_ENV_FILE")"
        chmod 0750 "$(dirname "$OPSI_ENV_FILE")"
        install -m 0640 -o root -g "$OPSI_USER" /dev/null "$OPSI_ENV_FILE.new"
    else
        install -m 0600 /dev/null "$OPSI_ENV_FILE.new"
    fi
    # Every value is letters, digits, - and _ (and = for Fernet keys): read alike by systemd and a shell.
    python3 - "$HOST" >>"$OPSI_ENV_FILE.new" <<'PY'
import base64, os, secrets, sys
host = sys.argv[1]
fernet = lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
print(f"""# OPSI settings, made by scripts/install.sh. The keys below read the data: keep a copy apart from
# the backups (SECURITY.md, Keys). Never change FIELD_HASH_KEY or OFFLINE_SEAL_KEY once in use.
DJANGO_ENV=production
SECRET_KEY={secrets.token_urlsafe(48)}
ALLOWED_HOSTS={host}
CSRF_TRUSTED_ORIGINS=https://{host}
FIELD_ENCRYPTION_KEYS={fernet()}
FIELD_HASH_KEY={fernet()}
OFFLINE_SEAL_KEY={secrets.token_urlsafe(32)}
REPORT_ROUNDING_KEY={secrets.token_urlsafe(32)}""")
PY
    password=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
    {
        echo "DATABASE_URL=postgres://$OPSI_DB_USER:$password@$OPSI_DB_HOST:$OPSI_DB_PORT/$OPSI_DB_NAME"
        echo "CACHE_URL=${OPSI_CACHE_URL:-pymemcache://127.0.0.1:11211}"
        echo "TRUSTED_PROXY_HOPS=1"
        echo "BACKUP_DIR=$OPSI_BACKUP_DIR"
        echo "BACKUP_GPG_RECIPIENT="
        echo "BACKUP_GPG_SIGNER="
        [ -z "${OPSI_ENV_EXTRA:-}" ] || printf '%s\n' "$OPSI_ENV_EXTRA"
    } >>"$OPSI_ENV_FILE.new"
    mv "$OPSI_ENV_FILE.new" "$OPSI_ENV_FILE"
    say "written with new keys ($(stat -c '%U:%G %a' "$OPSI_ENV_FILE"))"
fi

# Set (or replace) one setting of the env file.
set_setting() {
    local name=$1 value=$2
    sed -i "/^$name=/d" "$OPSI_ENV_FILE"
    echo "$name=$value" >>"$OPSI_ENV_FILE"
}

step "Backup keys (GnuPG keyring of $OPSI_USER)"
if [ -n "$BACKUP_KEY" ]; then
    as_app gpg --batch --quiet --import <"$BACKUP_KEY"
    recipient=$(as_app gpg --batch --with-colons --import-options show-only --import <"$BACKUP_KEY" |
        awk -F: '/^fpr/{print $10; exit}')
    set_setting BACKUP_GPG_RECIPIENT "$recipient"
    say "backups are encrypted to $recipient"
fi
if [ -z "$(env_value BACKUP_GPG_SIGNER)" ]; then
    # The server's own signing key: restores refuse a backup it did not sign.
    as_app gpg --batch --quiet --passphrase '' --quick-gen-key "OPSI server <server@$HOST>" default sign never
    signer=$(as_app gpg --batch --with-colons --list-secret-keys "server@$HOST" | awk -F: '/^fpr/{print $10; exit}')
    set_setting BACKUP_GPG_SIGNER "$signer"
    as_app gpg --batch --armor --export "$signer" >"$OPSI_HOME/opsi-server-signing.asc"
    say "manifests are signed by $signer (public half: $OPSI_HOME/opsi-server-signing.asc, keep it with the backups)"
fi
[ -n "$(env_value BACKUP_GPG_RECIPIENT)" ] ||
    say "BACKUP_GPG_RECIPIENT is empty: no backup (and no upgrade) until the backups' public key is given (--backup-key)"

step "PostgreSQL: role $OPSI_DB_USER, database $OPSI_DB_NAME"
database_url=$(env_value DATABASE_URL)
password=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).password or "")' "$database_url")
if [ "$(pg_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$OPSI_DB_USER'")" != 1 ]; then
    # On stdin, so the password shows in no process list.
    pg_admin <<SQL
CREATE ROLE "$OPSI_DB_USER" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '$password';
SQL
    say "role created"
fi
# Member values stay out of PostgreSQL's log (SECURITY.md): no statement text, no DETAIL lines.
pg_admin -c "ALTER ROLE \"$OPSI_DB_USER\" SET log_min_error_statement = panic" \
    -c "ALTER ROLE \"$OPSI_DB_USER\" SET log_error_verbosity = terse"
if [ "$(pg_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$OPSI_DB_NAME'")" != 1 ]; then
    pg_admin -c "CREATE DATABASE \"$OPSI_DB_NAME\" OWNER \"$OPSI_DB_USER\" ENCODING 'UTF8' TEMPLATE template0" \
        -c "REVOKE ALL ON DATABASE \"$OPSI_DB_NAME\" FROM PUBLIC"
    say "database created, owned by $OPSI_DB_USER, closed to other roles"
fi

step "Release"
release=$(build_release "$SOURCE" | tail -1)

step "Check, migrate, kept figures"
manage "$release" check --deploy --fail-level WARNING
if [ "$MIGRATE" = 1 ]; then
    manage "$release" migrate --noinput -v1
    manage "$release" keep_reports
else
    say "not migrated (--no-migrate): the database stays empty for restore_backup"
fi
switch_link "$release" "$OPSI_HOME/current"
say "current -> $release"

step "systemd units in $OPSI_UNIT_DIR"
mkdir -p "$OPSI_UNIT_DIR"
for unit in "$UNITS_DIR"/*.service "$UNITS_DIR"/*.timer; do
    name=$(basename "$unit")
    sed -e "s|/srv/opsi|$OPSI_HOME|g" -e "s|/etc/opsi/env|$OPSI_ENV_FILE|g" \
        -e "s|127.0.0.1:8000|$OPSI_BIND|g" "$unit" >"$OPSI_UNIT_DIR/$name.new"
    if [ "$OPSI_MODE" = user ]; then
        # A user's manager runs everything as that user; multi-user.target is the system's.
        # Sandboxing that a user's manager cannot set up (and ProtectHome would hide the code) goes too.
        sed -i -e '/^User=/d' -e '/^Group=/d' -e 's/^WantedBy=multi-user.target/WantedBy=default.target/' \
            -e '/^Protect/d' -e '/^Private/d' -e '/^RestrictSUIDSGID/d' -e '/^LockPersonality/d' \
            -e 's|/var/backups/opsi|'"$OPSI_BACKUP_DIR"'|g' "$OPSI_UNIT_DIR/$name.new"
    else
        sed -i -e "s/^User=opsi/User=$OPSI_USER/" -e "s/^Group=opsi/Group=$OPSI_USER/" \
            -e 's|/var/backups/opsi|'"$OPSI_BACKUP_DIR"'|g' "$OPSI_UNIT_DIR/$name.new"
    fi
    mv "$OPSI_UNIT_DIR/$name.new" "$OPSI_UNIT_DIR/$name"
    say "$name"
done
if systemd_runs && [ "$MIGRATE" = 1 ]; then
    "${SYSTEMCTL[@]}" daemon-reload
    "${SYSTEMCTL[@]}" enable --now opsi-web.service opsi-worker.service \
        opsi-backup.timer opsi-retention.timer opsi-keep-reports.timer
    smoke_test "$OPSI_HOME/current"
else
    say "systemd does not run here: start them where it does (systemctl enable --now opsi-web opsi-worker"
    say "opsi-backup.timer opsi-retention.timer opsi-keep-reports.timer)"
fi

cat <<EOF

Installed $(sed -n 's/^commit=//p' "$release/RELEASE") in $release.
Next, once: the first administrator (two-step login is set up at the first login):
    runuser -u $OPSI_USER -- bash -c 'set -a; . $OPSI_ENV_FILE; set +a; cd $OPSI_HOME/current && .venv/bin/python manage.py createsuperuser'
Then nginx in front (README, Deploying). Upgrade with scripts/upgrade.sh from the new code's checkout.
EOF
