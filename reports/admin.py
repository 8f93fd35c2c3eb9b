"""Population size estimates in the admin too (administrators); the secretariat enters them on
its own page (``reports.estimates``)."""

from django.contrib import admin

from opsi.forms import CleanTextModelForm

from .models import DataElementMapping, Dhis2Export, MappingVersion, OrgUnitMapping, PopulationSizeEstimate


@admin.register(PopulationSizeEstimate)
class PopulationSizeEstimateAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["branch", "year", "sex_workers", "source", "estimated_on", "entered_by"]
    list_filter = ["year", "branch"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


class DataElementMappingInline(admin.TabularInline):
    model = DataElementMapping
    form = CleanTextModelForm
    extra = 1
    fields = [
        "figure",
        "row",
        "column",
        "data_element",
        "category_option_combo",
        "adx_category_options",
        "zero_is_significant",
    ]


class OrgUnitMappingInline(admin.TabularInline):
    model = OrgUnitMapping
    form = CleanTextModelForm
    extra = 1
    fields = ["scope_kind", "region", "branch", "org_unit"]


@admin.register(MappingVersion)
class MappingVersionAdmin(admin.ModelAdmin):
    """A report's DHIS2 mapping, one version per span of days: the figures' keys are listed on
    the DHIS2 page of the report (``reports.exchange``), under the figures not mapped."""

    form = CleanTextModelForm
    list_display = ["name", "definition", "data_set", "valid_from", "valid_to", "created_by"]
    list_filter = ["definition"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [DataElementMappingInline, OrgUnitMappingInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A version an export used stays (the exports name it); end it with "valid to" instead.
        if obj is not None and obj.dhis2export_set.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Dhis2Export)
class Dhis2ExportAdmin(admin.ModelAdmin):
    """The record of what was sent: read only (its form keeps the text rule should a field
    ever become editable)."""

    form = CleanTextModelForm
    list_display = ["made_at", "made_by", "definition", "period_start", "period_end", "scope_kind", "file_format"]
    list_filter = ["definition", "file_format"]
    exclude = ["held", "content", "submission_key"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
