from django import forms
from django.utils.translation import gettext_lazy as _

from opsi.forms import CleanTextMixin
from opsi.tenant import Branch
from opsi.dates import DateField

from .models import Partner, PartnerLocation, PartnerService, ServiceKind


class PartnerForm(CleanTextMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "branch", "description", "website", "phone", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["branch"]
        if user.is_admin:
            field.queryset = Branch.objects.order_by("name")
            field.empty_label = _("National")
        elif user.role == user.Role.SECRETARIAT:
            # The secretariat keeps the national partners; a branch's partners are its coordinators'.
            del self.fields["branch"]
        else:
            field.queryset = Branch.objects.filter(pk__in=user.branch_ids).order_by("name")
            field.required = True
            field.empty_label = None


class LocationForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = PartnerLocation
        fields = ["name", "branch", "area", "address", "directions"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A national partner's places may be near any branch (the secretariat keeps them); a
        # coordinator places her partners near her own branches.
        branches = Branch.objects.order_by("name")
        if not (user.is_admin or user.role == user.Role.SECRETARIAT):
            branches = branches.filter(pk__in=user.branch_ids)
        self.fields["branch"].queryset = branches


class ServiceForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = PartnerService
        fields = [
            "kind",
            "name",
            "locations",
            "hours",
            "cost",
            "what_to_bring",
            "welcomes_sex_workers",
            "welcomes_drug_users",
            "last_checked_on",
            "active",
        ]
        widgets = {"locations": forms.CheckboxSelectMultiple}
        field_classes = {"last_checked_on": DateField}

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = partner.locations.all()


class DirectoryFilter(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of service"), required=False, choices=[("", _("All"))] + ServiceKind.choices)
    branch = forms.ModelChoiceField(
        label=_("Near the branch"), queryset=Branch.objects.none(), required=False, empty_label=_("All")
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(
            pk__in=PartnerLocation.objects.values("branch")
        ).order_by("name")


class CompanionTopicForm(CleanTextMixin, forms.Form):
    """A topic as it reads in the next edition, and what changed."""

    key = forms.SlugField(label=_("Topic"), max_length=40)
    title_id = forms.CharField(label=_("Title (Bahasa Indonesia)"), max_length=150)
    title_en = forms.CharField(label=_("Title (English)"), max_length=150, required=False)
    body_id = forms.CharField(label=_("Text (Bahasa Indonesia)"), max_length=8000, widget=forms.Textarea)
    body_en = forms.CharField(label=_("Text (English)"), max_length=8000, widget=forms.Textarea, required=False)
    sources = forms.CharField(label=_("Sources"), max_length=2000, widget=forms.Textarea)
    service_kinds = forms.MultipleChoiceField(
        label=_("Services to refer to"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    changes_id = forms.CharField(label=_("What changed (Bahasa Indonesia)"), max_length=2000, widget=forms.Textarea)
    changes_en = forms.CharField(
        label=_("What changed (English)"), max_length=2000, widget=forms.Textarea, required=False
    )
