# Shared by scripts/install.sh and scripts/upgrade.sh (sourced, not run).
#
# Layout (system mode, run as root):
#   /srv/opsi/releases/<UTC time>-<commit>/   the code, its own .venv, compiled translations and static files
#   /srv/opsi/current  -> releases/...          what the units run (gunicorn --chdir follows it at each reload)
#   /srv/opsi/previous -> releases/...          the release before the last upgrade (the way back)
#   /srv/opsi/upgrade.state                     the last upgrade: releases and the backup taken first
#   /etc/opsi/env                               the settings and keys (root:opsi, 0640)
#   /var/lib/opsi                               the app user's home (its GnuPG keyring)
#   /var/backups/opsi                           the encrypted backups (opsi, 0700)
# Releases belong to root: the app user reads its code and cannot change it.
# User mode (run as any other user, or OPSI_MODE=user): the same under OPSI_HOME (default ~/opsi),
# the settings in ~/.config/opsi/env (0600), systemd user units; everything belongs to that user.
#
# Settings of the scripts (environment):
#   OPSI_MODE          system | user (default: system as root, user otherwise)
#   OPSI_HOME          where releases live (/srv/opsi; user mode ~/opsi)
#   OPSI_ENV_FILE      the settings file (/etc/opsi/env; user mode ~/.config/opsi/env)
#   OPSI_USER          the app's system user (opsi; user mode: yourself)
#   OPSI_UNIT_DIR      where the systemd units go (/etc/systemd/system; user mode ~/.config/systemd/user)
#   OPSI_PG_ADMIN_URL  a PostgreSQL superuser connection for the role and database (default: as root,
#                      `runuser -u postgres -- psql` over the local socket; otherwise psql's defaults)
#   OPSI_DB_NAME, OPSI_DB_USER, OPSI_DB_HOST, OPSI_DB_PORT   opsi, opsi, 127.0.0.1, 5432
#   OPSI_BIND          where gunicorn listens (127.0.0.1:8000), and the smoke test asks
#   OPSI_RELOAD        systemd (default when systemd runs) | pidfile:PATH (gunicorn's --pid file) | none
#   OPSI_PYTHON        the Python the venvs are made with (system mode: /usr/bin/python3)
#   OPSI_UV            the uv to build venvs with (default: uv on PATH, else the current release's,
#                      else installed with pip into the new venv)
#   OPSI_KEEP_RELEASES releases kept on disk after an upgrade (3: current, previous and one more)
#   OPSI_CACHE_URL     the CACHE_URL a new env file gets (pymemcache://127.0.0.1:11211)
#   OPSI_ENV_EXTRA     lines added to a new env file (e.g. GNUPGHOME=... for a keyring elsewhere)
#   OPSI_SOURCE_COMMIT the commit a release is named after when the source is no git checkout

set -euo pipefail
umask 022

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }
die() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

OPSI_MODE=${OPSI_MODE:-$([ "$(id -u)" -eq 0 ] && echo system || echo user)}
if [ "$OPSI_MODE" = system ]; then
    [ "$(id -u)" -eq 0 ] || die "system mode needs root (or OPSI_MODE=user)"
    OPSI_HOME=${OPSI_HOME:-/srv/opsi}
    OPSI_ENV_FILE=${OPSI_ENV_FILE:-/etc/opsi/env}
    OPSI_USER=${OPSI_USER:-opsi}
    OPSI_UNIT_DIR=${OPSI_UNIT_DIR:-/etc/systemd/system}
    OPSI_DATA=${OPSI_DATA:-/var/lib/opsi}
    OPSI_BACKUP_DIR=${OPSI_BACKUP_DIR:-/var/backups/opsi}
    SYSTEMCTL=(systemctl)
else
    OPSI_HOME=${OPSI_HOME:-$HOME/opsi}
    OPSI_ENV_FILE=${OPSI_ENV_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/opsi/env}
    OPSI_USER=${OPSI_USER:-$(id -un)}
    OPSI_UNIT_DIR=${OPSI_UNIT_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user}
    OPSI_DATA=${OPSI_DATA:-$HOME}
    OPSI_BACKUP_DIR=${OPSI_BACKUP_DIR:-$OPSI_HOME/backups}
    SYSTEMCTL=(systemctl --user)
fi
# The Python of the venvs: Debian's in system mode (one the app user can run; 3.11 on Debian 12).
if [ -z "${OPSI_PYTHON:-}" ]; then
    if [ "$OPSI_MODE" = system ] && [ -x /usr/bin/python3 ]; then OPSI_PYTHON=/usr/bin/python3; else OPSI_PYTHON=$(command -v python3); fi
