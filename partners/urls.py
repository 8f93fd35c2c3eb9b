from django.urls import path

from . import views

urlpatterns = [
    path("partners/", views.directory, name="partner_directory"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/places/new/", views.location_create, name="partner_location_create"),
    path("partners/places/<int:pk>/edit/", views.location_edit, name="partner_location_edit"),
    path("partners/<int:pk>/services/new/", views.service_create, name="partner_service_create"),
    path("partners/services/<int:pk>/edit/", views.service_edit, name="partner_service_edit"),
    path("companion/", views.companion, name="companion"),
    path("companion/edit/", views.companion_edit, name="companion_edit"),
]
