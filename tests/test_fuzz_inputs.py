"""Bad input never gives a server error: forms and imports fuzzed with hypothesis."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.forms import IdentityForm
from members.models import Member
from services.models import Visit
from tests.test_url_policy import POLICY, POST_ONLY


def _user(branch):
    """Examples share one database transaction: make the user once."""
    from opsi.models import User
    from tests.factories import UserFactory

    return User.objects.filter(username="fuzz").first() or UserFactory(
        username="fuzz", role="coordinator", branches=[branch]
    )


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
text = st.text(max_size=40)


@FUZZ
@given(nik=text, phone=text, name=text)
def test_identity_form_never_crashes_on_any_text(nik, phone, name):
    form = IdentityForm({"nik": nik, "phone": phone, "legal_name": name}, member=None)
    valid = form.is_valid()
    if valid and form.cleaned_data["nik"]:
        assert len(form.cleaned_data["nik"]) == 16


@pytest.mark.django_db
@FUZZ
@given(alias=text, birth=text, mother=text, father=text, joined=text, typed=text, gender=text)
def test_member_registration_answers_anything_with_a_page_not_an_error(
    alias, birth, mother, father, joined, typed, gender
):
    from django.test import Client

    from tests.factories import BranchFactory

    branch = BranchFactory(province="31", name="Jakarta")
    user = _user(branch)
    client = Client()
    client.force_login(user)
    before = Member.objects.count()
    response = client.post(
        reverse("member_create"),
        {
            "alias": alias,
            "birth_date": birth,
            "mother_first_name": mother,
            "father_first_name": father,
            "joined_on": joined,
            "consent_on": joined,
            "typed_uic": typed,
            "gender": gender,
            "kind": "regular",
            "work_setting": "street",
            "consent_version": "1",
        },
    )
    assert response.status_code in (200, 302)
    assert Member.objects.count() in (before, before + 1)


@pytest.mark.django_db
@FUZZ
@given(quantity=text, day=text, code=text)
def test_visit_form_answers_anything_with_a_page_not_an_error(quantity, day, code):
    from django.test import Client

    from opsi.tenant import DropInCentre
    from services.models import Commodity, ServiceType
    from tests.factories import BranchFactory

    branch = BranchFactory(province="31", name="Jakarta")
    centre, _ = DropInCentre.objects.get_or_create(branch=branch, name="DIC")
    item, _ = Commodity.objects.get_or_create(name="Kondom")
    service, _ = ServiceType.objects.get_or_create(name="Kondom", defaults={"commodity": item})
    user = _user(branch)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("visit_new") + "?walk_in=1",
        {
            "walk_in": "1",
            "walk_in_uic": code,
            "submission_key": "0b8f3c4e-8d2a-4c1e-9a57-3f1d2e6b7a90",
            "services": [service.pk],
            f"qty_{service.pk}": quantity,
            "drop_in_centre": centre.pk,
            "visited_on": day,
        },
    )
    assert response.status_code in (200, 302)
    assert Visit.objects.count() <= 1


@pytest.mark.django_db
@FUZZ
@given(content=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]))
def test_import_answers_any_upload_with_a_page_and_writes_nothing(content, name):
    from django.test import Client

    from tests.factories import BranchFactory

    branch = BranchFactory(province="31", name="Jakarta")
    user = _user(branch)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("member_import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert Member.objects.count() == 0


# --- Every page's GET parameters, fed odd values by a logged-in coordinator -------------------

ODD_VALUES = [
    "abc",
    "3\x00",
    "-1",
    "99999999999999999999",
    "x" * 3000,
    "0001-01-01",
    "9999-12-31",
    "１２",
    "%",
    "' OR 1=1 --",
]


@pytest.fixture
def own_objects(jakarta, jakarta_dic, ayu):
    import datetime

    from incidents.models import Incident
    from opsi import jobs
    from outreach.models import OutreachSession, Training
    from partners.models import DataSharingAgreement, Partner, PartnerLocation, PartnerService
    from privacy.models import Breach, MemberRequest
    from services.models import Referral
    from services.paperwork import open_case
    from tests.factories import MemberFactory

    member = MemberFactory(branch=jakarta, alias="Kamboja", uic="KAMB2010190")
    partner = Partner.objects.create(name="Karisma", branch=jakarta)
    place = PartnerLocation.objects.create(partner=partner, branch=jakarta, name="Klinik", area="Jakarta Timur")
    partner_service = PartnerService.objects.create(
        partner=partner, kind="methadone", name="PTRM", last_checked_on="2026-11-01"
    )
    partner_service.locations.add(place)
    breach = Breach.objects.create(what="x", how="y")
    breach.branches.set([jakarta])
    visit = Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on="2025-05-01")
    return {
        "branch": jakarta,
        "centre": jakarta_dic,
        "member": member,
        "visit": visit,
        "incident": Incident.objects.create(
            branch=jakarta,
            occurred_on="2025-05-01",
            place_kind="street",
            perpetrator="police",
            account="x",
            consent="statistics",
        ),
        "referral": Referral.objects.create(
            branch=jakarta,
            member=member,
            uic=member.uic,
            visit=visit,
            made_on="2025-01-01",
            facility_kind="puskesmas",
            service="HIV",
        ),
        "case": open_case(member, "ktp", datetime.date(2025, 1, 1), ayu),
        "session": OutreachSession.objects.create(branch=jakarta, held_on="2025-05-01", place_kind="hotspot"),
        "training": Training.objects.create(
            title="T", topic="srhr", audience="members", branch=jakarta, starts_on="2025-05-01", ends_on="2025-05-01"
        ),
        "partner": partner,
        "partner_location": place,
        "partner_service": partner_service,
        "agreement": DataSharingAgreement.objects.create(
            partner=partner,
            purpose="x",
            definition="btg",
            sections=["access"],
            scopes=["national"],
            period_start="2025-01-01",
            period_end="2025-12-31",
            expires_on="2030-01-01",
            signed_by="x",
            signed_on="2025-01-01",
            contact_name="x",
            token_hash="2" * 64,
        ),
        "request": MemberRequest.objects.create(
            branch=jakarta, drop_in_centre=jakarta_dic, member=member, kind="access", checked_how="known"
        ),
        "breach": breach,
        "job": jobs.request_job(ayu, "member_export", {"format": "csv", "query": ""})[0],
    }


def _parameters_read(client, url, monkeypatch):
    """The GET parameters a page reads (its forms bound to a non-empty query included)."""
    from django.http import QueryDict
    from django.utils.datastructures import MultiValueDict

    read = set()
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, method)

        def spy(self, key, *args, _original=original, **kwargs):
            if isinstance(self, QueryDict):  # not the URL resolver's own dictionaries
                read.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, method, spy)
    client.get(url + ("&" if "?" in url else "?") + "_=1")
    monkeypatch.undo()
    return {key for key in read if isinstance(key, str) and not key.startswith(("_", "csrf"))} | {"page"}


def _get_pages():
    return sorted(
        name
        for name, (login, _kind, _extra) in POLICY.items()
        if login and name not in POST_ONLY and name not in {"logout", "quick_exit"}
    )


@pytest.mark.parametrize("name", _get_pages())
def test_odd_values_in_any_get_parameter_give_a_page_not_a_server_error(client_of, ayu, own_objects, monkeypatch, name):
    from urllib.parse import parse_qsl, urlencode

    _login, kind, extra = POLICY[name]
    path = reverse(name, args=[own_objects[kind].pk] if kind else extra.get("args", []))
    base = dict(parse_qsl(extra.get("query", "")))
    client = client_of(ayu)
    parameters = _parameters_read(client, path + ("?" + urlencode(base) if base else ""), monkeypatch)
    for parameter in sorted(parameters):
        for value in ODD_VALUES:
            response = client.get(path, {**base, parameter: value})
            assert response.status_code < 500, (parameter, value)


# Files made on the queue are named by a random UUID, not a record number (tests/jobs).
@pytest.mark.parametrize(
    "name", sorted(name for name, (_login, kind, _extra) in POLICY.items() if kind and kind != "job")
)
def test_a_record_number_beyond_any_column_is_not_found(client_of, ayu, own_objects, name):
    url = reverse(name, args=[1]).replace("/1/", "/99999999999999999999/")
    # Agreements are the secretariat's: a coordinator is refused before any record is looked up.
    refused = (403,) if name == "agreement_detail" else ()
    assert client_of(ayu).get(url).status_code in (404, 405, *refused)


@pytest.mark.parametrize("name", ["job_progress", "job_file"])
def test_a_file_name_nobody_was_given_is_not_found(client_of, ayu, own_objects, name):
    import uuid

    assert client_of(ayu).get(reverse(name, args=[uuid.uuid4()])).status_code == 404


# --- The login and the two-step forms: any username, any field, never a server error ----------

ODD_USERNAMES = {
    "150": "a" * 150,
    "151": "a" * 151,
    "255": "a" * 255,
    "256": "a" * 256,
    "1000": "a" * 1000,
    "100000": "a" * 100_000,
    "nul": "ay\x00u",
    "only-nul": "\x00",
    "multibyte-256": "é" * 256,
}


@pytest.mark.parametrize("kind", sorted(ODD_USERNAMES))
def test_any_username_gets_a_page_and_counts_toward_the_lockout(db, kind):
    from axes.models import AccessFailureLog
    from django.test import Client

    client = Client()
    for attempt in range(5):
        response = client.post(
            reverse("login"),
            {"username": ODD_USERNAMES[kind], "password": "wrong-password-1"},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == (429 if attempt == 4 else 200), kind
        assert AccessFailureLog.objects.count() == attempt + 1
    assert all(
        len(name) <= 150 and "\x00" not in name for name in AccessFailureLog.objects.values_list("username", flat=True)
    )


@pytest.mark.parametrize(
    "body",
    [
        b"username=%ED%A0%80sari&password=wrong-password-1",  # a lone surrogate, as UTF-8 bytes
        b"username=%FF%FE&password=%ED%BF%BF",
        b"username=sari&password=%00",
        b"username=" + b"%F0%9F%98%80" * 300 + b"&password=x",
        b"username[]=sari&password=x",
    ],
)
def test_undecodable_or_odd_login_fields_get_a_page(db, body):
    from django.test import Client

    response = Client().post(reverse("login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 429)


LOGIN_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.django_db
@LOGIN_FUZZ
@given(username=st.text(max_size=300), password=st.text(max_size=80), address=st.integers(1, 254))
def test_login_form_answers_anything_with_a_page_not_an_error(username, password, address):
    from django.test import Client

    response = Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=f"198.18.0.{address}"
    )
    assert response.status_code in (200, 429)


@pytest.mark.django_db
@LOGIN_FUZZ
@given(token=st.one_of(st.text(max_size=40), st.sampled_from(["\x00", "1" * 10_000, "１２３４５６", "-1"])))
def test_two_step_form_answers_anything_with_a_page_not_an_error(token):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from opsi.models import User
    from tests.factories import UserFactory

    user = User.objects.filter(username="fuzz-admin").first() or UserFactory(username="fuzz-admin", role="admin")
    TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)  # the password given, the code not yet
    response = client.post(reverse("two_factor_verify"), {"token": token}, REMOTE_ADDR="198.18.1.1")
    assert response.status_code in (200, 302, 429)
