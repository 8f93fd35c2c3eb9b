import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from services.models import PaperworkCase, Referral, StockMovement
from services.paperwork import advance, documents_held, open_case, stuck
from services.stock import hand_out, receive

D = datetime.date


def test_case_moves_forward_with_dates_and_helpers(mawar, ayu):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    advance(case, "gathered", D(2025, 1, 20), ayu, barrier="no_domicile_letter", today=D(2025, 6, 1))
    advance(case, "submitted", D(2025, 2, 1), ayu, today=D(2025, 6, 1))
    case = advance(case, "issued", D(2025, 3, 1), ayu, today=D(2025, 6, 1))
    assert case.issued_on == D(2025, 3, 1) and case.barrier == "no_domicile_letter"
    assert list(case.steps.values_list("step", "on")) == [
        ("identified", D(2025, 1, 5)),
        ("gathered", D(2025, 1, 20)),
        ("submitted", D(2025, 2, 1)),
        ("issued", D(2025, 3, 1)),
    ]
    assert documents_held(mawar) == {"ktp"}


def test_steps_cannot_go_back_silently_or_into_the_future(mawar, ayu):
    case = open_case(mawar, "ktp", D(2025, 1, 5), ayu)
    advance(case, "submitted", D(2025, 2, 1), ayu, today=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        advance(case, "gathered", D(2025, 2, 5), ayu, today=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        advance(case, "issued", D(2025, 7, 1), ayu, today=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        advance(case, "issued", D(2025, 1, 1), ayu, today=D(2025, 6, 1))
    case = advance(case, "gathered", D(2025, 2, 5), ayu, note="Dukcapil returned the file", today=D(2025, 6, 1))
    assert case.step == "gathered"


def test_backward_step_through_the_page_shows_a_message(client_of, ayu, mawar):
    case = open_case(mawar, "bpjs", D(2025, 1, 5), ayu)
    client = client_of(ayu)
    client.post(reverse("case_detail", args=[case.pk]), {"step": "submitted", "on": "2025-02-01"})
    response = client.post(reverse("case_detail", args=[case.pk]), {"step": "gathered", "on": "2025-02-02"})
    assert response.status_code == 200 and response.context["form"].errors
    assert PaperworkCase.objects.get().step == "submitted"


def test_bpjs_case_shows_that_the_ktp_is_missing(client_of, ayu, mawar):
    case = open_case(mawar, "bpjs", D(2025, 1, 5), ayu)
    response = client_of(ayu).get(reverse("case_detail", args=[case.pk]))
    assert [d.value for d in response.context["missing"]] == ["ktp"]


def test_stuck_cases_are_open_cases_without_a_step_for_30_days(mawar, ayu):
    old = open_case(mawar, "ktp", D(2025, 1, 1), ayu)
    open_case(mawar, "kk", D(2025, 3, 1), ayu)
    done = open_case(mawar, "bpjs", D(2025, 1, 1), ayu)
    advance(done, "abandoned", D(2025, 1, 2), ayu, today=D(2025, 6, 1))
    assert list(stuck(PaperworkCase.objects.all(), D(2025, 3, 15))) == [old]


def test_referral_list_filtered_to_overdue_shows_open_referrals_older_than_14_days(client_of, ayu, jakarta, mawar):
    from django.utils import timezone

    today = timezone.localdate()
    old = Referral.objects.create(
        branch=jakarta,
        member=mawar,
        uic=mawar.uic,
        made_on=today - datetime.timedelta(days=20),
        facility_kind="puskesmas",
        service="Tes HIV",
    )
    Referral.objects.create(
        branch=jakarta,
        member=mawar,
        uic=mawar.uic,
        made_on=today - datetime.timedelta(days=3),
        facility_kind="hospital",
        service="ARV",
    )
    client = client_of(ayu)
    overdue = reverse("referral_follow_up") + "?state=overdue"
    assert list(client.get(overdue).context["page"]) == [old]
    client.post(reverse("referral_outcome", args=[old.pk]), {"outcome": "reached", "on": today.isoformat()})
    old.refresh_from_db()
    assert old.outcome == "reached"
    assert list(client.get(overdue).context["page"]) == []


def test_outcome_dated_before_the_referral_is_refused(client_of, ayu, jakarta, mawar):
    referral = Referral.objects.create(
        branch=jakarta, member=mawar, uic=mawar.uic, made_on=D(2025, 5, 1), facility_kind="puskesmas", service="Tes HIV"
    )
    response = client_of(ayu).post(
        reverse("referral_outcome", args=[referral.pk]), {"outcome": "reached", "on": "2025-04-01"}
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.outcome == "pending"


def test_stock_page_shows_balance_and_a_low_stock_warning(client_of, ayu, jakarta_dic, catalogue):
    client = client_of(ayu)
    client.post(
        reverse("centre_stock", args=[jakarta_dic.pk]),
        {"commodity": catalogue["condom_item"].pk, "quantity": "150", "on": "2025-01-01", "source": "Donor"},
    )
    hand_out(jakarta_dic, {catalogue["condom_item"]: 60}, D(2025, 1, 2), ayu)
    rows = {
        item.name: (balance, level)
        for item, balance, level in client.get(reverse("centre_stock", args=[jakarta_dic.pk])).context["rows"]
    }
    assert rows["Kondom"] == (90, "low")  # threshold 100


def test_negative_or_zero_stock_received_is_refused(client_of, ayu, jakarta_dic, catalogue):
    response = client_of(ayu).post(
        reverse("centre_stock", args=[jakarta_dic.pk]),
        {"commodity": catalogue["condom_item"].pk, "quantity": "-5", "on": "2025-01-01"},
    )
    assert response.status_code == 200 and StockMovement.objects.count() == 0
    with pytest.raises(ValidationError):
        receive(jakarta_dic, catalogue["condom_item"], 0, D(2025, 1, 1), ayu)
    with pytest.raises(ValidationError):
        hand_out(jakarta_dic, {catalogue["condom_item"]: -1}, D(2025, 1, 1), ayu)


def test_secretariat_cannot_receive_stock_for_a_centre(client_of, sari, jakarta_dic, catalogue):
    response = client_of(sari).post(
        reverse("centre_stock", args=[jakarta_dic.pk]),
        {"commodity": catalogue["condom_item"].pk, "quantity": "5", "on": "2025-01-01"},
    )
    assert response.status_code == 403
