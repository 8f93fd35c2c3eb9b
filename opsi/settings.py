"""Settings, every value read from the environment.

With no environment at all the project runs in development on SQLite. With
``DJANGO_ENV=production`` (or ``DEBUG=off``) it refuses to start without a real
``SECRET_KEY``, ``ALLOWED_HOSTS``, Fernet ``FIELD_ENCRYPTION_KEYS`` and ``FIELD_HASH_KEY``, a PostgreSQL
``DATABASE_URL``; ``DEBUG`` cannot be switched on in production.
"""

import datetime
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
DEBUG = env.bool("DEBUG", default=DJANGO_ENV != "production")
# Production means any deployment without DEBUG, whatever DJANGO_ENV says. DEBUG never
# switches the production guards off: it is refused (its error pages show member data).
PRODUCTION = DJANGO_ENV == "production" or not DEBUG
if DJANGO_ENV == "production" and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset it or set DEBUG=off).")

_DEV_SECRET_KEY = "development-only-secret-key-never-use-it-in-production"
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
    if "DATABASE_URL" not in env:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
    # DJANGO_ENV=benchmark (bench/run.py) runs these production settings on SQLite too.
    if DJANGO_ENV != "benchmark" and env.db_url("DATABASE_URL")["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")

# Encryption at rest of legal names, NIK and phone numbers (Fernet keys; the
# first encrypts, all decrypt). Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
_DEV_FIELD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_DEV_FIELD_KEY] if DEBUG else [])
if not DEBUG and (not FIELD_ENCRYPTION_KEYS or _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production.")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 bytes, url-safe base64), comma-separated."
        ) from None

# The key of the hash that finds a duplicate NIK without decrypting it (a Fernet-format key,
# generated as above). It stays when FIELD_ENCRYPTION_KEYS rotate: hashes made under it must
# keep matching. Installations from before this setting hashed with their first encryption key:
# set FIELD_HASH_KEY to that key to keep their hashes, or to a new key followed by
# `manage.py reseal_identities`, which recomputes them.
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default=_DEV_FIELD_KEY if DEBUG else "")
if not DEBUG and (not FIELD_HASH_KEY or FIELD_HASH_KEY == _DEV_FIELD_KEY):
    raise ImproperlyConfigured("FIELD_HASH_KEY must be set in production.")
try:
    Fernet(FIELD_HASH_KEY)
except ValueError:
    raise ImproperlyConfigured("FIELD_HASH_KEY must be a Fernet key (32 bytes, url-safe base64).") from None

# The secret the key pair sealing entries waiting on a phone is derived from (fieldwork/sealing.py):
# the phone holds the public key only, the server alone opens them. In development it is derived
# from SECRET_KEY. Keep it while entries may wait on phones: a new one leaves those unopenable.
OFFLINE_SEAL_KEY = env.str("OFFLINE_SEAL_KEY", default="")
if not DEBUG and (len(OFFLINE_SEAL_KEY) < 32 or OFFLINE_SEAL_KEY == SECRET_KEY):
    raise ImproperlyConfigured("OFFLINE_SEAL_KEY must be set to a random value of 32 characters or more in production.")

# Display name of the site. Deliberately neutral: it shows on lock screens and in
# browser history of phones that may be shared or seized.
SITE_TITLE = env.str("SITE_TITLE", default="Catatan")

INSTALLED_APPS = [
    "opsi",
    "members",
    "partners",
    "services",
    "outreach",
    "reports",
    "incidents",
    "fieldwork",
    "privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "auditlog",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "opsi.middleware.AuthenticationMiddleware",  # Django's, with the user's row kept beside the session
    "django_otp.middleware.OTPMiddleware",
    "opsi.middleware.UserLanguageMiddleware",
    "opsi.middleware.BranchTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "opsi.middleware.PermissionsPolicyMiddleware",
    "opsi.middleware.SessionLimitsMiddleware",
    "opsi.two_factor.RequireSecondFactorMiddleware",
    "opsi.middleware.AuditTrailMiddleware",
    "axes.middleware.AxesMiddleware",
    "opsi.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "opsi.urls"
WSGI_APPLICATION = "opsi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsi.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Parallel writers wait their turn (up to 20 s) instead of failing at once with "database is
    # locked", and readers never block the writer (WAL). IMMEDIATE: a transaction takes the write
    # lock when it begins, where the busy timeout waits for it; a deferred one that read first and
    # then wrote failed at once when another writer had committed meanwhile (the timeout is no help).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (member exports, report files) runs on a queue kept in this same database, worked by
# `manage.py db_worker` (opsi/jobs.py). TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# makes each file inside the request instead (the tests do; never a server's choice).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A made file can be fetched for this long, then it is deleted.
JOB_FILE_MINUTES = env.int("JOB_FILE_MINUTES", default=60)
# A worker says it is alive this often while it makes a file; silent this long, it is taken for
# dead and its job goes back on the queue, at most JOB_ATTEMPTS times in all.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5)
JOB_STALE_SECONDS = env.float("JOB_STALE_SECONDS", default=30)
JOB_ATTEMPTS = env.int("JOB_ATTEMPTS", default=3)

# The cache holds the service catalogue, the drop-in centres and rendered parts of pages,
# never member data (SECURITY.md). By default each process keeps its own, in memory; a
# shared cache (CACHE_URL, e.g. memcached) would let every process forget a change at once.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # a memcached client refuses this option
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)
if CACHES["default"]["BACKEND"].endswith(".PyMemcacheCache"):
    # The same, with its connection kept between requests (Django opens and closes one per request).
    CACHES["default"]["BACKEND"] = "opsi.memcached.KeptConnectionCache"
