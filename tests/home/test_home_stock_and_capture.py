"""Home and the stock page count the same stock; field capture is in the menu and on the home
of the roles that capture, in both languages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import Commodity
from services.stock import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaflets_out(jakarta_dic, stocked):
    """Condoms and lubricant plenty; leaflets, handed out at no visit service, none left."""
    Commodity.objects.exclude(name__in=["Kondom", "Pelicin"]).update(active=False)
    return Commodity.objects.create(name="Selebaran", name_en="Leaflets", low_stock_threshold=10)


def test_home_counts_a_centre_out_of_an_item_the_stock_page_shows_out(client_of, ayu, jakarta_dic, leaflets_out):
    client = client_of(ayu)
    stock_url = reverse("centre_stock", args=[jakarta_dic.pk])
    stock_page = client.get(stock_url).content.decode()
    assert '<td>Selebaran</td><td>0 buah <span class="tag low">habis</span>' in stock_page
    home = client.get(reverse("home")).content.decode()
    # The tile leads to the stock page itself, and the count agrees with it.
    assert f'href="{stock_url}"><b>1</b>' in home
    assert "Selebaran: habis" in home


def test_home_counts_no_centre_when_the_stock_page_shows_nothing_short(client_of, ayu, jakarta_dic, stocked):
    client = client_of(ayu)
    stock_url = reverse("centre_stock", args=[jakarta_dic.pk])
    Commodity.objects.exclude(name__in=["Kondom", "Pelicin"]).update(active=False)
    assert "habis" not in client.get(stock_url).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert f'href="{stock_url}"><b>0</b>' in home  # still one tap to the stock


def test_every_centre_of_home_links_to_its_stock(client_of, ayu, jakarta_dic, catalogue):
    Commodity.objects.exclude(name__in=["Kondom", "Pelicin"]).update(active=False)
    from tests.factories import DropInCentreFactory

    second = DropInCentreFactory(branch=jakarta_dic.branch, name="DIC Jakarta Timur")
    receive(second, catalogue["condom_item"], 500, datetime.date(2026, 1, 1), None)
    receive(second, catalogue["lube_item"], 500, datetime.date(2026, 1, 1), None)
    home = client_of(ayu).get(reverse("home")).content.decode()
    for centre in (jakarta_dic, second):
        assert home.count(f'href="{reverse("centre_stock", args=[centre.pk])}"') >= 1
    # Only the first centre is out of both items: the tile counts one and leads to its stock.
    assert f'href="{reverse("centre_stock", args=[jakarta_dic.pk])}"><b>1</b>' in home


def test_home_reads_stock_in_as_many_queries_with_more_items(client_of, ayu, jakarta_dic, stocked):
    client = client_of(ayu)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for n in range(6):
        item = Commodity.objects.create(name=f"Barang {n}")
        receive(jakarta_dic, item, 3, datetime.date(2026, 1, 1), None)
    client.get(reverse("home"))  # the catalogue changed: read once again
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)


@pytest.mark.parametrize("who", ["ayu", "putri"])
@pytest.mark.parametrize("language,words", [("id", "Catat di lapangan"), ("en", "Field capture")])
def test_the_roles_that_capture_find_field_capture_in_the_menu_and_on_home(client_of, people, who, language, words):
    people[who].language = language
    people[who].save()
    client = client_of(people[who])
    home = client.get(reverse("home")).content.decode()
    capture = reverse("offline_capture")
    menu = home[home.index('<div class="menu">') :]
    assert f'<a href="{capture}">{words}</a>' in menu
    main = home[home.index('<main id="main">') : home.index("</main>")]
    main = main.replace('data-capture="' + capture + '"', "").split("data-state-line", 1)[-1]
    assert f'href="{capture}"' in main


@pytest.mark.parametrize("who", ["sari", "dewi"])
def test_roles_that_do_not_capture_are_not_offered_it(client_of, people, who):
    home = client_of(people[who]).get(reverse("home")).content.decode()
    assert reverse("offline_capture") not in home
