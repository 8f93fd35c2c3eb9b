"""The outreach companion: a first real edition, read by every worker in her language, kept on
the phone, edited by the secretariat in editions that say what changed; reading is recorded
nowhere."""

import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.urls import reverse

from partners.models import CompanionEdition, CompanionTopic

first_edition = importlib.import_module("partners.migrations.0004_companion_first_edition")


@pytest.fixture
def edition(db):
    if not CompanionEdition.objects.exists():
        first_edition.publish(django_apps, None)
    return CompanionEdition.objects.get(number=1)


def test_the_first_edition_has_real_topics_with_sources(edition):
    topics = {t.key: t for t in edition.topics.all()}
    assert {"harm-reduction", "meth-and-sex", "prep-pep", "sti", "police", "ktp-bpjs"} <= set(topics)
    for topic in topics.values():
        assert topic.body_id and topic.body_en and topic.sources
        assert len(topic.body_id.split()) > 80
    assert "who.int" in topics["harm-reduction"].sources and "KUHAP" in topics["police"].sources
    assert "72 jam" in topics["prep-pep"].body_id and "72 hours" in topics["prep-pep"].body_en


def test_a_worker_reads_it_in_bahasa_indonesia_with_links_to_the_directory(client_of, putri, edition):
    page = client_of(putri).get(reverse("companion")).content.decode()
    assert "Pengurangan dampak buruk napza" in page and "Jangan berbagi jarum" in page
    assert reverse("partner_directory") + "?kind=needle_syringe" in page
    assert "Rujuk sekarang" in page
    assert "putri" not in page  # the phone keeps a copy: it names nobody


def test_in_english_it_reads_the_english_text(client_of, putri, edition):
    putri.language = "en"
    putri.save()
    page = client_of(putri).get(reverse("companion")).content.decode()
    assert "Harm reduction for people who use drugs" in page and "Never share needles" in page


def test_reading_it_is_recorded_nowhere(client_of, putri, edition):
    client = client_of(putri)
    before = LogEntry.objects.count()
    client.get(reverse("companion"))
    client.get(reverse("companion"), {"q": "sabu"})
    assert LogEntry.objects.count() == before


def test_the_secretariat_publishes_a_new_edition_that_says_what_changed(client_of, sari, putri, edition):
    client = client_of(sari)
    form = client.get(reverse("companion_edit"), {"topic": "sti"}).content.decode()
    assert "Infeksi menular seksual" in form  # the topic's text, ready to change
    topic = edition.topics.get(key="sti")
    response = client.post(
        reverse("companion_edit"),
        {
            "key": "sti",
            "title_id": topic.title_id,
            "title_en": topic.title_en,
            "body_id": topic.body_id + "\n\nTes sifilis cepat tersedia di banyak puskesmas.",
            "body_en": topic.body_en,
            "sources": topic.sources,
            "service_kinds": ["sti"],
            "changes_id": "IMS: tes sifilis cepat.",
            "changes_en": "STIs: rapid syphilis test.",
        },
    )
    assert response.status_code == 302
    second = CompanionEdition.objects.get(number=2)
    assert second.topics.count() == edition.topics.count()
    assert "Tes sifilis cepat" in second.topics.get(key="sti").body_id
    assert "Tes sifilis cepat" not in CompanionTopic.objects.get(edition=edition, key="sti").body_id  # kept as it was
    page = client_of(putri).get(reverse("companion")).content.decode()
    assert "Tes sifilis cepat" in page and "IMS: tes sifilis cepat." in page


@pytest.mark.parametrize("who,expected", [("ayu", 403), ("putri", 403), ("bunga", 403), ("sari", 200), ("dewi", 200)])
def test_only_the_secretariat_edits_it(client_of, people, edition, who, expected):
    client = client_of(people[who])
    assert client.get(reverse("companion")).status_code == 200
    assert client.get(reverse("companion_edit")).status_code == expected
    if expected == 403:
        client.post(
            reverse("companion_edit"), {"key": "x", "title_id": "x", "body_id": "x", "sources": "x", "changes_id": "x"}
        )
        assert CompanionEdition.objects.count() == 1


def test_the_companion_costs_the_same_queries_with_more_topics_and_editions(
    client_of, putri, sari, edition, django_assert_max_num_queries
):
    from partners import companion

    client = client_of(putri)
    client.get(reverse("companion"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("companion"))
    for n in range(5):
        texts = {"title_id": f"Topik {n}", "body_id": "Isi", "sources": "WHO", "service_kinds": ["hiv"]}
        companion.publish(key=f"topic-{n}", texts=texts, changes_id=f"Topik {n}", changes_en="", by=sari)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("companion")).content.decode()
    assert "Topik 4" in page
