"""Forms of the drop-in centre pages save what the user meant: no step backwards by
default, no quantity dropped, no stock handed out that the centre does not hold."""

import datetime
import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from services.models import PaperworkCase, StockMovement, Visit
from services.paperwork import advance, open_case
from services.stock import receive

D = datetime.date


def selected_option(html, name):
    """The option a browser shows chosen: the one marked selected, else the first."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return (
        re.findall(r'<option value="([^"]*)"[^>]*selected', select)
        or re.findall(r'<option value="([^"]*)"', select)[:1]
    )


@pytest.mark.parametrize(
    "at, expected", [("identified", "gathered"), ("gathered", "submitted"), ("submitted", "issued")]
)
def test_next_step_defaults_to_the_step_after_the_current_one(client_of, ayu, mawar, at, expected):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    if at != "identified":
        advance(case, at, D(2025, 1, 6), ayu, today=D(2025, 6, 1))
    response = client_of(ayu).get(reverse("case_detail", args=[case.pk]))
    assert selected_option(response.content.decode(), "step") == [expected]


def test_saving_the_step_form_as_offered_never_moves_a_case_back(client_of, ayu, mawar):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    advance(case, "submitted", D(2025, 1, 6), ayu, today=D(2025, 6, 1))
    PaperworkCase.objects.filter(pk=case.pk).update(step_on=D(2025, 1, 6))
    client = client_of(ayu)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    client.post(
        reverse("case_detail", args=[case.pk]),
        {"step": selected_option(html, "step")[0], "on": "2025-02-01", "note": "diambil"},
    )
    case.refresh_from_db()
    assert case.step == "issued"


def test_going_back_needs_a_note_said_on_the_note_field(client_of, ayu, mawar):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    advance(case, "submitted", D(2025, 1, 6), ayu, today=D(2025, 6, 1))
    client = client_of(ayu)
    response = client.post(reverse("case_detail", args=[case.pk]), {"step": "gathered", "on": "2025-01-07"})
    assert response.context["form"].errors["note"]
    assert PaperworkCase.objects.get().step == "submitted"
    client.post(
        reverse("case_detail", args=[case.pk]),
        {"step": "gathered", "on": "2025-01-07", "note": "Dukcapil minta surat domisili"},
    )
    assert PaperworkCase.objects.get().step == "gathered"


def test_the_current_step_is_not_offered_again(client_of, ayu, mawar):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    advance(case, "submitted", D(2025, 1, 6), ayu, today=D(2025, 6, 1))
    html = client_of(ayu).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert 'value="submitted"' not in html and 'value="gathered"' in html


def visit_data(catalogue, centre, member, **extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "member": member.pk,
        "drop_in_centre": centre.pk,
        "visited_on": "2025-05-01",
        "services": [catalogue["counselling"].pk],
    }
    data.update(extra)
    return data


def balance(centre, item):
    return StockMovement.objects.filter(drop_in_centre=centre).balances().get((centre.pk, item.pk), 0)


def test_a_quantity_typed_without_its_tick_is_saved_with_its_service(client_of, ayu, mawar, jakarta_dic, catalogue):
    receive(jakarta_dic, catalogue["lube_item"], 100, D(2025, 1, 1), ayu)
    client_of(ayu).post(
        reverse("visit_new"), visit_data(catalogue, jakarta_dic, mawar, **{f"qty_{catalogue['lube'].pk}": "5"})
    )
    visit = Visit.objects.get()
    assert {(line.service_type.name, line.quantity) for line in visit.service_lines.all()} == {
        ("Konseling", 1),
        ("Pelicin", 5),
    }
    assert balance(jakarta_dic, catalogue["lube_item"]) == 95


def test_a_visit_handing_out_more_than_the_centre_holds_is_refused_with_the_balance(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    receive(jakarta_dic, catalogue["condom_item"], 4705, D(2025, 1, 1), ayu)
    response = client_of(ayu).post(
        reverse("visit_new"),
        visit_data(
            catalogue,
            jakarta_dic,
            mawar,
            services=[catalogue["condoms"].pk],
            **{f"qty_{catalogue['condoms'].pk}": "9999"},
        ),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[f"qty_{catalogue['condoms'].pk}"])
    assert "4705" in errors
    assert Visit.objects.count() == 0 and balance(jakarta_dic, catalogue["condom_item"]) == 4705


def test_handing_out_exactly_the_balance_is_allowed_and_reads_out_of_stock(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    receive(jakarta_dic, catalogue["condom_item"], 12, D(2025, 1, 1), ayu)
    client = client_of(ayu)
    client.post(
        reverse("visit_new"),
        visit_data(
            catalogue,
            jakarta_dic,
            mawar,
            services=[catalogue["condoms"].pk],
            **{f"qty_{catalogue['condoms'].pk}": "12"},
        ),
    )
    assert Visit.objects.count() == 1 and balance(jakarta_dic, catalogue["condom_item"]) == 0
    page = client.get(reverse("centre_stock", args=[jakarta_dic.pk])).content.decode()
    row = re.search(r"<tr><td>Kondom</td>.*?</tr>", page, re.S).group(0)
    assert "habis" in row and "menipis" not in row


@pytest.mark.django_db(transaction=True)
def test_two_visits_at_once_cannot_both_take_the_last_items(jakarta, jakarta_dic, ayu, catalogue):
    from django.core.exceptions import ValidationError
    from django.db import OperationalError

    from services.visits import log_visit
    from tests.factories import MemberFactory

    receive(jakarta_dic, catalogue["condom_item"], 10, D(2025, 1, 1), ayu)
    members = [MemberFactory(branch=jakarta), MemberFactory(branch=jakarta)]
    start = threading.Barrier(2)
    outcomes = []

    def visit(member):
        try:
            start.wait()
            log_visit(
                centre=jakarta_dic,
                member=member,
                uic="",
                on=D(2025, 5, 1),
                services={catalogue["condoms"]: 8},
                by=ayu,
                submission_key=uuid.uuid4(),
            )
            outcomes.append("saved")
        except (ValidationError, OperationalError) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("saved") == 1
    assert balance(jakarta_dic, catalogue["condom_item"]) == 2


def test_a_referral_outcome_is_chosen_never_preselected(client_of, ayu, jakarta, mawar):
    from services.models import Referral

    referral = Referral.objects.create(
        branch=jakarta, member=mawar, uic=mawar.uic, made_on=D(2025, 5, 1), facility_kind="puskesmas", service="Tes HIV"
    )
    client = client_of(ayu)
    html = client.get(reverse("referral_outcome", args=[referral.pk])).content.decode()
    assert selected_option(html, "outcome") == [""]
    response = client.post(reverse("referral_outcome", args=[referral.pk]), {"outcome": "", "on": "2025-05-20"})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.outcome == "pending"


def test_a_quantity_written_with_a_thousands_dot_is_refused_not_read_as_one(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    receive(jakarta_dic, catalogue["condom_item"], 5000, D(2025, 1, 1), ayu)
    response = client_of(ayu).post(
        reverse("visit_new"),
        visit_data(
            catalogue,
            jakarta_dic,
            mawar,
            services=[catalogue["condoms"].pk],
            **{f"qty_{catalogue['condoms'].pk}": "1.000"},
        ),
    )
    assert response.status_code == 200 and f"qty_{catalogue['condoms'].pk}" in response.context["form"].errors
    assert Visit.objects.count() == 0


def test_quantities_are_sent_as_typed_never_emptied_by_the_browser(client_of, ayu, mawar, jakarta_dic, catalogue):
    # A number input that the browser cannot parse ("1,000") is sent empty: the quantity would vanish.
    html = client_of(ayu).get(reverse("visit_new"), {"member": mawar.pk}).content.decode()
    field = re.search(rf'<input[^>]*name="qty_{catalogue["condoms"].pk}"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="numeric"' in field


def test_outreach_items_written_with_a_thousands_dot_are_refused(client_of, putri, jakarta, jakarta_dic, catalogue):
    from outreach.models import OutreachSession

    receive(jakarta_dic, catalogue["condom_item"], 5000, D(2025, 1, 1), putri)
    response = client_of(putri).post(
        reverse("session_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "held_on": "2025-05-01",
            "place_kind": "hotspot",
            "area": "Pelabuhan",
            "new_contacts": "0",
            "repeat_contacts": "0",
            "stock_centre": jakarta_dic.pk,
            f"qty_{catalogue['condom_item'].pk}": "1.000",
        },
    )
    assert response.status_code == 200 and f"qty_{catalogue['condom_item'].pk}" in response.context["form"].errors
    assert OutreachSession.objects.count() == 0


def test_stock_received_sent_twice_is_counted_once(client_of, ayu, jakarta_dic, catalogue):
    client = client_of(ayu)
    html = client.get(reverse("centre_stock", args=[jakarta_dic.pk])).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    data = {
        "commodity": catalogue["condom_item"].pk,
        "quantity": "500",
        "on": "2025-01-01",
        "source": "Donor",
        "submission_key": key,
    }
    client.post(reverse("centre_stock", args=[jakarta_dic.pk]), data)
    client.post(reverse("centre_stock", args=[jakarta_dic.pk]), data)  # back and send again, or a reload
    assert balance(jakarta_dic, catalogue["condom_item"]) == 500


def test_a_second_open_case_for_the_same_document_is_refused(client_of, ayu, mawar):
    client = client_of(ayu)
    url = reverse("case_create", args=[mawar.pk])
    client.post(url, {"document": "ktp", "opened_on": "2025-01-05"})
    response = client.post(url, {"document": "ktp", "opened_on": "2025-01-05"})
    assert response.status_code == 200 and response.context["form"].errors
    assert PaperworkCase.objects.filter(member=mawar, document="ktp").count() == 1
    client.post(url, {"document": "bpjs", "opened_on": "2025-01-05"})
    assert PaperworkCase.objects.filter(member=mawar).count() == 2
