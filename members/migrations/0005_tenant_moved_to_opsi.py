"""Branches and drop-in centres now live in ``opsi`` (``opsi.tenant``): members forgets its copy.

State only: the tables stay where they are, under their old names, with every row; ``opsi``'s
0004 took them over and renamed their content types. The other apps' keys are moved first
(their migrations run before this one).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_branch_and_peer_educator_history"),
        ("opsi", "0004_tenant_from_members"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="opsi.branch",
                        verbose_name="branch",
                    ),
                ),
                migrations.AlterField(
                    model_name="membermove",
                    name="from_branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="opsi.branch",
                        verbose_name="from branch",
                    ),
                ),
                migrations.AlterField(
                    model_name="membermove",
                    name="to_branch",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="opsi.branch",
                        verbose_name="to branch",
                    ),
                ),
                migrations.DeleteModel(
                    name="DropInCentre",
                ),
                migrations.DeleteModel(
                    name="Branch",
                ),
            ],
        ),
    ]
