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


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices from the queryset's own cache: a field whose options the form has already
    read (to pick a default, say) renders them without asking the database again."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ReadOnceChoiceField(forms.ModelChoiceField):
    iterator = ReadOnceChoiceIterator


class ReadOnceMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ReadOnceChoiceIterator
