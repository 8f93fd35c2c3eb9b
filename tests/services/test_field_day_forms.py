"""The visit, referral and identity forms as a hurried worker meets them: the errors at the
top, a code one digit short named for what it is, who is referred, a number pad for numbers,
dates nobody reads the wrong way round."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from services.models import Referral, Visit

from .test_log_visit import form_data

pytestmark = pytest.mark.django_db


def test_a_visit_sent_back_with_errors_opens_on_a_summary_linking_each_error_to_its_field(
    client_of, ayu, mawar, jakarta_dic, catalogue, stocked
):
    tomorrow = (jakarta_dic.branch.today() + datetime.timedelta(days=1)).isoformat()
    data = form_data(catalogue, jakarta_dic, mawar, visited_on=tomorrow, services=[])
    data.pop(f"qty_{catalogue['condoms'].pk}")
    content = client_of(ayu).post(reverse("visit_new"), data).content.decode()
    assert not Visit.objects.exists()
    main = content[content.index('<main id="main">') :]
    summary = main[main.index('id="error-summary"') : main.index("</div>", main.index('id="error-summary"'))]
    # Above the form, before the first field: the first screen shows it.
    assert main.index('id="error-summary"') < main.index('<form method="post"')
    assert 'role="alert" tabindex="-1"' in main[main.index('<div class="error-summary"') :][:120]
    assert 'href="#id_visited_on"' in summary
    # The services are a group of boxes: the link leads to the group.
    assert 'href="#id_services"' in summary and '<fieldset class="field has-error" id="id_services"' in main
    assert "/static/js/forms.js" in content


def test_a_code_one_digit_short_is_told_so_in_the_users_language(client_of, ayu, jakarta_dic, catalogue):
    client = client_of(ayu)
    data = form_data(
        catalogue, jakarta_dic, walk_in="1", walk_in_uic="SIBU215039", services=[catalogue["counselling"].pk]
    )
    content = client.post(reverse("visit_new") + "?walk_in=1", data).content.decode()
    assert "Kode ini berisi 10 huruf dan angka; kode berisi 11" in content
    data["walk_in_uic"] = "SIBU8150390"  # eleven, but 8 is no gender
    content = client.post(reverse("visit_new") + "?walk_in=1", data).content.decode()
    assert "Ini tidak terbaca sebagai kode" in content
    assert not Visit.objects.exists()


def test_the_referral_form_says_who_is_referred(client_of, ayu, mawar, jakarta_dic):
    visit = Visit.objects.create(
        drop_in_centre=jakarta_dic, member=mawar, uic=mawar.uic, visited_on=jakarta_dic.branch.today()
    )
    walk_in = Visit.objects.create(drop_in_centre=jakarta_dic, uic="KEBU2150390", visited_on=jakarta_dic.branch.today())
    client = client_of(ayu)
    content = client.get(reverse("referral_create", args=[visit.pk])).content.decode()
    assert "Yang dirujuk:" in content and "<strong>Mawar</strong> <code>SIBU2150390</code>" in content
    content = client.get(reverse("referral_create", args=[walk_in.pk])).content.decode()
    assert "Yang dirujuk:" in content and "<code>KEBU2150390</code>" in content and "bukan anggota" in content


def test_nik_and_phone_bring_up_a_number_pad_and_no_autofill(client_of, ayu, mawar):
    content = client_of(ayu).get(reverse("member_identity", args=[mawar.pk])).content.decode()
    nik = re.search(r'<input[^>]*name="nik"[^>]*>', content).group(0)
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', content).group(0)
    assert 'inputmode="numeric"' in nik and 'autocomplete="off"' in nik
    assert 'inputmode="tel"' in phone and 'autocomplete="off"' in phone


def test_english_short_dates_name_the_month(client_of, ayu, mawar, jakarta):
    day = datetime.date(2026, 12, 7)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "7 Dec 2026"
    with translation.override("id"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "07-12-2026"
    referral = Referral.objects.create(
        branch=jakarta, member=mawar, uic=mawar.uic, made_on=day, facility_kind="puskesmas", service="Tes HIV"
    )
    ayu.language = "en"
    ayu.save()
    content = client_of(ayu).get(reverse("referral_outcome", args=[referral.pk])).content.decode()
    assert "7 Dec 2026" in content and "12/07/2026" not in content
