"""The one access rule: which branches' records a user may see and change.

Every model that belongs to a branch uses ``ScopedQuerySet`` and names the path
from itself to its branch in ``branch_path``. Views, exports, reports and admin
pages fetch through ``visible_to(user)`` (read) or ``writable_by(user)`` (change),
so another branch's record is simply not there: a 404, never a 403 that
confirms it exists.

What a role may do is a named property of the user (``opsi.models.User``:
``records_work``, ``manages_branch_setup``, ``handles_incidents``...), checked by
views with ``role_required``. Reports restrict rows to the branches in scope with
``in_branches(ids)``, read from the same ``branch_path``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class BranchQuerySet(models.QuerySet):
    """Rows of a model that names its path to a branch in ``branch_path``."""

    def _branch_filter(self, branches):
        path = self.model.branch_path
        lookup = "pk__in" if path == "" else f"{path}__in"
        return self.filter(**{lookup: branches})

    def in_branches(self, branch_ids):
        """Rows of these branches (ids or a subquery of them); ``None`` means every branch.

        For reports, after the report's scope was checked against the user.
        """
        return self if branch_ids is None else self._branch_filter(branch_ids)


class ScopedQuerySet(BranchQuerySet):
    """A model of a branch's records: read through ``visible_to``, changed through ``writable_by``."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_all_branches:
            return self.all()
        return self._branch_filter(user.branch_ids)

    def writable_by(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        if not user.writes_in_branches:
            return self.none()
        return self._branch_filter(user.branch_ids)


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object through ``visible_to``; anything else is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_writable_or_404(queryset, user, **lookup):
    """Fetch one object the user may change; another branch's object is a 404.

    An object the user may read but not change (the secretariat reading a
    branch) raises ``PermissionDenied`` instead, since its existence is no secret
    to them.
    """
    try:
        return queryset.writable_by(user).get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.visible_to(user).filter(**lookup).exists():
            raise PermissionDenied from None
        raise Http404 from None


def get_with_access_or_404(queryset, user, **lookup):
    """``(object, may_change)``: the object through ``visible_to`` (else a 404) and whether
    the user may also change it (``writable_by``), for pages that show an object and offer
    its actions only to those who may take them."""
    obj = get_visible_or_404(queryset, user, **lookup)
    return obj, may_change(user, obj)


def may_change(user, obj):
    """Whether ``writable_by(user)`` holds ``obj``, by the rule of its model."""
    return type(obj)._default_manager.writable_by(user).filter(pk=obj.pk).exists()


def role_required(permission):
    """A view only for users whose ``permission`` property is true (e.g. ``"records_work"``);
    others get a 403. Put it under ``login_required``."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not getattr(request.user, permission, False):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator
