from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/respond/", views.incident_respond, name="incident_respond"),
    path("incidents/<int:pk>/refer/", views.incident_refer, name="incident_refer"),
    path("alerts/new/", views.alert_create, name="alert_create"),
]
