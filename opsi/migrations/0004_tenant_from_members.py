"""Branches and drop-in centres join the base app: ``opsi.Branch`` and ``opsi.DropInCentre``.

The user model points at them and every app is scoped by them, so they belong below ``members``.
Nothing in the database moves: the models keep their tables (``members_branch``,
``members_dropincentre``) and rows, and the keys that reference them are unchanged; only Django's
picture of the models changes (state operations). ``members`` forgets its copy in its 0005.

Their content types are renamed from ``members`` to ``opsi`` rather than made anew, so the
admin's log, the audit trail and permissions keep pointing at the same rows: a group that had
``members.change_branch`` has ``opsi.change_branch``.
"""

import django.db.models.deletion
from django.db import migrations, models


TENANT_MODELS = ["branch", "dropincentre"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in TENANT_MODELS:
        _drop_unused(ContentType.objects.filter(app_label=new, model=model).first())
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    ContentType.objects.clear_cache()


def _drop_unused(content_type):
    """A content type of the new label can only be one that ``post_migrate`` made after part of
    the move was undone (``migrate members 0004``): its permissions given to nobody, no history.
    Anything else pointing at it is refused loudly: two rows for one model would split its
    permissions and its history."""
    if content_type is None:
        return
    permissions = content_type.permission_set.all()
    used = [
        rel.related_model._meta.label
        # hidden ones included: the audit trail's key to the content type has no reverse name
        for rel in content_type._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and rel.related_model._meta.model_name != "permission"
        and rel.related_model._default_manager.filter(**{rel.field.name: content_type}).exists()
    ]
    if used or permissions.filter(group__isnull=False).exists() or permissions.filter(user__isnull=False).exists():
        raise RuntimeError(
            f"The content type {content_type.app_label}.{content_type.model} is already in use"
            f" ({', '.join(used) or 'permissions given'}); merge it by hand before migrating."
        )
    permissions.delete()
    content_type.delete()


def content_types_to_opsi(apps, schema_editor):
    _relabel(apps, "members", "opsi")


def content_types_to_members(apps, schema_editor):
    _relabel(apps, "opsi", "members")


class Migration(migrations.Migration):
    dependencies = [
        ("opsi", "0003_second_step_changed_at"),
        ("members", "0004_branch_and_peer_educator_history"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # The tables whose rows point at content types, so that an unused one can be told apart.
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Branch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "province",
                            models.CharField(
                                choices=[
                                    ("11", "Aceh (11)"),
                                    ("12", "Sumatera Utara (12)"),
                                    ("13", "Sumatera Barat (13)"),
                                    ("14", "Riau (14)"),
                                    ("15", "Jambi (15)"),
                                    ("16", "Sumatera Selatan (16)"),
                                    ("17", "Bengkulu (17)"),
                                    ("18", "Lampung (18)"),
                                    ("19", "Kepulauan Bangka Belitung (19)"),
                                    ("21", "Kepulauan Riau (21)"),
                                    ("31", "DKI Jakarta (31)"),
                                    ("32", "Jawa Barat (32)"),
                                    ("33", "Jawa Tengah (33)"),
                                    ("34", "DI Yogyakarta (34)"),
                                    ("35", "Jawa Timur (35)"),
                                    ("36", "Banten (36)"),
                                    ("51", "Bali (51)"),
                                    ("52", "Nusa Tenggara Barat (52)"),
                                    ("53", "Nusa Tenggara Timur (53)"),
                                    ("61", "Kalimantan Barat (61)"),
                                    ("62", "Kalimantan Tengah (62)"),
                                    ("63", "Kalimantan Selatan (63)"),
                                    ("64", "Kalimantan Timur (64)"),
                                    ("65", "Kalimantan Utara (65)"),
                                    ("71", "Sulawesi Utara (71)"),
                                    ("72", "Sulawesi Tengah (72)"),
                                    ("73", "Sulawesi Selatan (73)"),
                                    ("74", "Sulawesi Tenggara (74)"),
                                    ("75", "Gorontalo (75)"),
                                    ("76", "Sulawesi Barat (76)"),
                                    ("81", "Maluku (81)"),
                                    ("82", "Maluku Utara (82)"),
                                    ("91", "Papua Barat (91)"),
                                    ("92", "Papua Barat Daya (92)"),
                                    ("94", "Papua (94)"),
                                    ("95", "Papua Selatan (95)"),
                                    ("96", "Papua Tengah (96)"),
                                    ("97", "Papua Pegunungan (97)"),
                                ],
                                help_text="One branch per province, by its BPS code.",
                                max_length=2,
                                unique=True,
                                verbose_name="province",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "region",
                            models.CharField(
                                blank=True,
                                choices=[("west", "West"), ("central", "Central"), ("east", "East")],
                                help_text="National region of the presidium. Left empty, it follows the time zone.",
                                max_length=10,
                                verbose_name="region",
                            ),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "branch",
                        "verbose_name_plural": "branches",
                        "db_table": "members_branch",
                        "ordering": ["name"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="branches",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Branches whose records this user works on.",
                        related_name="users",
                        to="opsi.branch",
                        verbose_name="branches",
                    ),
                ),
                migrations.CreateModel(
                    name="DropInCentre",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "area",
                            models.CharField(
                                blank=True,
                                help_text="District or city. No street address: the centre's safety matters.",
                                max_length=100,
                                verbose_name="area",
                            ),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "branch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="drop_in_centres",
                                to="opsi.branch",
                                verbose_name="branch",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "drop-in centre",
                        "verbose_name_plural": "drop-in centres",
                        "db_table": "members_dropincentre",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("branch", "name"),
                                name="unique_drop_in_centre_name",
                                violation_error_message="This branch already has a drop-in centre with this name.",
                            )
                        ],
                        "ordering": ["branch__name", "name"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="usual_drop_in_centre",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Pre-selected when this user logs a visit.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="opsi.dropincentre",
                        verbose_name="usual drop-in centre",
                    ),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_opsi, content_types_to_members),
    ]
