"""The one access rule: which branches' records a user may see and change.

Every model that belongs to a branch uses ``ScopedQuerySet`` and names the path
from itself to its branch in ``branch_path``. Views, exports, reports and admin
pages fetch through ``visible_to(user)`` (read) or ``writable_by(user)`` (change),
so another branch's record is simply not there: a 404, never a 403 that
confirms it exists.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class ScopedQuerySet(models.QuerySet):
    def _branch_filter(self, branches):
        path = self.model.branch_path
        lookup = "pk__in" if path == "" else f"{path}__in"
        return self.filter(**{lookup: branches})

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
