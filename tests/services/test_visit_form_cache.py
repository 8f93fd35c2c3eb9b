"""The visit form keeps the catalogue, the centres and its rendered fields between
requests: what a coordinator sees must still be right for them, at once after a change."""

import re

from django.urls import reverse

from services.models import Visit
from tests.factories import DropInCentreFactory, MemberFactory

from .test_log_visit import form_data


def selected_centre(content):
    select = re.search(r'<select name="drop_in_centre"[^>]*>(.*?)</select>', content, re.S).group(1)
    return re.search(r'<option value="(\d+)"[^>]*selected', select).group(1)


def offered_services(content):
    return re.findall(r'<input type="checkbox" name="services" value="\d+" id="[^"]+"[^>]*> ([^<]+)</label>', content)


def test_the_second_form_reads_neither_catalogue_nor_centres(
    client_of, ayu, mawar, jakarta_dic, catalogue, django_assert_max_num_queries
):
    client = client_of(ayu)
    client.get(reverse("visit_new"), {"member": mawar.pk})
    with django_assert_max_num_queries(10) as captured:
        response = client.get(reverse("visit_new"), {"member": mawar.pk})
    sqls = " ".join(q["sql"] for q in captured.captured_queries)
    assert 'FROM "services_servicetype"' not in sqls and 'FROM "members_dropincentre"' not in sqls
    assert sqls.count('FROM "members_member"') == 1  # the member, once: nothing read later field by field
    assert str(catalogue["rest"]) in response.content.decode()


def test_a_service_switched_off_in_the_admin_is_gone_from_the_next_form(
    client_of, ayu, dewi, mawar, jakarta_dic, catalogue
):
    client = client_of(ayu)
    assert "Istirahat" in offered_services(client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode())
    admin = client_of(dewi)
    rest = catalogue["rest"]
    change = reverse("admin:services_servicetype_change", args=[rest.pk])
    admin.post(change, {"name": rest.name, "name_en": "", "order": rest.order, "active": ""})
    rest.refresh_from_db()
    assert not rest.active

    client = client_of(ayu)
    offered = offered_services(client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode())
    assert "Istirahat" not in offered and "Konseling" in offered
    response = client.post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar, services=[rest.pk]))
    assert response.status_code == 200 and not Visit.objects.exists()


def test_centres_kept_for_one_branch_are_never_offered_in_another(
    client_of, ayu, bunga, mawar, jakarta_dic, bali_dic, catalogue
):
    kamboja = MemberFactory(branch=bali_dic.branch, alias="Kamboja")
    assert bali_dic.name in client_of(bunga).get(reverse("visit_new"), {"member": kamboja.pk}).content.decode()

    client = client_of(ayu)
    content = client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode()
    assert jakarta_dic.name in content and bali_dic.name not in content
    response = client.post(reverse("visit_new"), form_data(catalogue, bali_dic, mawar))
    assert response.status_code == 200 and not Visit.objects.exists()


def test_a_new_centre_is_offered_at_once(client_of, ayu, mawar, jakarta, jakarta_dic, catalogue):
    client = client_of(ayu)
    client.get(reverse("visit_new"), {"member": mawar.pk})
    DropInCentreFactory(branch=jakarta, name="DIC Tanjung Priok")
    assert "DIC Tanjung Priok" in client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode()


def test_each_user_finds_their_own_usual_centre_chosen(client_of, ayu, putri, mawar, jakarta, jakarta_dic, catalogue):
    second = DropInCentreFactory(branch=jakarta, name="DIC Kedua")
    ayu.usual_drop_in_centre = second
    ayu.save()
    putri.usual_drop_in_centre = jakarta_dic
    putri.save()
    assert selected_centre(client_of(ayu).get(reverse("visit_new"), {"member": mawar.pk}).content.decode()) == str(
        second.pk
    )
    assert selected_centre(client_of(putri).get(reverse("visit_new"), {"member": mawar.pk}).content.decode()) == str(
        jakarta_dic.pk
    )


def test_a_form_sent_back_with_errors_is_never_kept_nor_served_to_the_next(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    client = client_of(ayu)
    data = form_data(catalogue, jakarta_dic, mawar, visited_on="2999-01-01")
    content = client.post(reverse("visit_new"), data).content.decode()
    assert 'role="alert"' in content
    assert re.search(rf'value="{catalogue["condoms"].pk}"[^>]*checked', content)  # the answers are kept

    fresh = client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode()
    assert 'role="alert"' not in fresh and " checked" not in fresh


def test_the_top_of_the_page_follows_the_role_and_the_language(client_of, ayu, sari, jakarta_dic):
    incidents = reverse("incident_list")
    assert incidents in client_of(ayu).get(reverse("home")).content.decode()
    assert incidents not in client_of(sari).get(reverse("home")).content.decode()

    ayu.language = "en"
    ayu.save()
    content = client_of(ayu).get(reverse("home")).content.decode()
    assert ">Members</a>" in content and ">Anggota</a>" not in content


def test_the_cached_fields_key_changes_with_anything_a_field_renders(ayu, mawar, jakarta_dic, catalogue):
    """The key is read from the fields, not listed by hand: a help text, a label, a widget
    attribute or an option changed anywhere in the form gives another key."""
    from services.forms import VisitForm

    def key(change=None):
        form = VisitForm(user=ayu, member=mawar)
        if change:
            change(form)
        return form.fields_cache_key

    plain = key()
    assert key() == plain  # a second unfilled form shares the rendered fields
    changes = [
        lambda f: setattr(f.fields["visited_on"], "help_text", "Tanggal kunjungan"),
        lambda f: setattr(f.fields["services"], "label", "Layanan"),
        lambda f: f.fields["drop_in_centre"].widget.attrs.update(disabled=True),
        lambda f: f.fields["services"].set_objects(list(f.fields["services"].objects.values())[1:]),
    ]
    assert len({plain, *(key(change) for change in changes)}) == 1 + len(changes)
    assert VisitForm({"visited_on": "2025-01-01"}, user=ayu, member=mawar).fields_cache_key is None


def test_a_change_another_server_process_saved_is_seen_at_the_next_form(client_of, ayu, mawar, jakarta_dic, catalogue):
    """Each process keeps its own copy of the catalogue, under the version in the shared cache:
    a change saved by another process (which moves that version on) is offered at once here too."""
    from django.core.cache import cache

    from services import reference
    from services.models import ServiceType

    client = client_of(ayu)
    assert "Istirahat" in offered_services(client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode())
    ServiceType.objects.filter(pk=catalogue["rest"].pk).update(active=False)  # another process: no signal here
    cache.incr(reference.VERSION_KEY)  # what that process's signal does to the shared cache
    offered = offered_services(client.get(reverse("visit_new"), {"member": mawar.pk}).content.decode())
    assert "Istirahat" not in offered and "Konseling" in offered


def test_the_online_offline_strip_follows_the_role_and_the_language(client_of, ayu, sari, jakarta_dic):
    """The strip is kept with the top of the page: shown to those who record work, in their language."""
    assert 'id="offline-state"' in client_of(ayu).get(reverse("home")).content.decode()
    assert 'id="offline-state"' not in client_of(sari).get(reverse("home")).content.decode()
    ayu.language = "en"
    ayu.save()
    content = client_of(ayu).get(reverse("home")).content.decode()
    assert 'data-online="Online"' in content and 'data-online="Daring"' not in content
