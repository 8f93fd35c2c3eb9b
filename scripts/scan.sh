#!/usr/bin/env bash
# Outside scanners (wapiti3, sqlmap) against the app as production runs it; not part of `make test`.
#   bash scripts/scan.sh            # everything: venv, PostgreSQL, demo data, gunicorn, TLS proxy, scans
#   SCAN_MINUTES=5 bash scripts/scan.sh
#   SCAN_TOOLS=sqlmap SQLMAP_TARGETS=member-timeline bash scripts/scan.sh   # one sqlmap target
# The scanners live in a venv of their own (SCAN_VENV, default /tmp/scan-venv), never in .venv.
# gunicorn runs with DJANGO_ENV=production on a throwaway PostgreSQL (scripts/with-postgres.sh);
# a small TLS proxy in front adds X-Forwarded-Proto: https as nginx would (scripts/scan_helpers.py).
# The scanners are logged in by a session cookie in a header (one per role). Reports go to
# SCAN_OUT (default /tmp/opsi-scan). Loopback only; the internet-callback checks (SSRF, blind XXE,
# log4shell, ...) are left out because they need a server on the internet.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${DATABASE_URL:-}" ]; then exec bash scripts/with-postgres.sh bash "$0" "$@"; fi

SCAN_VENV=${SCAN_VENV:-/tmp/scan-venv}
SCAN_OUT=${SCAN_OUT:-/tmp/opsi-scan}
SCAN_MINUTES=${SCAN_MINUTES:-10}
PY="$ROOT/.venv/bin/python"
if [ ! -x "$SCAN_VENV/bin/wapiti" ] || [ ! -x "$SCAN_VENV/bin/sqlmap" ]; then
    python3 -m venv "$SCAN_VENV" && "$SCAN_VENV/bin/pip" install -q wapiti3 sqlmap || exit 1
fi
echo "wapiti $("$SCAN_VENV/bin/pip" show wapiti3 | sed -n 's/^Version: //p'), sqlmap $("$SCAN_VENV/bin/pip" show sqlmap | sed -n 's/^Version: //p')"
mkdir -p "$SCAN_OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Demo data with development settings (seed_demo refuses production), then production settings.
"$PY" manage.py migrate -v0 && "$PY" manage.py seed_demo >/dev/null || exit 1
APP_PORT=$(free_port)
TLS_PORT=$(free_port)
ORIGIN="https://127.0.0.1:$TLS_PORT"
keygen() { "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'; }
export DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1 TRUSTED_PROXY_HOPS=1
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))'); export SECRET_KEY
FIELD_ENCRYPTION_KEYS=$(keygen); FIELD_HASH_KEY=$(keygen); export FIELD_ENCRYPTION_KEYS FIELD_HASH_KEY
OFFLINE_SEAL_KEY=$(keygen); export OFFLINE_SEAL_KEY
unset CACHE_URL DEBUG
# Files asked for on a page (exports, report files) are made within the request here, not by a
# db_worker (opsi/jobs.py): the export's query is then read in the answer the scanner gets (its
# time, and the progress page it is sent to: ready, or "could not be made").
export TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null; done; }
trap cleanup EXIT
# As production runs: memcached shared by the workers, the sessions and the logged-in user's row in it
# (README, CACHE_URL), when memcached is installed (scripts/system-deps.sh installs it).
if command -v memcached >/dev/null; then
    CACHE_PORT=$(free_port)
    setsid memcached -l 127.0.0.1 -p "$CACHE_PORT" -U 0 -m 64 $([ "$(id -u)" -eq 0 ] && echo "-u nobody") &
    PIDS+=($!)
    export CACHE_URL="pymemcache://127.0.0.1:$CACHE_PORT"
fi
"$PY" manage.py collectstatic --noinput -v0 || exit 1

setsid "$PY" -m gunicorn opsi.wsgi --workers 2 --bind "127.0.0.1:$APP_PORT" --log-level warning \
    >"$SCAN_OUT/gunicorn.log" 2>&1 &
