"""`manage.py create_organisation`: a good run makes the organisation, its starter data and its
first admin (invited by mail in the organisation's language); any bad argument creates nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_scopes import scopes_disabled

from apps.targets.models import CustomMetric, SeasonalProfile
from apps.tenancy.context import tenant_context
from apps.tenancy.models import Membership, OutboxMail, Role, Tenant
from apps.tenancy.tasks import send_outbox_mail
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "华信商贸",
    "slug": "huaxin",
    "timezone": "Asia/Shanghai",
    "currency": "CNY",
    "language": "zh-hans",
    "admin_email": "li.wei@huaxin.example",
}


@pytest.fixture
def sent_tasks(monkeypatch):
    calls = []
    monkeypatch.setattr(send_outbox_mail, "delay", lambda *args: calls.append(args))
    return calls


def run(django_capture_on_commit_callbacks=None, **overrides) -> str:
    values = {**GOOD, **overrides}
    args = [f"--{key.replace('_', '-')}={value}" for key, value in values.items()]
    out = StringIO()
    call_command("create_organisation", *args, stdout=out)
    return out.getvalue()


def the_mail(tenant) -> OutboxMail:
    with tenant_context(tenant):
        return OutboxMail.objects.get()


def test_a_good_run_creates_the_organisation_its_starter_data_and_invites_its_admin(
    sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    assert "/t/huaxin/" in out
    tenant = Tenant.objects.get(slug="huaxin")
    assert (tenant.name, tenant.timezone, tenant.currency, tenant.default_language) == (
        "华信商贸",
        "Asia/Shanghai",
        "CNY",
        "zh-hans",
    )
    with tenant_context(tenant):
        assert SeasonalProfile.objects.filter(name="均衡分布").exists()
        assert CustomMetric.objects.count() == 8
        admin = Membership.objects.select_related("user").get(tenant=tenant)
    assert admin.role == Role.ADMIN and admin.user.email == GOOD["admin_email"]
    assert not admin.user.has_usable_password()
    mail = the_mail(tenant)
    assert mail.to_address == GOOD["admin_email"]
    assert "华信商贸" in mail.subject and "管理员" in mail.body  # in the organisation's language
    assert sent_tasks == [(tenant.pk, mail.pk)]  # leaves through the outbox once committed


def test_the_mailed_link_lets_the_admin_choose_a_password(client, django_capture_on_commit_callbacks):
    run()
    tenant = Tenant.objects.get(slug="huaxin")
    link = next(line for line in the_mail(tenant).body.splitlines() if "/accounts/reset/" in line)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    user = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    assert default_token_generator.check_token(user, token)
    response = client.get(link.split("127.0.0.1:8000", 1)[-1], follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Str0ng-pass-word", "new_password2": "Str0ng-pass-word"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Str0ng-pass-word")


def test_an_english_organisation_is_written_to_in_english():
    run(
        slug="rival-supplies", name="Rival Supplies", language="en", currency="SGD", timezone="Asia/Singapore"
    )
    mail = the_mail(Tenant.objects.get(slug="rival-supplies"))
    assert mail.subject == "Welcome to salesmgmt: Rival Supplies"


def test_an_existing_user_is_made_admin_and_told_without_a_password_link(tenant):
    user = UserFactory(email="li.wei@huaxin.example")
    MembershipFactory(tenant=tenant, user=user)
    run()
    new = Tenant.objects.get(slug="huaxin")
    with scopes_disabled():
        assert set(Membership.objects.filter(user=user).values_list("tenant__slug", "role")) == {
            ("acme", Role.REP),
            ("huaxin", Role.ADMIN),
        }
    assert "/accounts/reset/" not in the_mail(new).body
    assert user.check_password("pass-123-word")


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("name", "  ", "Give the organisation a name"),
        ("slug", "Hua Xin", "Lowercase letters, digits and dashes"),
        ("slug", "-huaxin", "Lowercase letters, digits and dashes"),
        ("slug", "h" * 51, "At most 50"),
        ("timezone", "China/Beijing", "Unknown time zone"),
        ("currency", "RMB", "ISO 4217"),
        ("language", "fr", "languages offered"),
        ("admin_email", "li.wei-at-huaxin", "valid e-mail"),
    ],
)
def test_each_bad_argument_is_refused_and_nothing_is_created(argument, value, message):
    with pytest.raises(CommandError) as caught:
        run(**{argument: value})
    assert message in str(caught.value)
    assert f"--{argument.replace('_', '-')}" in str(caught.value)
    assert not Tenant.objects.exclude(slug__in=["acme"]).exists()
    assert not get_user_model().objects.filter(email=GOOD["admin_email"]).exists()


def test_every_bad_argument_is_reported_at_once():
    with pytest.raises(CommandError) as caught:
        run(name="", currency="RMB", admin_email="nope")
    assert all(arg in str(caught.value) for arg in ("--name", "--currency", "--admin-email"))


def test_a_second_run_with_the_same_slug_changes_nothing(django_capture_on_commit_callbacks):
    run()
    tenant = Tenant.objects.get(slug="huaxin")
    with pytest.raises(CommandError, match="already exists"):
        run(name="Someone else", admin_email="other@example.com")
    tenant.refresh_from_db()
    assert tenant.name == "华信商贸"
    with tenant_context(tenant):
        assert Membership.objects.filter(tenant=tenant).count() == 1
        assert CustomMetric.objects.count() == 8
        assert OutboxMail.objects.count() == 1
    assert not get_user_model().objects.filter(email="other@example.com").exists()
