import datetime
import re
import uuid

import pytest
from django.urls import reverse

from services.models import StockMovement, Visit
from services.stock import receive
from tests.factories import MemberFactory


def form_data(catalogue, centre, member=None, **extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "services": [catalogue["counselling"].pk, catalogue["condoms"].pk],
        f"qty_{catalogue['condoms'].pk}": "12",
        "drop_in_centre": centre.pk,
        "visited_on": "2025-05-01",
    }
    if member:
        data["member"] = member.pk
    data.update(extra)
    return data


def test_finding_a_member_by_alias_or_code_while_typing(client_of, ayu, mawar, catalogue, bali):
    MemberFactory(branch=bali, alias="Mawar Bali")
    client = client_of(ayu)
    partial = client.get(reverse("visit_new"), {"q": "maw", "partial": "1"}).content.decode()
    assert "SIBU2150390" in partial and "Mawar Bali" not in partial
    assert "SIBU2150390" in client.get(reverse("visit_new"), {"q": "sibu2150"}).content.decode()


def test_form_defaults_to_the_usual_centre_and_today_in_the_branch(client_of, ayu, mawar, jakarta_dic, catalogue):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    form = client_of(ayu).get(reverse("visit_new"), {"member": mawar.pk}).context["form"]
    assert form.initial["drop_in_centre"] == jakarta_dic.pk
    assert form.initial["visited_on"] == jakarta_dic.branch.today()


def test_logging_a_visit_takes_condoms_from_the_centre_stock(client_of, ayu, mawar, jakarta_dic, catalogue):
    receive(jakarta_dic, catalogue["condom_item"], 100, datetime.date(2025, 1, 1), ayu)
    response = client_of(ayu).post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    visit = Visit.objects.get()
    assert response.url == reverse("visit_detail", args=[visit.pk])
    assert visit.member == mawar and visit.uic == "SIBU2150390"
    assert {(line.service_type.name, line.quantity) for line in visit.service_lines.all()} == {
        ("Konseling", 1),
        ("Kondom", 12),
    }
    assert (
        StockMovement.objects.filter(drop_in_centre=jakarta_dic).balances()[
            (jakarta_dic.pk, catalogue["condom_item"].pk)
        ]
        == 88
    )


def test_a_double_submit_creates_one_visit(client_of, ayu, mawar, jakarta_dic, catalogue, stocked):
    client = client_of(ayu)
    data = form_data(catalogue, jakarta_dic, mawar)
    first = client.post(reverse("visit_new"), data)
    second = client.post(reverse("visit_new"), data)
    assert Visit.objects.count() == 1 and first.url == second.url
    assert StockMovement.objects.filter(kind="handed_out").count() == 1


def test_walk_in_is_logged_by_code_alone(client_of, putri, jakarta_dic, catalogue, stocked):
    data = form_data(catalogue, jakarta_dic, walk_in="1", walk_in_uic="deag-3010195")
    client_of(putri).post(reverse("visit_new") + "?walk_in=1", data)
    visit = Visit.objects.get()
    assert visit.member is None and visit.uic == "DEAG3010195"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"visited_on": "2999-01-01"}, "visited_on"),
        ({"services": [], "qty_CONDOMS": ""}, "services"),
        ({"qty_CONDOMS": "-3"}, "qty_CONDOMS"),
        ({"qty_CONDOMS": ""}, "qty_CONDOMS"),
    ],
)
def test_bad_input_re_renders_with_a_message_and_saves_nothing(
    client_of, ayu, mawar, jakarta_dic, catalogue, change, field
):
    pk = catalogue["condoms"].pk
    change = {k.replace("CONDOMS", str(pk)): v for k, v in change.items()}
    field = field.replace("CONDOMS", str(pk))
    response = client_of(ayu).post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar, **change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Visit.objects.count() == 0 and StockMovement.objects.count() == 0


