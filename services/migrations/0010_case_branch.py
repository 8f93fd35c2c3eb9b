"""A paperwork case carries its member's branch, so a branch's list of cases reads them by an
index instead of joining every case to its member (``PaperworkCase.branch``)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_branches(apps, schema_editor):
    PaperworkCase = apps.get_model("services", "PaperworkCase")
    Member = apps.get_model("members", "Member")
    PaperworkCase.objects.update(
        branch_id=Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("branch_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_tenant_moved_to_opsi"),
        ("opsi", "0004_tenant_from_members"),
        ("services", "0009_tenant_in_opsi"),
    ]

    operations = [
        migrations.AddField(
            model_name="paperworkcase",
            name="branch",
            field=models.ForeignKey(
                null=True,
                editable=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="opsi.branch",
                verbose_name="branch",
            ),
        ),
        migrations.RunPython(copy_branches, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="paperworkcase",
            name="branch",
            field=models.ForeignKey(
                editable=False,
                db_index=False,
                help_text="The member's branch; it follows her when she moves.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="opsi.branch",
                verbose_name="branch",
            ),
        ),
        migrations.AddIndex(
            model_name="paperworkcase",
            index=models.Index(fields=["branch", "step", "step_on", "id"], name="case_branch_page"),
        ),
    ]
