import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Control characters (C0 and C1, DEL) and the two non-characters XML cannot hold: nobody types
# them, they come in pasted or crafted text, and a spreadsheet or a PDF cannot carry them.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
# A multi-line field keeps its line breaks and tabs.
CONTROL_CHARACTERS_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_control_characters(text, multiline=False):
    pattern = CONTROL_CHARACTERS_BUT_LINES if multiline else CONTROL_CHARACTERS
    return isinstance(text, str) and pattern.search(text) is not None


@deconstructible
class ControlCharacterValidator:
    """Refuses text holding control characters, with a message rather than a silent change:
    the person sees what was refused and types it again."""

    message = _(
        "This contains characters that cannot be saved (invisible control characters, "
        "for example from pasted text). Please type it again."
    )
    code = "control_characters"

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if has_control_characters(value, self.multiline):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline


class CleanTextMixin:
    """Every text field of the form refuses control characters (line breaks and tabs stay
    allowed in multi-line fields; passwords are left alone). Put it first among a form's bases.

    The rule is added when the form is cleaned, so fields a form adds or changes in its
    ``__init__`` are covered too.
    """

    def full_clean(self):
        for field in self.fields.values():
            # A password is checked against its hash, never stored or exported as text.
            if isinstance(field.widget, forms.PasswordInput):
                continue
            if isinstance(field, forms.CharField) and not any(
                isinstance(v, ControlCharacterValidator) for v in field.validators
            ):
                field.validators.append(ControlCharacterValidator(multiline=isinstance(field.widget, forms.Textarea)))
        super().full_clean()


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The admin's forms: the same rule as every page's form."""


class BranchChoiceMixin:
    """A ``branch`` field that offers the given branches; with only one, it is hidden and filled in."""

    only_branch = None

    def limit_branches(self, branches):
        field = self.fields["branch"]
        field.queryset = branches
        field.empty_label = None
        self.only_branch = branches[0] if len(branches) == 1 else None
        if self.only_branch is not None:
            field.widget = forms.HiddenInput()
            field.required = False
            self.initial.setdefault("branch", self.only_branch.pk)

    def clean_branch(self):
        return self.cleaned_data.get("branch") or self.only_branch


class ObjectChoiceMixin:
    """Choices among objects the form already holds (a list), cleaned to the objects.

    Unlike ``ModelChoiceField`` it asks the database nothing, neither to render the
    options nor to check the answer: the form chose the objects (through the access
    rule), and an answer outside them is refused like any invalid choice.
    """

    objects = {}

    def set_objects(self, objects):
        self.objects = {str(obj.pk): obj for obj in objects}
        # Given as a callable, the options are labelled only when they are rendered or checked.
        self.choices = lambda: [(key, self.label_from_instance(obj)) for key, obj in self.objects.items()]

    def label_from_instance(self, obj):
        return str(obj)


class ObjectChoiceField(ObjectChoiceMixin, forms.ChoiceField):
    def clean(self, value):
        key = super().clean(value)
        return self.objects[key] if key else None


class ObjectMultipleChoiceField(ObjectChoiceMixin, forms.MultipleChoiceField):
    def clean(self, value):
        return [self.objects[key] for key in dict.fromkeys(super().clean(value))]


def rendered_fields_key(form, names):
    """A cache key for the rendering of the fields ``names`` of ``form``, read from the fields
    themselves (kind, label, help text, required, widget attributes, value, options) and the
    language, so that nothing that changes what they show can be left out of it; None when one
    of them has an error to show."""
    from django.utils.translation import get_language

    if form.is_bound and any(form.errors.get(name) for name in names):
        return None
    return repr(
        (
            get_language(),
            [
                (
                    name,
                    type(field).__name__,
                    str(field.label),
                    str(field.help_text),
                    field.required,
                    sorted(field.widget.attrs.items()),
                    str(form[name].value()),
                    [(str(value), str(label)) for value, label in getattr(field, "choices", ())],
                )
                for name in names
                for field in [form.fields[name]]
            ],
        )
    )
