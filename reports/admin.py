"""Population size estimates in the admin too (administrators); the secretariat enters them on
its own page (``reports.estimates``)."""

from django.contrib import admin

from opsi.forms import CleanTextModelForm

from .models import PopulationSizeEstimate


@admin.register(PopulationSizeEstimate)
class PopulationSizeEstimateAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["branch", "year", "sex_workers", "source", "estimated_on", "entered_by"]
    list_filter = ["year", "branch"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
