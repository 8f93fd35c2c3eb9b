"""The branch and drop-in centre keys point at the tenant's new home in ``opsi``.

Only Django's picture of the models changes: the columns and their foreign keys already
reference the same tables (``members_branch``, ``members_dropincentre``), which keep their names.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_trail_tells_who_and_when"),
        ("opsi", "0004_tenant_from_members"),
    ]
    # Before members forgets its copy of the models: nothing may point at them by then.
    run_before = [
        ("members", "0005_tenant_moved_to_opsi"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="alert",
                    name="branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
                migrations.AlterField(
                    model_name="incident",
                    name="branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incidents",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
            ],
        ),
    ]
