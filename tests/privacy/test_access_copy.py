import datetime
import subprocess

from auditlog.models import LogEntry
from django.urls import reverse

from incidents.models import Incident, Violation
from outreach.models import Training, TrainingAttendance
from services.models import Referral, Visit
from services.paperwork import open_case

from .conftest import make_request


def _records(member, centre, marker, case=True):
    visit = Visit.objects.create(
        drop_in_centre=centre, member=member, uic=member.uic, visited_on=datetime.date(2025, 3, 4)
    )
    Referral.objects.create(
        branch=member.branch,
        member=member,
        uic=member.uic,
        visit=visit,
        made_on=datetime.date(2025, 3, 4),
        facility_kind="puskesmas",
        service=f"Tes HIV {marker}",
    )
    if case:
        open_case(member, "ktp", datetime.date(2025, 3, 5), None)
    training = Training.objects.create(
        title=f"Pelatihan {marker}",
        topic="srhr",
        audience="members",
        branch=member.branch,
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 4, 1),
    )
    TrainingAttendance.objects.create(training=training, member=member, day=training.starts_on)
    incident = Incident.objects.create(
        branch=member.branch,
        member=member,
        occurred_on=datetime.date(2025, 5, 1),
        place_kind="street",
        perpetrator="police",
        account=f"Razia {marker}",
        consent="statistics",
    )
    Violation.objects.create(incident=incident, kind="arrest")


def test_her_copy_shows_her_records_and_nothing_of_another_member(client_of, ayu, mawar, melati, jakarta_dic):
    _records(mawar, jakarta_dic, "MAWARMARK")
    _records(melati, jakarta_dic, "MELATIMARK")
    # Walk-in visits by code alone, before either registered.
    Visit.objects.create(drop_in_centre=jakarta_dic, uic=mawar.uic, visited_on=datetime.date(2023, 12, 24))
    Visit.objects.create(drop_in_centre=jakarta_dic, uic=melati.uic, visited_on=datetime.date(2023, 12, 25))
    client = client_of(ayu)
    client.get(reverse("member_detail", args=[mawar.pk]))  # a read of her record, for the trail
    member_request = make_request(mawar, jakarta_dic)
    page = client.get(reverse("access_copy", args=[member_request.pk])).content.decode()
    assert "Tes HIV MAWARMARK" in page and "Pelatihan MAWARMARK" in page and mawar.uic in page
    assert "KTP" in page  # her paperwork
    assert "24 Des 2023" in page and "25 Des 2023" not in page  # her visit by code, not Melati's
    assert "ayu" in page  # who read her record
    assert "MELATIMARK" not in page and melati.uic not in page and "Melati" not in page
    assert "Razia MAWARMARK" not in page  # incidents only when she asks for them
    with_incidents = client.get(reverse("access_copy", args=[member_request.pk]) + "?with_incidents=on")
    assert "Razia MAWARMARK" in with_incidents.content.decode()
    assert "Razia MELATIMARK" not in with_incidents.content.decode()


def test_making_her_copy_is_in_the_audit_trail(client_of, ayu, mawar, jakarta_dic):
    member_request = make_request(mawar, jakarta_dic)
    client_of(ayu).get(reverse("access_copy", args=[member_request.pk]))
    entry = LogEntry.objects.get_for_object(mawar).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == ayu and entry.additional_data == {
        "what": "access copy page",
        "member_request": member_request.pk,
    }
    member_request.refresh_from_db()
    assert member_request.copy_made_at is not None


def test_her_copy_as_pdf_holds_her_records_in_bahasa_indonesia(client_of, ayu, mawar, melati, jakarta_dic, tmp_path):
    _records(mawar, jakarta_dic, "MAWARMARK")
    _records(melati, jakarta_dic, "MELATIMARK")
    member_request = make_request(mawar, jakarta_dic)
    response = client_of(ayu).get(reverse("access_copy_pdf", args=[member_request.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "copy.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Apa yang disimpan OPSI tentang Anda" in text
    assert "Tes HIV MAWARMARK" in text and mawar.uic in text
    assert "MELATIMARK" not in text
    assert LogEntry.objects.filter(additional_data__what="access copy pdf").count() == 2  # member and request


def test_her_copy_is_in_english_when_she_asked(client_of, ayu, mawar, jakarta_dic):
    member_request = make_request(mawar, jakarta_dic, language="en")
    page = client_of(ayu).get(reverse("access_copy", args=[member_request.pk])).content.decode()
    assert "What OPSI holds about you" in page


def test_only_a_coordinator_of_her_branch_makes_her_copy(client_of, ayu, bunga, dora, sari, mawar, jakarta_dic):
    member_request = make_request(mawar, jakarta_dic)
    url = reverse("access_copy", args=[member_request.pk])
    assert client_of(dora).get(url).status_code == 403  # the officer sees the request, not her records
    assert client_of(bunga).get(url).status_code == 404
    assert client_of(sari).get(url).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what__startswith="access copy")


def test_a_correction_request_has_no_copy(client_of, ayu, mawar, jakarta_dic):
    member_request = make_request(mawar, jakarta_dic, kind="correction")
    assert client_of(ayu).get(reverse("access_copy", args=[member_request.pk])).status_code == 403


def test_her_copy_costs_the_same_with_more_records(client_of, ayu, mawar, jakarta_dic, django_assert_max_num_queries):
    member_request = make_request(mawar, jakarta_dic)
    client = client_of(ayu)
    _records(mawar, jakarta_dic, "ONE")
    client.get(reverse("access_copy", args=[member_request.pk]))
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("access_copy", args=[member_request.pk]) + "?with_incidents=on")
    for n in range(10):
        _records(mawar, jakarta_dic, f"MORE{n}", case=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("access_copy", args=[member_request.pk]) + "?with_incidents=on")