# Parts of the page layout ({% cache %}: the head, the menu for a role and language) come from
# the code alone, so each process keeps its own: no round trip to a shared cache for them, and
# none left over from the previous release (old static file names) after a deploy.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

AUTH_USER_MODEL = "opsi.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "opsi.backends.AccountBackend",  # ModelBackend, with the user's branches in the same query
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
OTP_TOTP_ISSUER = SITE_TITLE
# The admin's device pages never show a key, a QR code or backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (opsi/lockout.py, SECURITY.md): failures (wrong passwords and wrong two-step
# codes) lock an address after 5 on any usernames, and a username from one address after 5, for
# 30 minutes, twice as long at each new lockout within a day, at most 24 hours; tries while locked
# are not counted. A username is also refused to browsers it never logged in from after 20
# failures from all addresses within 24 hours; the owner's own browsers are never refused
# for it. Two-step codes are guarded by the same counters, not by the device:
# its own throttle (per device, so anyone with the password could freeze the owner's app) is off.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_USERNAME_WINDOW = datetime.timedelta(hours=env.float("AXES_USERNAME_WINDOW_HOURS", default=24))
AXES_COOLOFF_FIRST = datetime.timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=0.5))
AXES_COOLOFF_MAX = datetime.timedelta(hours=env.float("AXES_COOLOFF_MAX_HOURS", default=24))
AXES_COOLOFF_TIME = "opsi.lockout.wait_left"
AXES_HANDLER = "opsi.lockout.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [["ip_address"], ["username", "ip_address"], ["username"]]  # as opsi.lockout reads them
AXES_USERNAME_CALLABLE = "opsi.lockout.username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the rows the counters read
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False  # a completed login forgets the user's own failures only (opsi.lockout)
AXES_LOCKOUT_CALLABLE = "opsi.lockout.lockout_page"
# The client's address, for the lockout and the audit trail alike (opsi.audit.client_address):
# REMOTE_ADDR when nothing is in front of the app; behind N proxies of ours (nginx: 1), the
# address the outermost of them appended to X-Forwarded-For. What a client writes itself
# into that header is never believed.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
AXES_CLIENT_IP_CALLABLE = "opsi.audit.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# Sessions: logged out after 30 idle minutes, and a login lasts 8 hours at most
# (opsi.middleware.SessionLimitsMiddleware, which saves the last activity at most
# once a minute rather than writing the session on every request).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
# The cookie ends with the browser; the server ends the session after 8 hours whatever
# the browser does (the middleware above, and the session row expires then too).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
# With a cache shared by every process (CACHE_URL: memcached or redis) a page reads the session
# from it, the database behind it (cached_db). A cache of each process's own (the default) would
# keep alive, in one process, a session that another ended (logout, idle timeout, an administrator
# ending it): there every session is read from the database.
_SHARED_CACHE = CACHES["default"]["BACKEND"].endswith(
    ("PyMemcacheCache", "KeptConnectionCache", "PyLibMCCache", "RedisCache")
)
# opsi.sessions is cached_db reading, in the same round trip, the user's row kept for the session.
SESSION_ENGINE = "opsi.sessions" if _SHARED_CACHE else "django.contrib.sessions.backends.db"
# Where sessions are in the shared cache, the logged-in user's row and branches are kept there too,
# each change to a user or a branch making the kept copy unusable at once (opsi/login_cache.py).
# Never with each process's own cache (a change would not reach the other processes' copies).
LOGINS_IN_CACHE = _SHARED_CACHE and env.bool("LOGINS_IN_CACHE", default=True)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "opsi.csrf.csrf_failure"  # says what to do, keeps the visit form filled

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
FORMAT_MODULE_PATH = "opsi.formats"  # English short dates with the month named (opsi/formats/en)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Content Security Policy: no inline scripts anywhere, nothing from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The offline service worker (/sw.js) and the web manifest come from the site itself.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A load balancer checks an app server over plain http: the health checks answer there instead of
# sending it to https (opsi/health.py; they read no session and show nothing).
SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Audit trail: who changed what, and from which address.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A database error's text may quote a member's values: logged by kind and code only.
    "filters": {"database_values": {"()": "opsi.log_filters.DatabaseValuesFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["database_values"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Filtered where a 500 is logged too, before Django's own handlers see it.
        "django.request": {"filters": ["database_values"]},
    },
}

