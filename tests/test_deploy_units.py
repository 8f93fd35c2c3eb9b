"""The systemd units of deploy/ are sound: `systemd-analyze verify` finds nothing to say of them,
and every command they start exists.

systemd does not run in the test container, so the check is systemd-analyze's offline one
(`--man=no --generators=no`, the unit files given by path): each file is parsed as systemd
would load it (unknown sections or keys, bad values, timers without their service) and each
Exec line's program must be an executable file. The units are checked as scripts/install.sh
installs them: /srv/opsi pointed at a directory whose current release has a venv python.
What it cannot check here: that the services start (the upgrade test starts gunicorn with the
unit's own command line), the sandboxing options at run time, and the User= account.
"""

import shlex
import shutil
import subprocess  # nosec B404: systemd-analyze on our own unit files
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy").glob("*.service")) + sorted((ROOT / "deploy").glob("*.timer"))

pytestmark = pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not installed")


def exec_lines(text):
    return [
        line.split("=", 1)[1].lstrip("+-@:!")
        for line in text.splitlines()
        if line.startswith(("ExecStart=", "ExecStartPost=", "ExecReload="))
    ]


def installed(tmp_path):
    """The units as install.sh writes them, under tmp_path instead of /srv/opsi."""
    home = tmp_path / "srv"
    (home / "current" / ".venv" / "bin").mkdir(parents=True)
    (home / "current" / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "units").mkdir()
    for unit in UNITS:
        text = unit.read_text().replace("/srv/opsi", str(home))
        (tmp_path / "units" / unit.name).write_text(text)
    return sorted((tmp_path / "units").iterdir())


def test_systemd_analyze_verify_finds_nothing(tmp_path):
    units = installed(tmp_path)
    assert {u.name for u in units} >= {
        "opsi-web.service",
        "opsi-worker.service",
        "opsi-backup.service",
        "opsi-backup.timer",
        "opsi-retention.service",
        "opsi-retention.timer",
        "opsi-keep-reports.service",
        "opsi-keep-reports.timer",
    }
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--generators=no", *map(str, units)],
        capture_output=True,
        text=True,
        cwd=tmp_path / "units",
    )
    assert checked.returncode == 0 and not checked.stdout.strip() and not checked.stderr.strip(), (
        checked.stdout + checked.stderr
    )


def test_a_mistake_in_a_unit_is_found(tmp_path):
    """The check can fail: a misspelt key and a missing program are reported."""
    units = installed(tmp_path)
    web = next(u for u in units if u.name == "opsi-web.service")
    web.write_text(web.read_text().replace("Restart=always", "Restrat=always").replace("/.venv/bin/", "/venv/bin/"))
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--generators=no", str(web)], capture_output=True, text=True
    )
    said = checked.stdout + checked.stderr
    assert "Restrat" in said and "is not executable" in said


def test_every_command_the_units_start_exists():
    commands = get_commands()
    for unit in UNITS:
        for line in exec_lines(unit.read_text()):
            words = shlex.split(line)
            if "manage.py" in words[1]:
                assert words[2] in commands, f"{unit.name}: manage.py {words[2]} does not exist"
            elif words[1:3] == ["-m", "gunicorn"]:
                assert words[3] == "opsi.wsgi" and words[words.index("--chdir") + 1] == "/srv/opsi/current"
    web = (ROOT / "deploy" / "opsi-web.service").read_text()
    # The reload is gunicorn's graceful one, and the venv is found through `current` at each reload.
    assert "ExecReload=/bin/kill -HUP $MAINPID" in web
    assert "ExecStart=/srv/opsi/current/.venv/bin/python -m gunicorn" in web
