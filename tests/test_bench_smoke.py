"""The benchmark still runs: a tiny generation and one pass over every measurement."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_ci_scale_and_writes_its_results(tmp_path):
    out = tmp_path / "RESULTS.md"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--scale", "ci", "--repeat", "2", "--no-load", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    text = out.read_text()
    assert "| member search by code |" in text
    assert "| home, coordinator |" in text and "| home, secretariat, figures afresh |" in text
    for page in (
        "referrals",
        "paperwork",
        "outreach sessions",
        "trainings",
        "branches",
        "incidents",
        "reports page",
        "home, crisis response",
        "incidents, crisis response",
    ):  # every page of the menus
        assert f"| {page} |" in text, page
    assert "| every page p95 < 50 ms" in text
    assert "National annual report" in text and "queries" in text
    assert "| visits (+2 services) | 20,000 |" in text
    for case in (
        "the open year, counted live (the year before kept)",
        "a closed year recounted after a late change into it",
        "first report of a day, closed year (nothing kept)",
    ):
        assert f"| national annual indicators, {case}, median < 1 s |" in text, case
    assert "| a closed year read back from its kept figures |" in text
    # How cost grows: this run's figures kept beside the results, and the table built from them.
    assert (tmp_path / "growth-ci-sqlite.json").exists()
    assert "## How cost grows" in text and "| member page with timeline |" in text.split("## How cost grows")[1]


def test_the_load_tests_server_answers_with_production_settings_and_a_shared_cache(tmp_path, monkeypatch):
    """bench/server.py, which the page load test and the offline sync share: gunicorn answers, and
    runs with memcached beside it where memcached is installed, as production should."""
    import shutil
    import urllib.request

    from bench.server import production_server

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'server.sqlite3'}")
    with production_server("bench-" + "k" * 60) as server:
        with urllib.request.urlopen(server.origin + "/healthz", timeout=10) as response:  # nosec B310: loopback
            assert response.status == 200
        assert ("memcached (shared" in server.cache) == bool(shutil.which("memcached"))
