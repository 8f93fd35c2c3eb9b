from django.urls import path

from . import partner_views, views

urlpatterns = [
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/treatment/", views.visit_art, name="visit_art"),
    path("visits/<int:pk>/refer/", views.referral_create, name="referral_create"),
    path("drop-in-centres/<int:pk>/visits/", views.centre_visits, name="centre_visits"),
    path("drop-in-centres/<int:pk>/stock/", views.centre_stock, name="centre_stock"),
    path("referrals/", views.referral_follow_up, name="referral_follow_up"),
    path("referrals/new/", partner_views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", partner_views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/link/", partner_views.referral_link, name="referral_link"),
    path("r/<str:token>/", partner_views.partner_confirm, name="partner_confirm"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("members/<int:pk>/cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/stuck/", views.stuck_cases, name="stuck_cases"),
]
