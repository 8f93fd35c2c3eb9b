"""The outreach companion: reading the edition in force, and publishing a new one in which one
topic changed, with what changed."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language

from .models import CompanionEdition, CompanionTopic


def current_edition():
    return CompanionEdition.objects.order_by("-number").first()


def in_language(topic):
    """(title, text) in the reader's language: English where it is written, else Bahasa Indonesia."""
    if (get_language() or "").startswith("en") and topic.body_en:
        return topic.title_en or topic.title_id, topic.body_en
    return topic.title_id, topic.body_id


@transaction.atomic
def publish(*, key, texts, changes_id, changes_en, by):
    """A new edition: every topic of the edition in force, with topic ``key`` replaced by
    ``texts`` (or added). Editions are never changed once published."""
    CompanionEdition.objects.select_for_update().all()
    before = current_edition()
    number = (CompanionEdition.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    edition = CompanionEdition.objects.create(
        number=number,
        published_on=timezone.localdate(),
        changes_id=changes_id,
        changes_en=changes_en,
        published_by=by,
    )
    kept = list(before.topics.exclude(key=key)) if before else []
    replaced = before.topics.filter(key=key).first() if before else None
    for topic in kept:
        topic.pk, topic.edition = None, edition
    CompanionTopic.objects.bulk_create(kept)
    order = replaced.order if replaced else len(kept)
    icon = replaced.icon if replaced else ""
    CompanionTopic.objects.create(edition=edition, key=key, order=order, icon=icon, **texts)
    return edition
