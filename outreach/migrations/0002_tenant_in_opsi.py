"""The branch and drop-in centre keys point at the tenant's new home in ``opsi``.

Only Django's picture of the models changes: the columns and their foreign keys already
reference the same tables (``members_branch``, ``members_dropincentre``), which keep their names.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_sessions_and_trainings"),
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
                    model_name="outreachsession",
                    name="branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outreach_sessions",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
                migrations.AlterField(
                    model_name="outreachsession",
                    name="stock_centre",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The drop-in centre whose stock the items handed out came from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="opsi.dropincentre",
                        verbose_name="stock taken from",
                    ),
                ),
                migrations.AlterField(
                    model_name="training",
                    name="branch",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Empty for a national training.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="trainings",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
            ],
        ),
    ]