def test_a_centre_of_another_branch_is_refused(client_of, ayu, mawar, bali_dic, catalogue):
    response = client_of(ayu).post(reverse("visit_new"), form_data(catalogue, bali_dic, mawar))
    assert response.status_code == 200 and Visit.objects.count() == 0


def test_secretariat_reads_visits_but_cannot_log_them(client_of, sari, ayu, mawar, jakarta_dic, catalogue, stocked):
    client_of(ayu).post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    visit = Visit.objects.get()
    client = client_of(sari)
    assert client.get(reverse("visit_new")).status_code == 403
    assert client.get(reverse("visit_detail", args=[visit.pk])).status_code == 200
    assert client.post(reverse("referral_create", args=[visit.pk]), {}).status_code == 403


def test_visit_shows_on_the_member_timeline(client_of, ayu, mawar, jakarta_dic, catalogue, stocked):
    client = client_of(ayu)
    client.post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    content = client.get(reverse("member_detail", args=[mawar.pk])).content.decode()
    assert re.search(r"DIC Jakarta Utara: .*Kondom", content)


def test_centre_visit_list_costs_the_same_queries_for_few_or_many(
    client_of, ayu, mawar, jakarta_dic, catalogue, django_assert_max_num_queries
):
    from services.visits import log_visit

    client = client_of(ayu)
    log_visit(
        centre=jakarta_dic, member=mawar, uic="", on=datetime.date(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu
    )
    url = reverse("centre_visits", args=[jakarta_dic.pk])
    query = {"service": catalogue["rest"].pk, "start": "2025-01-01"}
    with django_assert_max_num_queries(20) as few:
        client.get(url, query)
    for day in range(40):
        log_visit(
            centre=jakarta_dic,
            member=mawar,
            uic="",
            on=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            services={catalogue["rest"]: 1, catalogue["counselling"]: 1},
            by=ayu,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, query)
    assert len(response.context["page"]) == 25


def test_member_page_costs_the_same_queries_for_few_or_many_visits(
    client_of, ayu, mawar, jakarta_dic, catalogue, django_assert_max_num_queries
):
    from services.visits import log_visit

    client = client_of(ayu)
    url = reverse("member_detail", args=[mawar.pk])
    log_visit(
        centre=jakarta_dic, member=mawar, uic="", on=datetime.date(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu
    )
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for day in range(30):
        log_visit(
            centre=jakarta_dic,
            member=mawar,
            uic="",
            on=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            services={catalogue["rest"]: 1},
            by=ayu,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_visit_form_reads_the_catalogue_and_the_centres_once(
    client_of, ayu, mawar, jakarta_dic, catalogue, django_assert_max_num_queries
):
    client = client_of(ayu)
    with django_assert_max_num_queries(15) as captured:
        response = client.get(reverse("visit_new"), {"member": mawar.pk})
    assert response.status_code == 200
    sqls = [q["sql"] for q in captured.captured_queries]
    assert sum('FROM "services_servicetype"' in sql for sql in sqls) == 1
    assert sum('FROM "members_dropincentre"' in sql for sql in sqls) == 1
    content = response.content.decode()
    assert str(catalogue["rest"]) in content and jakarta_dic.name in content


def test_services_are_a_group_with_a_legend_and_one_label_per_box(client_of, ayu, mawar, catalogue):
    content = client_of(ayu).get(reverse("visit_new"), {"member": mawar.pk}).content.decode()
    group = re.search(r"<fieldset[^>]*>\s*<legend>([^<]+)", content)
    assert group and "Layanan" in group.group(1)
    box = re.search(
        r'<label class="check" for="(id_services_\d+)"><input type="checkbox" name="services" '
        r'value="\d+" id="\1"> ([^<]+)</label>',
        content,
    )
    assert box and box.group(2).strip() in {str(s) for s in catalogue.values()}
    assert not re.search(r"<label[^>]*>(?:(?!</label>).)*<label", content, re.S)  # no label inside a label