# Memory PostgreSQL may use for each sort or hash while a report is counted (a session setting,
# for the report's queries only): counting a year's distinct people and members sorts hundreds of
# thousands of rows, which spill to disk at the server's default of 4 MB.
REPORT_WORK_MEM = env.str("REPORT_WORK_MEM", default="64MB")

# The key of the reports' random rounding (reports/rounding.py); empty: derived from SECRET_KEY.
# Keep it as long as reports are published: a new key rounds every small count afresh, and two
# roundings of the same count narrow it down.
REPORT_ROUNDING_KEY = env.str("REPORT_ROUNDING_KEY", default="")

# Exports: every CSV and Excel file is written by opsi/exports.py, which keeps text starting
# with = + - @, a tab or a carriage return as text. The library's own escaping below only drops
# a leading "=" and only reaches its default formats, which the admin no longer offers.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Member import (members/importing.py): a file is refused before it is parsed when it
# weighs more than MEMBER_IMPORT_MAX_BYTES, when an Excel file would unpack to more than
# MEMBER_IMPORT_MAX_UNZIPPED_BYTES, or while reading, at MEMBER_IMPORT_MAX_ROWS rows.
# The upload stays in memory up to that size and never goes to disk (it may hold
# identities); other uploads go to a temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE.
MEMBER_IMPORT_MAX_BYTES = env.int("MEMBER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
MEMBER_IMPORT_MAX_UNZIPPED_BYTES = env.int("MEMBER_IMPORT_MAX_UNZIPPED_BYTES", default=10 * 1024 * 1024)
MEMBER_IMPORT_MAX_ROWS = env.int("MEMBER_IMPORT_MAX_ROWS", default=5000)
MEMBER_IMPORT_CHECK_SECONDS = 3600  # checked rows wait this long (encrypted) for the confirmation
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Duplicate lookups that reach into other branches (a code at registration, a NIK in the
# vault, an import check) are audited and limited per user and hour, counted in the audit
# trail so the limit holds across processes.
LOOKUPS_PER_HOUR = env.int("LOOKUPS_PER_HOUR", default=60)
IMPORT_CHECKS_PER_HOUR = env.int("IMPORT_CHECKS_PER_HOUR", default=10)

# Retention (manage.py apply_retention, to run daily from cron): members who
# left this many years ago are forgotten; read and export entries of the audit
# trail are kept this many days.
RETENTION_LEFT_MEMBER_YEARS = env.int("RETENTION_LEFT_MEMBER_YEARS", default=5)
RETENTION_ACCESS_LOG_DAYS = env.int("RETENTION_ACCESS_LOG_DAYS", default=730)

# Backups (manage.py backup --nightly from a systemd timer; opsi/backups.py): compressed,
# encrypted to the GnuPG public key BACKUP_GPG_RECIPIENT (its private half never on this server)
# through pipes, with a manifest; of the nightly ones every copy of the last BACKUP_KEEP_DAILY
# days and the newest of the last BACKUP_KEEP_MONTHLY months are kept, manual ones always.
# Copy BACKUP_DIR off the machine; FIELD_ENCRYPTION_KEYS never go with it.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_GPG_RECIPIENT = env.str("BACKUP_GPG_RECIPIENT", default="")
# The server's own signing key (private half on the server): manifests are signed with it,
# and a restore with it set refuses a backup it did not sign.
BACKUP_GPG_SIGNER = env.str("BACKUP_GPG_SIGNER", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=12)

# DHIS2 (reports/exchange/sending.py): the server a report's figures may be sent to, e.g.
# https://dhis2.example.org, and a personal access token of an account there that may import
# data values (only that). Empty: figures are downloaded as files only.
DHIS2_URL = env.str("DHIS2_URL", default="")
DHIS2_TOKEN = env.str("DHIS2_TOKEN", default="")
if PRODUCTION and DHIS2_URL and not DHIS2_URL.startswith("https://"):
    raise ImproperlyConfigured("DHIS2_URL must be an https address: the token and the figures travel with it.")
