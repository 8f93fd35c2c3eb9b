from django.urls import path

from . import views

urlpatterns = [
    path("reports/dhis2/", views.exchange_page, name="dhis2_exchange"),
    path("reports/dhis2/file.<str:file_format>", views.exchange_download, name="dhis2_download"),
    path("reports/dhis2/send/", views.exchange_send, name="dhis2_send"),
]
