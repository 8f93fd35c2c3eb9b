"""Field capture offline, measured in Chromium against gunicorn: the time to send a queue of
entries kept without signal (200 walk-in visits by default), and the bytes the phone caches.

    DATABASE_URL=sqlite:////tmp/offline.sqlite3 .venv/bin/python bench/offline_sync.py --scale ci

The database is generated at the given scale when empty (bench/generate.py). The queue is
filled in the page through the same sealed store as the capture form (sealed to the server's
key, summaries under the PIN), the
network is cut and restored with Playwright, and the time runs from the signal coming back
until the last entry is saved. Results are appended to bench/RESULTS-offline.md.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PIN = "246810"
FILL = """async ([pin, codes]) => {
  const opened = await window.opsiQueue.unlock(pin);
  const serverKey = document.getElementById("capture").dataset.sealKey;
  const form = document.querySelector("form[data-offline-kind=visit]");
  const base = [];
  new FormData(form).forEach((value, name) => base.push([name, String(value)]));
  for (const code of codes) {
    const fields = base.filter(([name]) => !["walk_in_uic", "submission_key", "services"].includes(name));
    fields.push(["walk_in_uic", code], ["submission_key", crypto.randomUUID()], ["services", form.querySelector("input[name=services]").value]);
    const day = fields.filter(([name]) => name === "visited_on")[0][1];
    await window.opsiQueue.keep(opened, serverKey, {worker: opened.config.user, kind: "visit", fields}, {kind: "visit", day});
  }
}"""
CACHED_BYTES = """async () => {
  let total = 0, files = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) { total += (await (await cache.match(request)).blob()).size; files += 1; }
  }
  return [total, files];
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-offline.md"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.generate import generate
    from bench.server import production_server, session_key
    from members.models import Member
    from opsi.tenant import Branch, DropInCentre
    from opsi.models import User
    from services.models import Visit

    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        print(f"Generating scale {args.scale!r}...")
        generate(args.scale)
    branch = Branch.objects.order_by("pk").first()
    centre = DropInCentre.objects.filter(branch=branch, active=True).first()
    user, _ = User.objects.get_or_create(username="bench.offline", defaults={"role": "coordinator"})
    user.branches.set([branch])
    user.usual_drop_in_centre = centre
    user.save()
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    secret_key = "bench-" + "k" * 60
    key = session_key(user, secret_key, otp_device_id=device.persistent_id)
    codes = [f"BENC2{i % 28 + 1:02d}{i // 28 % 12 + 1:02d}{90 + i // 336:02d}" for i in range(args.entries)]
    before = Visit.objects.count()
    with production_server(secret_key) as server:
        origin = server.origin
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                ],
            )
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": origin}])
            page = context.new_page()
            page.set_default_timeout(600_000)
            page.goto(origin + "/offline/")
            page.evaluate("navigator.serviceWorker.ready.then(() => window.opsiKeepCaptureCopy(true))")
            cached_bytes, cached_files = page.evaluate(CACHED_BYTES)
            page.locator("#pin-new").fill(PIN)
            page.locator("#pin-again").fill(PIN)
            began = time.perf_counter()
            page.locator("[data-pin-set]").click()
            page.wait_for_selector("#unlocked:not([hidden])")
            pin_seconds = time.perf_counter() - began
            context.set_offline(True)
            began = time.perf_counter()
            page.evaluate(FILL, [PIN, codes])
            fill_seconds = time.perf_counter() - began
            assert page.evaluate("window.opsiQueue.count()") == args.entries
            stored = page.evaluate("""() => new Promise((ok) => { const r = indexedDB.open("opsi-offline");
              r.onsuccess = () => { const g = r.result.transaction("sealed").objectStore("sealed").getAll();
              g.onsuccess = () => ok(g.result.reduce((n, e) => n + JSON.stringify(e.seal).length + e.note.data.length + 12, 0)); }; })""")
            began = time.perf_counter()
            context.set_offline(False)
            page.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'", polling=50)
            sync_seconds = time.perf_counter() - began
            browser.close()
    saved = Visit.objects.count() - before
    assert saved == args.entries, f"{saved} visits saved for {args.entries} entries"
    lines = [
        f"## Field capture offline, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"Scale {args.scale!r} on {connection.vendor} ({Member.objects.count():,} members, {Visit.objects.count():,} visits), "
        f"gunicorn 2 sync workers with production settings (cache: {server.cache}), headless Chromium on the "
        "same 2-core machine.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| send {args.entries} queued visits after the signal returns | {sync_seconds:.1f} s "
        f"({sync_seconds / args.entries * 1000:.0f} ms per entry) |",
        f"| visits saved on the server | {saved} (none twice) |",
        f"| bytes the service worker's cache holds (capture page and its files) | {cached_bytes:,} in {cached_files} files |",
        f"| ciphertext on the phone for {args.entries} entries | {stored:,} bytes |",
        f"| setting the PIN (PBKDF2-SHA-256, 600,000 rounds) | {pin_seconds:.2f} s |",
        f"| sealing and storing {args.entries} entries (ECDH P-256 + AES-GCM, summary under the PIN) | {fill_seconds:.2f} s |",
        "",
    ]
    print("\n".join(lines))
    with open(args.out, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
