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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A national partner's places may be near any branch; a branch's partner's too (a
        # clinic across a provincial border), since where it is harms nobody.
        self.fields["branch"].queryset = Branch.objects.order_by("name")


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


class DirectoryFilter(forms.Form):
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
