from django.urls import path

from . import views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/copy/", views.access_copy_view, name="access_copy"),
    path("requests/<int:pk>/copy.pdf", views.access_copy_view, {"file_format": "pdf"}, name="access_copy_pdf"),
    path("members/<int:pk>/consent/", views.member_consent, name="member_consent"),
    path("breaches/", views.breach_list, name="breach_list"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<int:pk>/", views.breach_detail, name="breach_detail"),
    path("breaches/<int:pk>/notified/", views.breach_notified, name="breach_notified"),
    path("breaches/<int:pk>/trail/", views.breach_trail, name="breach_trail"),
    path("register/", views.processing_register, name="processing_register"),
]
