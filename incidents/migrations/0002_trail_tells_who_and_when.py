"""Entries written before the incident trail was masked held the person harmed, the
perpetrator, the place, the kinds of violation and the notes of the help given.
Keep who and when (actor, time, address, action, which fields) and drop the rest."""

from django.db import migrations

HIDDEN = "***"
MODELS = {"incident": "Incident", "violation": "Violation", "response": "Response"}


def hide(value):
    if isinstance(value, dict):
        return {key: [HIDDEN, HIDDEN] for key in value}
    return value


def hide_incident_values(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    for content_type in ContentType.objects.filter(app_label="incidents", model__in=list(MODELS)):
        name = MODELS[content_type.model]
        for entry in LogEntry.objects.filter(content_type=content_type).iterator():
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=(
                    f"Incident #{entry.object_pk}" if name == "Incident" else f"{name} object ({entry.object_pk})"
                ),
                changes=hide(entry.changes),
                changes_text="",
                serialized_data=None,
                additional_data=(
                    {"what": entry.additional_data.get("what")} if isinstance(entry.additional_data, dict) else None
                ),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(hide_incident_values, migrations.RunPython.noop)]
