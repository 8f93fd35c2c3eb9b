"""Report scopes: national, one region, or one branch; always within what the user may see."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from opsi.tenant import Branch, Region


@dataclass(frozen=True)
class Scope:
    kind: str  # "national", "region" or "branch"
    value: str = ""

    def branches(self, user):
        """The branches this scope covers, through the one access rule."""
        branches = Branch.objects.visible_to(user)
        if self.kind == "region":
            return branches.filter(region=self.value)
        if self.kind == "branch":
            return branches.filter(pk=self.value)
        return branches

    def label(self, user=None):
        if self.kind == "region":
            return _("Region %(name)s") % {"name": Region(self.value).label}
        if self.kind == "branch":
            branch = Branch.objects.filter(pk=self.value).first()
            return branch.name if branch else "?"
        return _("National")

    def allowed(self, user):
        """Coordinators and outreach workers report on their own branches only."""
        if user.sees_all_branches:
            return self.kind != "branch" or Branch.objects.filter(pk=self.value).exists()
        if self.kind != "branch":
            return False
        return Branch.objects.visible_to(user).filter(pk=self.value).exists()
