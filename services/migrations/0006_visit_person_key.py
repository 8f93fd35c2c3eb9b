import hashlib

from django.db import migrations, models

# Frozen copies of opsi.db.person_key and PERSON_KEY_SQL as they were when this migration was
# written: a later change there must not change what this migration computes.
PERSON_KEY_SQL = "('x' || substr(md5({column}), 1, 16))::bit(64)::bigint"


def person_key(code):
    digest = hashlib.md5(code.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def fill_person_keys(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # One statement in the database: 2,500,000 visits in 3.5 minutes here.
        schema_editor.execute(
            f"UPDATE services_visit SET person_key = {PERSON_KEY_SQL.format(column='uic')}"  # nosec B608
        )
        return
    Visit = apps.get_model("services", "Visit")
    visits = Visit.objects.using(connection.alias)
    for uic in visits.values_list("uic", flat=True).distinct().iterator():
        visits.filter(uic=uic).update(person_key=person_key(uic))


class Migration(migrations.Migration):
    dependencies = [("services", "0005_visit_service_date")]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="person_key",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill_person_keys, migrations.RunPython.noop),
        migrations.AlterField(model_name="visit", name="person_key", field=models.BigIntegerField(editable=False)),
        migrations.RemoveIndex(model_name="visit", name="visit_date_uic"),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["visited_on", "person_key"], name="visit_date_person"),
        ),
    ]
