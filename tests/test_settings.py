import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3Yq8vX2mN7pL0sR4tU6wZ9bC1dF5gH8jK2lM4nP6qR8sT0uV2wX4yZ6aB8cD0eF"


def _run(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "ALLOWED_HOSTS": "opsi.example.org",
    "DATABASE_URL": "postgres://opsi@127.0.0.1:5432/opsi",
    "FIELD_ENCRYPTION_KEYS": "q0uCz6Ykq3yZ0bqkqQ2n0mJpX1mJ0kqTqRk1s2v3w4E=",
    "FIELD_HASH_KEY": "Yq3R8m1Wn6Tz2Vb5Xc9Kd4Lf7Hg0Js3Pa6Ue8Io1Qr4=",
    "OFFLINE_SEAL_KEY": "Vb5Xc9Kd4Lf7Hg0Js3Pa6Ue8Io1Qr4Yq3R8m1Wn6Tz2",
}


def assert_refused(message, without=(), **changes):
    """``manage.py check`` with the production settings, changed so, fails and says ``message``."""
    env = {k: v for k, v in {**PRODUCTION, "SECRET_KEY": GOOD_KEY, **changes}.items() if k not in without}
    result = _run("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    assert_refused("SECRET_KEY must be set", without=["SECRET_KEY"])


def test_production_refuses_to_start_without_a_hash_key_for_nik_lookups():
    assert_refused("FIELD_HASH_KEY must be set", without=["FIELD_HASH_KEY"])


def test_production_refuses_to_start_without_a_key_for_entries_sealed_on_phones():
    assert_refused("OFFLINE_SEAL_KEY must be set", without=["OFFLINE_SEAL_KEY"])
    assert_refused("OFFLINE_SEAL_KEY must be set", OFFLINE_SEAL_KEY="short")


def test_production_refuses_a_short_or_development_secret_key():
    assert_refused("SECRET_KEY must be set", SECRET_KEY="too-short")


def test_production_refuses_to_start_without_allowed_hosts():
    assert_refused("ALLOWED_HOSTS must be set", ALLOWED_HOSTS="")


def test_production_refuses_to_start_without_a_database_url():
    assert_refused("DATABASE_URL", without=["DATABASE_URL"])


def test_deploy_check_is_clean_in_production():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "SECRET_KEY": GOOD_KEY})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2(ayu):
    assert ayu.password.startswith("argon2")


def test_seed_demo_refuses_to_run_in_production():
    result = _run("seed_demo", env={**PRODUCTION, "SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


def test_production_refuses_debug_on_whatever_the_keys():
    assert_refused("DEBUG", without=["SECRET_KEY"], DEBUG="1")
    assert_refused("DEBUG", DEBUG="1")


def test_production_refuses_a_field_encryption_key_that_is_not_a_fernet_key():
    assert_refused("FIELD_ENCRYPTION_KEYS", FIELD_ENCRYPTION_KEYS="abc")


def test_production_refuses_a_database_other_than_postgresql():
    assert_refused("PostgreSQL", DATABASE_URL="sqlite:////tmp/opsi.sqlite3")


def test_a_benchmark_runs_production_settings_on_sqlite_with_every_other_guard():
    env = {**PRODUCTION, "DJANGO_ENV": "benchmark", "DEBUG": "false", "DATABASE_URL": "sqlite:////tmp/opsi.sqlite3"}
    assert "SECRET_KEY must be set" in _run("check", env=env).stderr
    assert _run("check", env={**env, "SECRET_KEY": GOOD_KEY}).returncode == 0


def test_the_page_layout_is_kept_by_each_process_even_with_a_shared_cache():
    """The menu and the head come from the code: a shared cache would hand a new release the
    previous release's static file names for up to an hour."""
    result = _run(
        "shell",
        "-c",
        "from django.core.cache import caches; print(type(caches['default']).__name__, "
        "type(caches['template_fragments']).__name__)",
        env={"CACHE_URL": "pymemcache://127.0.0.1:11211"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["KeptConnectionCache", "LocMemCache"]
