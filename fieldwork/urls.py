from django.urls import path

from . import views

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("offline/", views.capture, name="offline_capture"),
    path("offline/worker/", views.worker, name="offline_worker"),
    path("offline/send/", views.send, name="offline_send"),
]
