from django.urls import path

from . import views

urlpatterns = [
    path("outreach/", views.session_list, name="session_list"),
    path("outreach/new/", views.session_new, name="session_new"),
    path("outreach/<int:pk>/", views.session_detail, name="session_detail"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("trainings/modules/", views.training_modules, name="training_modules"),
    path("trainings/modules/new/", views.training_module_new, name="training_module_new"),
]
