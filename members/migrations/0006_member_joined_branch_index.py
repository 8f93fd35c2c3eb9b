"""New members per branch counted from an index (the secretariat's home page)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_tenant_moved_to_opsi"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["joined_on", "branch"], name="member_joined_branch"),
        ),
    ]
