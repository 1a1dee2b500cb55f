"""Sign-in, sign-out, password reset and change, language preference, organisation switcher."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.tenancy.models import Role, UserProfile
from tests.factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and 'name="username"' in response.text


def test_login_with_the_form_lands_on_the_dashboard(client, rep):
    response = client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("dashboard", kwargs={"tenant_slug": rep.tenant.slug})


def test_wrong_password_rerenders_the_form_with_an_error(client, rep):
    response = client.post(reverse("login"), {"username": "rep1", "password": "nope"})
    assert response.status_code == 200 and response.context["form"].errors


def test_login_puts_the_profile_language_into_the_session(client, rep):
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"})
    assert client.session["language"] == "zh-hans"


def test_logout_needs_a_post(client, rep):
    client.force_login(rep.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client, rep):
    response = client.post(reverse("password_reset"), {"email": rep.user.email})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body)[1]
    form_url = client.get(link, follow=True).request["PATH_INFO"]
    done = client.post(form_url, {"new_password1": "Fresh-pass-4711", "new_password2": "Fresh-pass-4711"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    rep.user.refresh_from_db()
    assert rep.user.check_password("Fresh-pass-4711")


def test_password_reset_pages_render(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name


def test_password_change(client, rep):
    client.force_login(rep.user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-123-word",
            "new_password1": "Other-pass-0815",
            "new_password2": "Other-pass-0815",
        },
    )
    assert response.status_code == 302
    rep.user.refresh_from_db()
    assert rep.user.check_password("Other-pass-0815")


def test_password_change_mismatch_shows_errors(client, rep):
    client.force_login(rep.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-123-word", "new_password1": "Other-pass-0815", "new_password2": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_preferences_save_the_language_to_profile_and_session(client, rep):
    client.force_login(rep.user)
    assert client.get(reverse("preferences")).status_code == 200
    response = client.post(reverse("preferences"), {"language": "zh-hans"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=rep.user).language == "zh-hans"
    assert client.session["language"] == "zh-hans"


def test_preferences_refuse_an_unknown_language(client, rep):
    client.force_login(rep.user)
    response = client.post(reverse("preferences"), {"language": "xx"})
    assert response.status_code == 200 and response.context["form"].errors


def test_header_language_switch_returns_to_the_page(client, rep):
    client.force_login(rep.user)
    back = reverse("customers:list", kwargs={"tenant_slug": rep.tenant.slug})
    response = client.post(reverse("set-language"), {"language": "zh-hans", "next": back})
    assert response["Location"] == back
    assert client.session["language"] == "zh-hans"


def test_language_switch_does_not_redirect_off_site(client, rep):
    client.force_login(rep.user)
    response = client.post(reverse("set-language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_user_with_two_organisations_chooses_and_can_switch(client, rep):
    second = TenantFactory(slug="second-org", name="Second Org")
    MembershipFactory(tenant=second, user=rep.user, role=Role.MANAGER)
    client.force_login(rep.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "Second Org" in response.text
    dashboard = client.get(reverse("dashboard", kwargs={"tenant_slug": "second-org"}))
    assert dashboard.status_code == 200
    assert 'href="/t/acme/"' in dashboard.text  # the switcher in the header
    assert client.get(reverse("choose-tenant")).status_code == 200


def test_admin_navigation_links_the_tenant_admin(client, admin, rep):
    client.force_login(admin.user)
    assert 'href="/tenant-admin/"' in client.get(f"/t/{admin.tenant.slug}/").text
    client.force_login(rep.user)
    text = client.get(f"/t/{rep.tenant.slug}/").text
    assert 'href="/tenant-admin/"' not in text and "/team/" not in text
