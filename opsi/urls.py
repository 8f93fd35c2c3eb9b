from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health, job_views, two_factor_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", two_factor_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("exit/", views.quick_exit, name="quick_exit"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    path("login/code/", two_factor_views.verify, name="two_factor_verify"),
    path("login/code/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("files/<uuid:pk>/", job_views.job_progress, name="job_progress"),
    path("files/<uuid:pk>/download", job_views.job_file, name="job_file"),
    path("", include("members.urls")),
    path("", include("partners.urls")),
    path("", include("services.urls")),
    path("", include("outreach.urls")),
    path("", include("reports.urls")),
    path("", include("reports.sharing_urls")),
    path("", include("incidents.urls")),
    path("", include("fieldwork.urls")),
    path("privacy/", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

# A database that fails or refuses writes gets a "try again" page, not an error (opsi/unavailable.py).
handler500 = "opsi.unavailable.server_error"
