from django.urls import include, path

from . import estimates, views

urlpatterns = [
    path("reports/", views.report_page, name="report_page"),
    path("reports/report.<str:file_format>", views.report_download, name="report_download"),
    path("reports/size-estimates/", estimates.size_estimates, name="size_estimates"),
    path("", include("reports.exchange.urls")),
]
