"""Named people in two branches, as the tests speak of them.

- ayu: coordinator of Jakarta
- bunga: coordinator of Bali ("should have no access to Jakarta's people")
- putri: outreach worker of Jakarta
- sari: national secretariat, reads every branch, writes none
- dewi: administrator
"""

import os
import threading
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler

from opsi.models import User
from services.models import Commodity, ServiceType

from .factories import BranchFactory, DropInCentreFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a server does after a deploy: the
    database is rolled back between tests, what a cache kept from it must go too."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def files_made_at_once(settings):
    """A file asked for on a page is made within the request (the immediate backend): tests
    where the queue is not the point need no worker. tests/jobs/ starts real workers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def jakarta(db):
    return BranchFactory(province="31", name="Jakarta")


@pytest.fixture
def bali(db):
    return BranchFactory(province="51", name="Bali")


@pytest.fixture
def jakarta_dic(jakarta):
    return DropInCentreFactory(branch=jakarta, name="DIC Jakarta Utara", area="Jakarta Utara")


@pytest.fixture
def mawar(jakarta):
    """A member of Jakarta, where ayu coordinates."""
    from .factories import MemberFactory

    return MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")


@pytest.fixture
def bali_dic(bali):
    return DropInCentreFactory(branch=bali, name="DIC Denpasar", area="Denpasar")


@pytest.fixture
def ayu(jakarta):
    return UserFactory(username="ayu", role=User.Role.COORDINATOR, branches=[jakarta])


@pytest.fixture
def bunga(bali):
    return UserFactory(username="bunga", role=User.Role.COORDINATOR, branches=[bali])


@pytest.fixture
def putri(jakarta):
    return UserFactory(username="putri", role=User.Role.OUTREACH_WORKER, branches=[jakarta])


@pytest.fixture
def sari(db):
    return UserFactory(username="sari", role=User.Role.SECRETARIAT)


@pytest.fixture
def dewi(db):
    return UserFactory(username="dewi", role=User.Role.ADMIN)


@pytest.fixture
def people(ayu, bunga, putri, sari, dewi):
    return {"ayu": ayu, "bunga": bunga, "putri": putri, "sari": sari, "dewi": dewi}


def login_with_second_factor(client, user):
    """Log in; for roles that need two-step login, as if the code had been given."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from opsi import session_binding
    from opsi.two_factor import required_for

    client.force_login(user)
    session = client.session
    # The page key a login through the login page gets (opsi/session_binding.py).
    client.cookies[session_binding.COOKIE] = session_binding.bind(session)
    if required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_of(client):
    """A test client logged in as the given user (with the second factor where required)."""

    def login(user):
        return login_with_second_factor(client, user)

    return login


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("OPSI_BROWSER_TESTS") == "0":
        pytest.skip("browser tests switched off (OPSI_BROWSER_TESTS=0)")
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
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
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page on a 360 x 740 phone screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = watch_requests(context.new_page())
    page.set_default_timeout(10_000)
    yield page
    settle_and_close(page)


def watch_requests(page):
    """Count the page's requests still waiting for an answer (see ``settle_and_close``)."""
    waiting = set()
    page.context.on("request", lambda request: waiting.add(request))
    for event in ("requestfinished", "requestfailed"):
        page.context.on(event, lambda request: waiting.discard(request))
    page.waiting_requests = waiting
    return page


def settle_and_close(page, within_ms=5_000):
    """Close the phone once its own background requests (the service worker, the renewal of
    the capture page's copy) are answered: one still running on the test server while the
    database is emptied for the next test deadlocks with the emptying. Requests the page does
    not report (a service worker's) are waited for on the server's side, once it is closed."""
    waited = 0
    while getattr(page, "waiting_requests", None) and waited < within_ms:
        page.wait_for_timeout(100)
        waited += 100
    page.context.close()
    _wait_for_the_live_server_to_finish(within_ms / 1000)


# Requests the live server is answering (its threads run Django's WSGIHandler; the test client
# does not): the teardown waits for them, so the database is never emptied under one.
_answering = [0]
_answering_lock = threading.Lock()
_wsgi_call = WSGIHandler.__call__


def _counted_call(self, environ, start_response):
    with _answering_lock:
        _answering[0] += 1
    try:
        return _wsgi_call(self, environ, start_response)
    finally:
        with _answering_lock:
            _answering[0] -= 1


WSGIHandler.__call__ = _counted_call


def _wait_for_the_live_server_to_finish(within_seconds):
    deadline = time.monotonic() + within_seconds
    while _answering[0] and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def phone_of(phone, live_server):
    """``phone_of(user)``: the phone with ``user`` logged in (the second factor too where the
    role needs it), ready to open any page."""
    from tests.browser.pages import log_in

    def logged_in(user):
        log_in(phone, live_server, user)
        return phone

    return logged_in


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db["HOST"] + ":" + str(db["PORT"]) if db.get("HOST") else db["NAME"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where})"


@pytest.fixture
def catalogue(db):
    """The catalogue the data migration installs (re-created after transactional tests flush it)."""
    condoms, _ = Commodity.objects.get_or_create(
        name="Kondom", defaults={"name_en": "Condoms", "low_stock_threshold": 100}
    )
    lube, _ = Commodity.objects.get_or_create(
        name="Pelicin", defaults={"name_en": "Lubricant", "low_stock_threshold": 50}
    )

    def service(name, commodity=None, prevention=False, order=0):
        obj, _ = ServiceType.objects.get_or_create(
            name=name, defaults={"commodity": commodity, "counts_for_prevention": prevention, "order": order}
        )
        return obj

    return {
        "counselling": service("Konseling", prevention=True, order=0),
        "hiv_test": service("Rujukan tes HIV", prevention=True, order=1),
        "condoms": service("Kondom", condoms, prevention=True, order=3),
        "lube": service("Pelicin", lube, prevention=True, order=4),
        "rest": service("Istirahat", order=9),
        "condom_item": condoms,
        "lube_item": lube,
    }


@pytest.fixture
def stocked(jakarta_dic, catalogue):
    """Jakarta's centre holds 1,000 condoms and 1,000 sachets of lubricant (handing out more is refused)."""
    import datetime

    from services.stock import receive

    for item in (catalogue["condom_item"], catalogue["lube_item"]):
        receive(jakarta_dic, item, 1000, datetime.date(2024, 1, 1), None)
