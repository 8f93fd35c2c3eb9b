from django.urls import path

from . import sharing_views

urlpatterns = [
    path("agreements/", sharing_views.agreement_list, name="agreement_list"),
    path("agreements/new/", sharing_views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", sharing_views.agreement_detail, name="agreement_detail"),
    path("shared/<str:token>/", sharing_views.shared_figures, name="shared_figures"),
]