fi
OPSI_DB_NAME=${OPSI_DB_NAME:-opsi}
OPSI_DB_USER=${OPSI_DB_USER:-opsi}
OPSI_DB_HOST=${OPSI_DB_HOST:-127.0.0.1}
OPSI_DB_PORT=${OPSI_DB_PORT:-5432}
OPSI_BIND=${OPSI_BIND:-127.0.0.1:8000}
OPSI_KEEP_RELEASES=${OPSI_KEEP_RELEASES:-3}
UNITS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

systemd_runs() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }
if [ -z "${OPSI_RELOAD:-}" ]; then
    if systemd_runs; then OPSI_RELOAD=systemd; else OPSI_RELOAD=none; fi
fi

# A setting of the env file, as the app reads it (KEY=value lines; the last one wins).
env_value() {
    [ -r "$OPSI_ENV_FILE" ] || return 0
    sed -n "s/^$1=//p" "$OPSI_ENV_FILE" | tail -1
}

# The env file's settings, exported into this (sub)shell as literal KEY=value lines (as systemd
# reads them), then APP_OVERRIDES (KEY=value words). Never on a command line: ps shows those.
export_settings() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        export "${line?}"
    done <"$OPSI_ENV_FILE"
    for line in ${APP_OVERRIDES[@]+"${APP_OVERRIDES[@]}"}; do export "${line?}"; done
}

# Run a command as the app user with the env file's settings.
as_app() {
    (
        export_settings
        if [ "$OPSI_MODE" = system ]; then
            cd "$OPSI_DATA" && exec runuser -u "$OPSI_USER" -- "$@"
        else
            exec "$@"
        fi
    )
}

# manage.py of a release, as the app user.
manage() {
    local release=$1
    shift
    (cd "$release" && as_app "$release/.venv/bin/python" "$release/manage.py" "$@")
}

# psql as the PostgreSQL superuser (role and database administration only).
pg_admin() {
    if [ -n "${OPSI_PG_ADMIN_URL:-}" ]; then
        psql --no-psqlrc -X -q -v ON_ERROR_STOP=1 "$OPSI_PG_ADMIN_URL" "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- psql --no-psqlrc -X -q -v ON_ERROR_STOP=1 "$@")
    else
        psql --no-psqlrc -X -q -v ON_ERROR_STOP=1 "$@"
    fi
}

find_uv() {
    if [ -n "${OPSI_UV:-}" ]; then echo "$OPSI_UV"; return; fi
    if command -v uv >/dev/null; then command -v uv; return; fi
    if [ -x "$OPSI_HOME/current/.venv/bin/uv" ]; then echo "$OPSI_HOME/current/.venv/bin/uv"; return; fi
    echo ""
}

# The files of a source tree: its git checkout's tracked and new files (never ignored ones such
# as .env, db.sqlite3, .venv), or every file of a directory that is not a checkout.
copy_tree() {
    local source=$1 target=$2
    mkdir -p "$target"
    if git -C "$source" rev-parse --show-toplevel >/dev/null 2>&1; then
        (cd "$source" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' file; do
                if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi # not a file deleted since
            done | tar -cf - --null --no-recursion -T -) | tar -xf - -C "$target"
    else
        tar -C "$source" --exclude=./.venv --exclude=./.env --exclude='./db.sqlite3*' --exclude=./staticfiles \
            --exclude=./backups -cf - . | tar -xf - -C "$target"
    fi
}

source_commit() {
    if [ -n "${OPSI_SOURCE_COMMIT:-}" ]; then echo "$OPSI_SOURCE_COMMIT"; return; fi
    git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo "nogit"
}