PIDS+=($!)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$SCAN_OUT/key.pem" -out "$SCAN_OUT/cert.pem" 2>/dev/null || exit 1
setsid "$PY" scripts/scan_helpers.py proxy "$TLS_PORT" "$APP_PORT" "$SCAN_OUT/cert.pem" "$SCAN_OUT/key.pem" &
PIDS+=($!)
for _ in $(seq 100); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' "$ORIGIN/healthz")" = 200 ] && break; sleep 0.3
done
echo "app: gunicorn on 127.0.0.1:$APP_PORT, production settings, behind $ORIGIN, cache ${CACHE_URL:-of each process}"

SCAN_PASSWORD=sandi-demo-2026 "$PY" scripts/scan_helpers.py sessions "$ORIGIN" "$SCAN_OUT/cookies" || exit 1
cookie() { cat "$SCAN_OUT/cookies/$1.cookie"; }
MEMBER=$(DJANGO_ENV=development DEBUG=true "$PY" manage.py shell -v0 -c \
    "from members.models import Member; print(Member.objects.filter(branch__name__icontains='Jakarta').order_by('pk').values_list('pk', flat=True).first())")
BRANCH=$(DJANGO_ENV=development DEBUG=true "$PY" manage.py shell -v0 -c \
    "from opsi.tenant import Branch; print(Branch.objects.get(name__icontains='Jakarta').pk)")
CENTRE=$(DJANGO_ENV=development DEBUG=true "$PY" manage.py shell -v0 -c \
    "from opsi.tenant import DropInCentre; print(DropInCentre.objects.filter(branch__name__icontains='Jakarta').order_by('pk').values_list('pk', flat=True).first())")

# The form's key (CSRF) made from the fixed secret the proxy gives requests without a cookie.
TOKEN=$("$PY" -c 'import sys; from django.middleware.csrf import _mask_cipher_secret as m; print(m(sys.argv[1]))' \
    "$("$PY" -c 'import sys; sys.path.insert(0, "scripts"); import scan_helpers; print(scan_helpers.CSRF_SECRET)')")
new_key() { "$PY" -c 'import uuid; print(uuid.uuid4())'; }
# An export asked for through the member list's form: its progress page and its file are scanned too.
FILES=$(curl -sk -o /dev/null -w '%{redirect_url}' -H "Cookie: $(cookie koordinator.jakarta)" \
    -H "Referer: $ORIGIN/members/?q=a" --data "csrfmiddlewaretoken=$TOKEN&submission_key=$(new_key)" \
    "$ORIGIN/members/export.csv?q=a&kind=&status=" | sed -n 's|^https\?://[^/]*||p')
