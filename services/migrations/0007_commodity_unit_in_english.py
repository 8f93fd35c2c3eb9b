from django.db import migrations, models

# The units the default catalogue installed, in English ("4705 buah" read wrong on an English page).
UNITS_EN = {"buah": "pcs", "sachet": "sachets", "lembar": "sheets", "paket": "kits"}


def name_units(apps, schema_editor):
    Commodity = apps.get_model("services", "Commodity")
    for unit, unit_en in UNITS_EN.items():
        Commodity.objects.filter(unit=unit, unit_en="").update(unit_en=unit_en)


class Migration(migrations.Migration):
    dependencies = [("services", "0006_visit_person_key")]

    operations = [
        migrations.AddField(
            model_name="commodity",
            name="unit_en",
            field=models.CharField(
                blank=True, help_text="pcs, sachets, sheets...", max_length=20, verbose_name="unit in English"
            ),
        ),
        migrations.AlterField(
            model_name="commodity",
            name="unit",
            field=models.CharField(
                default="buah", help_text="In Indonesian: buah, sachet, lembar...", max_length=20, verbose_name="unit"
            ),
        ),
        migrations.RunPython(name_units, migrations.RunPython.noop),
    ]
