"""The public invitation page, outside /t/<slug>/ (the visitor is not a member yet)."""

from django.urls import path

from .views import accept

urlpatterns = [
    path("<str:token>/", accept.invitation_accept_view, name="invitation-accept"),
]