case $FILES in /files/*/) echo "export asked for: $FILES" ;; *) echo "the export form gave no progress page" >&2; exit 1 ;; esac

# Never follow the links that end the session or change the password or the two-step app.
EXCLUDE=(-x "$ORIGIN/logout/" -x "$ORIGIN/exit/" -x "$ORIGIN/password/" -x "$ORIGIN/login/code/setup/"
         -x "$ORIGIN/language/" -x "$ORIGIN/admin/*")
MODULES="sql,timesql,exec,file,xss,permanentxss,redirect,crlf,csrf,http_headers,cookieflags,csp,methods,backup,htaccess,ldap,upload,shellshock"
wapiti_as() {  # user, minutes, report name, pages (only these are crawled, with the forms on them)...
    local user=$1 minutes=$2 name=$3; shift 3
    local starts=(); for page in "$@"; do starts+=(-s "$ORIGIN$page"); done
    timeout $((minutes * 60 * 3 + 300)) "$SCAN_VENV/bin/wapiti" -u "$ORIGIN/" --scope domain -d 0 "${starts[@]}" \
        "${EXCLUDE[@]}" ${user:+-C "$(cookie "$user")"} -m "$MODULES" --flush-session \
        --max-scan-time $((minutes * 60)) --max-attack-time $((minutes * 60 / 8 + 10)) -t 30 --tasks 2 --level 2 \
        -f json -o "$SCAN_OUT/wapiti-$name.json" >"$SCAN_OUT/wapiti-$name.log" 2>&1
    echo "wapiti as ${user:-anonymous}: $SCAN_OUT/wapiti-$name.json"
    "$PY" -c 'import json, sys
report = json.load(open(sys.argv[1]))
for kind, found in [item for part in ("vulnerabilities", "anomalies", "additionals")
                    for item in report.get(part, {}).items()]:
    for v in found:
        print("  %s: %s %s %s %s" % (kind, v["method"], v["path"], v["parameter"], v["info"][:150]))' "$SCAN_OUT/wapiti-$name.json"
}
REPORT="definition=btg&period_kind=quarter&year=2026&number=3"
RANGE="definition=btg&period_kind=range&year=2026&start=2026-01-01&end=2026-06-30&suppress=on"
SCAN_TOOLS=${SCAN_TOOLS:-wapiti sqlmap}
if [[ $SCAN_TOOLS == *wapiti* ]]; then
wapiti_as koordinator.jakarta "$SCAN_MINUTES" coordinator / /offline/ /sw.js /manifest.webmanifest /visits/new/ \
    "/visits/new/?q=ab" "/visits/new/?q=ab&partial=1" "/visits/new/?member=$MEMBER" "/visits/new/?walk_in=1" \
    /outreach/new/ /members/ "/members/?q=a&kind=&status=" /members/new/ /members/import/ "/members/$MEMBER/" "/members/$MEMBER/?entries=200" \
    "$FILES" "${FILES}download" /referrals/ "/drop-in-centres/$CENTRE/visits/" \
    "/cases/stuck/?state=open&worker=" \
    "/reports/?$REPORT&scope=branch:$BRANCH" "/reports/report.pdf?$REPORT&scope=branch:$BRANCH" \
    "/reports/report.xlsx?$REPORT&scope=branch:$BRANCH" "/reports/report.csv?$REPORT&scope=branch:$BRANCH" \
    "/reports/?$RANGE&scope=branch:$BRANCH" "/reports/report.csv?$RANGE&scope=branch:$BRANCH" \
    "/reports/report.pdf?$REPORT&scope=branch:$BRANCH&suppress=on" /offline/worker/ \
    /healthz /healthz/ready
wapiti_as sekretariat $(( (SCAN_MINUTES + 1) / 2 )) secretariat / /members/ "/members/?q=a" \
    "/cases/stuck/?state=&branch=&worker=" \
    "/reports/?$REPORT&scope=national:" "/reports/report.csv?$REPORT&scope=national:"
for user in penjangkau.jakarta krisis admin; do
    MODULES=http_headers,cookieflags,csp,methods,xss,sql wapiti_as "$user" 2 "home-$user" /
done
# Anonymous: the login and two-step pages, health.
MODULES=sql,xss,redirect,crlf,csrf,http_headers,cookieflags,csp,methods wapiti_as "" 3 anonymous \
    /login/ "/login/?next=/reports/" /login/code/ /healthz /healthz/ready /sw.js /manifest.webmanifest
fi
[[ $SCAN_TOOLS == *sqlmap* ]] || exit 0

# sqlmap on the search, filter, report, lookup and import parameters.
sqlmap() {  # name, sqlmap arguments...
    local name=$1; shift
    # SQLMAP_TARGETS="member-timeline report": only these (all when unset).
    [[ -z "${SQLMAP_TARGETS:-}" || " $SQLMAP_TARGETS " == *" $name "* ]] || return 0
    timeout "${SQLMAP_SECONDS:-300}" "$SCAN_VENV/bin/sqlmap" --batch --threads=1 --level=2 --risk=1 --dbms=PostgreSQL --disable-coloring \
        --output-dir="$SCAN_OUT/sqlmap" --flush-session --force-ssl "$@" >"$SCAN_OUT/sqlmap-$name.log" 2>&1
    echo "sqlmap $name: $(grep -Ec "is vulnerable|appears to be '" "$SCAN_OUT/sqlmap-$name.log") lines saying injectable," \
        "$(grep -c "false positive or unexploitable" "$SCAN_OUT/sqlmap-$name.log") of them then found false by sqlmap"
}
C="Cookie: $(cookie koordinator.jakarta)"
S="Cookie: $(cookie sekretariat)"
sqlmap visit-search -u "$ORIGIN/visits/new/?q=ab" -p q -H "$C"
sqlmap member-list -u "$ORIGIN/members/?q=a&kind=&status=&centre=&page=1" -H "$C"
sqlmap member-timeline -u "$ORIGIN/members/$MEMBER/?entries=50" -H "$C"
# The member list's export button: a form sent to the export with the list's query (the query is
# what the export reads), answered by a redirect to the file's progress page, which sqlmap follows.
sqlmap member-export -u "$ORIGIN/members/export.csv?q=a&kind=&status=&centre=" -H "$C" \
    --data "csrfmiddlewaretoken=$TOKEN&submission_key=$(new_key)" -p q,kind,status,centre
sqlmap report -u "$ORIGIN/reports/?$REPORT&scope=national:" -H "$S"
sqlmap report-csv -u "$ORIGIN/reports/report.csv?$REPORT&scope=national:" -H "$S"
sqlmap centre-visits -u "$ORIGIN/drop-in-centres/$CENTRE/visits/?start=2026-01-01&end=2026-12-31&service=" -H "$C"
sqlmap referrals -u "$ORIGIN/referrals/?state=open&centre=&worker=" -H "$C"
sqlmap paperwork -u "$ORIGIN/cases/stuck/?state=open&branch=&worker=" -H "$S"
# The forms by hand, not --forms: that would also send every page's logout and quick-exit forms.
sqlmap code-lookup -u "$ORIGIN/members/new/" -H "$C" --data \
    "csrfmiddlewaretoken=$TOKEN&alias=a&mother_first_name=Siti&father_first_name=Budi&birth_date=1990-01-01&typed_uic=&gender=F&kind=member"
sqlmap language -u "$ORIGIN/language/" -H "$C" --data "csrfmiddlewaretoken=$TOKEN&language=id&next=/members/"
sqlmap report-range -u "$ORIGIN/reports/report.csv?$RANGE&scope=national:" -H "$S"
# A phone's sealed entry: only its envelope can be fuzzed (what is inside is sealed to the server).
sqlmap offline-send -u "$ORIGIN/offline/send/" -H "$C" -H "X-CSRFToken: $TOKEN" -H "Content-Type: application/json" \
    --data '{"sealed": "x"}'
# The import's confirmation: a file checked first, so the session holds a token to confirm.
if [[ -z "${SQLMAP_TARGETS:-}" || " $SQLMAP_TARGETS " == *" import-confirm "* ]]; then
printf 'branch,uic,alias,gender,joined_on\n31,SCAN2010190,Pindai,woman,2024-01-15\n' >"$SCAN_OUT/import.csv"
CONFIRM=$(curl -sk -H "$C" -H "Referer: $ORIGIN/members/import/" -F "csrfmiddlewaretoken=$TOKEN" \
    -F "file=@$SCAN_OUT/import.csv;type=text/csv" "$ORIGIN/members/import/" | sed -n 's/.*name="confirm" value="\([^"]*\)".*/\1/p')
[ -n "$CONFIRM" ] && echo "import: file checked, its confirmation sent to sqlmap" || echo "import: the check gave no confirmation"
sqlmap import-confirm -u "$ORIGIN/members/import/" -H "$C" --data "csrfmiddlewaretoken=$TOKEN&confirm=${CONFIRM:-x}" -p confirm
fi
# Last: the login and two-step forms. The lockout pauses 127.0.0.1 after a few guesses (never the
# sessions above) and sqlmap then backs off until its time is up; to scan them to the end:
#   AXES_ENABLED=false SCAN_TOOLS=sqlmap SQLMAP_TARGETS="login two-step" bash scripts/scan.sh
sqlmap login -u "$ORIGIN/login/" --data "csrfmiddlewaretoken=$TOKEN&username=pindai&password=x" -p username,password
sqlmap two-step -u "$ORIGIN/login/code/" -H "Cookie: $(cookie admin-password-only)" \
    --data "csrfmiddlewaretoken=$TOKEN&token=123456" -p token
echo "reports in $SCAN_OUT"
