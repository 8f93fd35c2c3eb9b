from django.urls import path

from . import import_views, member_views, views

urlpatterns = [
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("branches/<int:pk>/drop-in-centres/new/", views.drop_in_centre_create, name="drop_in_centre_create"),
    path("drop-in-centres/<int:pk>/", views.drop_in_centre_detail, name="drop_in_centre_detail"),
    path("drop-in-centres/<int:pk>/edit/", views.drop_in_centre_edit, name="drop_in_centre_edit"),
    path("members/", member_views.member_list, name="member_list"),
    path("members/new/", member_views.member_create, name="member_create"),
    path("members/import/", import_views.member_import, name="member_import"),
    path("members/import/sample.csv", import_views.member_import_sample, name="member_import_sample"),
    path("members/export.<str:file_format>", member_views.member_export, name="member_export"),
    path("members/<int:pk>/", member_views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", member_views.member_edit, name="member_edit"),
    path("members/<int:pk>/kind/", member_views.member_change_kind, name="member_change_kind"),
    path("members/<int:pk>/leave/", member_views.member_leave, name="member_leave"),
    path("members/<int:pk>/identity/", member_views.member_identity, name="member_identity"),
    path("members/<int:pk>/reveal/", member_views.member_reveal, name="member_reveal"),
]
