"""Bad input never gives a server error: forms and imports fuzzed with hypothesis."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.forms import IdentityForm
from members.models import Member
from services.models import Visit


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
def test_member_registration_answers_anything_with_a_page_not_an_error(alias, birth, mother, father, joined, typed, gender):
    from django.test import Client

    from tests.factories import BranchFactory

    branch = BranchFactory(province="31", name="Jakarta")
    user = _user(branch)
    client = Client()
    client.force_login(user)
    before = Member.objects.count()
    response = client.post(reverse("member_create"), {
        "alias": alias, "birth_date": birth, "mother_first_name": mother, "father_first_name": father,
        "joined_on": joined, "consent_on": joined, "typed_uic": typed, "gender": gender, "kind": "regular",
        "work_setting": "street", "consent_version": "1",
    })
    assert response.status_code in (200, 302)
    assert Member.objects.count() in (before, before + 1)


@pytest.mark.django_db
@FUZZ
@given(quantity=text, day=text, code=text)
def test_visit_form_answers_anything_with_a_page_not_an_error(quantity, day, code):
    from django.test import Client

    from members.models import DropInCentre
    from services.models import Commodity, ServiceType
    from tests.factories import BranchFactory

    branch = BranchFactory(province="31", name="Jakarta")
    centre, _ = DropInCentre.objects.get_or_create(branch=branch, name="DIC")
    item, _ = Commodity.objects.get_or_create(name="Kondom")
    service, _ = ServiceType.objects.get_or_create(name="Kondom", defaults={"commodity": item})
    user = _user(branch)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("visit_new") + "?walk_in=1", {
        "walk_in": "1", "walk_in_uic": code, "submission_key": "0b8f3c4e-8d2a-4c1e-9a57-3f1d2e6b7a90",
        "services": [service.pk], f"qty_{service.pk}": quantity, "drop_in_centre": centre.pk, "visited_on": day,
    })
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
