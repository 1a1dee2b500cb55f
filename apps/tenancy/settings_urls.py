from django.urls import path

from . import settings_views

# Mounted at /t/<slug>/settings/ (salesmgmt/urls.py).
urlpatterns = [
    path("organisation/", settings_views.organisation_settings, name="organisation-settings"),
]
