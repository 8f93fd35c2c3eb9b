"""The branch and drop-in centre keys point at the tenant's new home in ``opsi``.

Only Django's picture of the models changes: the columns and their foreign keys already
reference the same tables (``members_branch``, ``members_dropincentre``), which keep their names.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0008_stock_received_once"),
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
                    model_name="referral",
                    name="branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmovement",
                    name="drop_in_centre",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stock_movements",
                        to="opsi.dropincentre",
                        verbose_name="drop-in centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="drop_in_centre",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="opsi.dropincentre",
                        verbose_name="drop-in centre",
                    ),
                ),
            ],
        ),
    ]