# Build a release from a source tree: its code, a venv from its requirements.lock, compiled
# translations and static files, bytecode. Prints the release's path (last line).
build_release() {
    local source=$1 commit stamp release uv
    commit=$(source_commit "$source")
    stamp=$(date -u +%Y%m%d-%H%M%S)
    release="$OPSI_HOME/releases/$stamp-$commit"
    [ -e "$release" ] && release="$release-$$"
    say "Release $release (from $source, commit $commit)" >&2
    copy_tree "$source" "$release"
    if git -C "$source" rev-parse --git-dir >/dev/null 2>&1 && ! git -C "$source" diff --quiet HEAD; then
        commit="$commit+changes" # uncommitted changes of tracked files went in too
    fi
    printf 'commit=%s\nbuilt=%s\nsource=%s\n' "$commit" "$stamp" "$source" >"$release/RELEASE"
    local t0=$SECONDS compile=()
    uv=$(find_uv)
    if [ -n "$uv" ]; then
        "$uv" venv -q --python "$OPSI_PYTHON" "$release/.venv" >&2
    else # a fresh machine: the venv with pip, then the uv version make setup uses
        "$OPSI_PYTHON" -m venv "$release/.venv" >&2
        "$release/.venv/bin/python" -m pip install -q --disable-pip-version-check uv==0.13.8 >&2
        uv="$release/.venv/bin/uv"
    fi
    # The app user cannot write bytecode into root's release: compiled here, or every start recompiles.
    [ "$OPSI_MODE" = user ] || compile=(--compile-bytecode)
    "$uv" pip install -q --python "$release/.venv/bin/python" "${compile[@]}" -r "$release/requirements.lock" >&2
    (cd "$release" && as_app_env "$release/.venv/bin/python" manage.py compilemessages --ignore=.venv -v0) >&2
    (cd "$release" && as_app_env "$release/.venv/bin/python" manage.py collectstatic --noinput -v0) >&2
    "$release/.venv/bin/python" -m compileall -q -x '/\.venv/' "$release" >/dev/null || true
    say "built in $((SECONDS - t0)) s" >&2
    if [ "$OPSI_MODE" = system ]; then chown -R root:root "$release" && chmod -R go-w "$release"; fi
    echo "$release"
}

# The env file's settings for commands the release owner runs itself (building: no database).
as_app_env() {
    (
        export_settings
        exec "$@"
    )
}

# Point a symlink at a target in one step (a rename), never leaving it missing.
switch_link() {
    local target=$1 link=$2
    ln -sfn "$target" "$link.new"
    mv -Tf "$link.new" "$link"
}

gunicorn_pid() {
    case "$OPSI_RELOAD" in
    systemd) "${SYSTEMCTL[@]}" show -p MainPID --value opsi-web.service ;;
    pidfile:*) cat "${OPSI_RELOAD#pidfile:}" 2>/dev/null || true ;;
    *) echo "" ;;
    esac
}

# Graceful reload: gunicorn starts new workers in the release `current` points at, then lets the
# old ones finish their requests. The worker finishes its task, then starts on the new release.
reload_app() {
    case "$OPSI_RELOAD" in
    systemd)
        "${SYSTEMCTL[@]}" reload opsi-web.service
        if "${SYSTEMCTL[@]}" is-enabled --quiet opsi-worker.service 2>/dev/null; then
            "${SYSTEMCTL[@]}" restart opsi-worker.service
        fi
        ;;
    pidfile:*)
        local pid
        pid=$(gunicorn_pid)
        [ -n "$pid" ] || die "no gunicorn pid in ${OPSI_RELOAD#pidfile:}"
        kill -HUP "$pid"
        say "Reloaded gunicorn ($pid); restart the worker (manage.py db_worker) yourself"
        ;;
    none) say "Not reloaded (OPSI_RELOAD=none): restart gunicorn and the worker yourself" ;;
    esac
}

# The smoke test: gunicorn's workers run the release given, /healthz/ready says ready and the
# login page answers with its form.
smoke_test() {
    local release real pid child host base answer deadline ok
    release=$1
    real=$(readlink -f "$release")
    host=$(env_value ALLOWED_HOSTS | cut -d, -f1)
    base="http://$OPSI_BIND"
    deadline=$((SECONDS + 60))
    pid=$(gunicorn_pid)
    if [ -n "$pid" ] && [ "$pid" != 0 ]; then
        while :; do
            ok=1
            children=$(pgrep -P "$pid" || true)
            [ -n "$children" ] || ok=0
            for child in $children; do
                [ "$(readlink -f "/proc/$child/cwd")" = "$real" ] || ok=0
            done
            [ "$ok" = 1 ] && break
            [ $SECONDS -lt $deadline ] || die "smoke test: gunicorn's workers do not run $real"
            sleep 0.5
        done
        say "gunicorn's workers run $(basename "$real")"
    fi
    while :; do
        answer=$(curl -s -m 5 -H "Host: $host" "$base/healthz/ready" || true)
        [ "$answer" = ready ] && break
        [ $SECONDS -lt $deadline ] || die "smoke test: /healthz/ready says '${answer:-nothing}'"
        sleep 0.5
    done
    say "/healthz/ready: ready"
    answer=$(curl -s -m 10 -H "Host: $host" -H "X-Forwarded-Proto: https" -o /dev/stdout -w '%{http_code}' "$base/login/")
    case "$answer" in
    *'name="password"'*200) say "/login/: 200 with its form" ;;
    *) die "smoke test: /login/ answered ${answer: -3}" ;;
    esac
}
