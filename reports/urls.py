from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_page, name="report_page"),
    path("reports/report.<str:file_format>", views.report_download, name="report_download"),
]
