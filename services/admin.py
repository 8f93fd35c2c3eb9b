"""The service catalogue and the commodities, kept by administrators."""

from django.contrib import admin

from opsi.forms import CleanTextModelForm

from .models import Commodity, ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    form = CleanTextModelForm  # names go into reports and spreadsheets
    list_display = ["name", "name_en", "commodity", "counts_for_prevention", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active", "counts_for_prevention"]
    search_fields = ["name", "name_en"]


@admin.register(Commodity)
class CommodityAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "name_en", "low_stock_threshold"]
    search_fields = ["name", "name_en"]
