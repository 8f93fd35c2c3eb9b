# The kept figures of quarters move to opsi.kept (opsi 0007): they are counted again from the visits,
# identically, by the first page that needs them; nothing here is a fact of a report already made.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0015_hiv_treatment_recorded_at"),
        ("opsi", "0007_kept_facts"),
    ]

    operations = [
        migrations.DeleteModel(name="QuarterChange"),
        migrations.DeleteModel(name="KeptQuarter"),
    ]
