from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_visit_dates(apps, schema_editor):
    Visit = apps.get_model("services", "Visit")
    VisitService = apps.get_model("services", "VisitService")
    VisitService.objects.using(schema_editor.connection.alias).update(
        visited_on=Subquery(Visit.objects.filter(pk=OuterRef("visit_id")).values("visited_on")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("services", "0004_referral_from_outreach")]

    operations = [
        migrations.AddField(
            model_name="visitservice",
            name="visited_on",
            field=models.DateField(editable=False, null=True, verbose_name="date"),
        ),
        migrations.RunPython(copy_visit_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visitservice",
            name="visited_on",
            field=models.DateField(editable=False, verbose_name="date"),
        ),
        migrations.AddIndex(
            model_name="visitservice",
            index=models.Index(
                fields=["visited_on", "service_type"], include=("quantity",), name="visit_service_date_type"
            ),
        ),
    ]
