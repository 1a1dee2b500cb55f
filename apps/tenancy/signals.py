"""Carry the user's chosen language into the session at login, where the language middleware reads it."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import UserProfile

SESSION_LANGUAGE = "language"


@receiver(user_logged_in, dispatch_uid="tenancy.language_on_login")
def remember_language(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    language = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    if language:
        request.session[SESSION_LANGUAGE] = language
