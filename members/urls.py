from django.urls import path

from . import views

urlpatterns = [
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("drop-in-centres/<int:pk>/", views.drop_in_centre_detail, name="drop_in_centre_detail"),
    path("drop-in-centres/<int:pk>/edit/", views.drop_in_centre_edit, name="drop_in_centre_edit"),
    path("branches/<int:pk>/drop-in-centres/new/", views.drop_in_centre_create, name="drop_in_centre_create"),
]
