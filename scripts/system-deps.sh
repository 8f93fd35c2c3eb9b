#!/usr/bin/env bash
# Install the Debian packages the project needs, when missing and when we can.
#   run:  gettext (compile translations), WeasyPrint's libraries and fonts, gnupg (backups)
#   test: the above, plus Chromium, poppler-utils (pdftotext), PostgreSQL and its client tools,
#         wrk, curl and memcached (the benchmarks, the two app servers), systemd (systemd-analyze
#         verifies the units of deploy/)
#   deploy: the run packages, plus what scripts/install.sh sets up: PostgreSQL, memcached, curl
#         (its smoke test), rsync (the off-site copy)
set -euo pipefail
want=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gnupg)
if [ "${1:-run}" = test ]; then
    want+=(chromium poppler-utils wrk curl memcached systemd)  # memcached: served as production does
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
    command -v pg_dump >/dev/null || want+=(postgresql-client)  # backups and the restore drill
fi
if [ "${1:-run}" = deploy ]; then
    want+=(postgresql postgresql-client memcached curl rsync python3-venv)
fi
missing=()
for pkg in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 0
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
