from django import forms

from .models import DropInCentre


class DropInCentreForm(forms.ModelForm):
    class Meta:
        model = DropInCentre
        fields = ["name", "area", "active"]

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch

    def validate_unique(self):
        # ``branch`` is not a form field, so ModelForm would skip the
        # (branch, name) constraint; check it here to show a message, not a 500.
        self._validate_unique = True
        exclude = self._get_validation_exclusions()
        exclude.discard("branch")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)
