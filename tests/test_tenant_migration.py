"""Branches and drop-in centres moved from ``members`` to ``opsi`` without losing a row or a right.

The database is taken back to the migrations before the move, filled there through the models as
they were, and migrated forward: the same rows, users' branches, permissions and history must be
there under the new app.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("opsi", "0003_second_step_changed_at"),
    ("members", "0004_branch_and_peer_educator_history"),
    ("services", "0008_stock_received_once"),
    ("outreach", "0001_sessions_and_trainings"),
    ("incidents", "0002_trail_tells_who_and_when"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move(transactional_db):
    latest = _latest()
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(latest)  # the next tests find the schema they expect, whatever happened here


def test_the_moved_tenant_keeps_its_rows_users_permissions_and_history(before_the_move):
    old = before_the_move
    Branch, DropInCentre = old.get_model("members", "Branch"), old.get_model("members", "DropInCentre")
    ContentType, Permission = old.get_model("contenttypes", "ContentType"), old.get_model("auth", "Permission")
    branch_type = ContentType.objects.get(app_label="members", model="branch")
    jakarta = Branch.objects.create(province="31", name="Jakarta", region="west")
    centre = DropInCentre.objects.create(branch=jakarta, name="DIC Jakarta Utara", area="Jakarta Utara")
    member = old.get_model("members", "Member").objects.create(
        branch=jakarta,
        alias="Mawar",
        uic="MWRX0101900",
        kind="regular",
        gender="woman",
        joined_on="2024-01-01",
        consent_on="2024-01-01",
    )
    user = old.get_model("opsi", "User").objects.create(username="setup", usual_drop_in_centre=centre)
    user.branches.add(jakarta)
    group = old.get_model("auth", "Group").objects.create(name="Branch set-up")
    group.permissions.add(Permission.objects.get(content_type=branch_type, codename="change_branch"))
    user.groups.add(group)
    entry = old.get_model("auditlog", "LogEntry").objects.create(
        content_type=branch_type,
        object_pk=str(jakarta.pk),
        object_id=jakarta.pk,
        object_repr="Jakarta",
        action=1,
        changes={"name": ["Jakarta Raya", "Jakarta"]},
    )

    _migrate(_latest())

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    from members.models import Member
    from opsi.models import User
    from opsi.tenant import Branch as Moved, DropInCentre as MovedCentre

    LiveContentType.objects.clear_cache()
    assert list(Moved.objects.values_list("pk", "name")) == [(jakarta.pk, "Jakarta")]
    assert MovedCentre.objects.get(pk=centre.pk).branch_id == jakarta.pk
    assert Member.objects.get(pk=member.pk).branch.name == "Jakarta"
    moved_user = User.objects.get(pk=user.pk)
    assert [b.pk for b in moved_user.branches.all()] == [jakarta.pk]
    assert moved_user.usual_drop_in_centre_id == centre.pk
    assert moved_user.has_perm("opsi.change_branch") and not moved_user.has_perm("members.change_branch")
    assert LiveContentType.objects.get_for_model(Moved).pk == branch_type.pk  # renamed, not made anew
    assert not LiveContentType.objects.filter(app_label="members", model__in=["branch", "dropincentre"]).exists()
    assert LogEntry.objects.get(pk=entry.pk).content_type.model_class() is Moved
    assert list(LogEntry.objects.get_for_object(Moved.objects.get()).values_list("pk", flat=True)) == [entry.pk]


def test_the_move_is_undone_by_migrating_back(before_the_move):
    ContentType = before_the_move.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="members", model__in=["branch", "dropincentre"]).count() == 2
    assert not ContentType.objects.filter(app_label="opsi", model__in=["branch", "dropincentre"]).exists()


def test_a_content_type_left_empty_by_a_partial_undo_gives_way_to_the_one_with_the_history(before_the_move):
    """``migrate members 0004`` alone lets ``post_migrate`` make an empty ``opsi.branch``; the
    move forward keeps the old row, with its permissions and history, and drops the empty one."""
    ContentType, Permission = (
        before_the_move.get_model("contenttypes", "ContentType"),
        before_the_move.get_model("auth", "Permission"),
    )
    kept = ContentType.objects.get(app_label="members", model="branch")
    empty = ContentType.objects.create(app_label="opsi", model="branch")
    Permission.objects.create(content_type=empty, codename="change_branch", name="Can change branch")

    _migrate(_latest())

    from django.contrib.contenttypes.models import ContentType as LiveContentType

    LiveContentType.objects.clear_cache()
    assert list(LiveContentType.objects.filter(model="branch").values_list("pk", "app_label")) == [(kept.pk, "opsi")]


def test_a_content_type_of_the_new_label_with_history_stops_the_move(before_the_move):
    ContentType = before_the_move.get_model("contenttypes", "ContentType")
    LogEntry = before_the_move.get_model("auditlog", "LogEntry")
    used = ContentType.objects.create(app_label="opsi", model="dropincentre")
    entry = LogEntry.objects.create(content_type=used, object_pk="1", object_repr="?", action=0)
    try:
        with pytest.raises(RuntimeError, match="opsi.dropincentre is already in use .*auditlog.LogEntry"):
            _migrate(_latest())
    finally:
        entry.delete()
        used.delete()
