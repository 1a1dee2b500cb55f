from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .throttling import rate_limited

urlpatterns = [
    path(
        "login/",
        rate_limited("login", credential="username")(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Each reset sends a mail: limited so the form cannot flood an inbox or probe addresses fast.
    path(
        "password/reset/",
        rate_limited("password_reset", credential="email")(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.set_language, name="set-language"),
    path("organisations/", views.choose_tenant, name="choose-tenant"),
]
