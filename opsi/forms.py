from django import forms


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
