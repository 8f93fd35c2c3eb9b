"""A confirmed member import spends its token once (several confirmations sent at once import once)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_member_joined_branch_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportClaim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "token_digest",
                    models.CharField(editable=False, max_length=64, unique=True, verbose_name="token digest"),
                ),
                ("claimed_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="confirmed at")),
            ],
            options={
                "verbose_name": "confirmed member import",
                "verbose_name_plural": "confirmed member imports",
            },
        ),
    ]
