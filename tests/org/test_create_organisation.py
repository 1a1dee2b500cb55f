"""`manage.py create_organisation`: a good run makes the organisation and its starter data and invites
its first admin (a single-use link mailed in the organisation's language); a bad argument creates nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.org.models import Invitation
from apps.targets.models import CustomMetric, SeasonalProfile
from apps.tenancy.context import tenant_context
from apps.tenancy.models import Membership, OutboxMail, Role, Tenant
from apps.tenancy.tasks import send_outbox_mail
from tests.factories import MembershipFactory, UserFactory
from tests.org.conftest import link_path

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


def the_link(out: str) -> str:
    """The accept link the command printed (the same as the mail's)."""
    return link_path(next(line.strip() for line in out.splitlines() if "/invitations/" in line))


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
        assert not Membership.objects.filter(tenant=tenant).exists()  # until the link is used
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status, invitation.invited_by_id) == (
        GOOD["admin_email"],
        Role.ADMIN,
        Invitation.Status.PENDING,
        None,
    )
    mail = the_mail(tenant)
    assert mail.to_address == GOOD["admin_email"]
    assert "华信商贸" in mail.subject and "管理员" in mail.body  # in the organisation's language
    assert the_link(out) in mail.body
    assert sent_tasks == [(tenant.pk, mail.pk)]  # leaves through the outbox once committed


def test_the_invited_admin_sets_a_password_and_administers_the_organisation(client):
    path = the_link(run())
    response = client.post(
        path, {"name": "李伟", "password": "a-long-pass-phrase-9", "password_again": "a-long-pass-phrase-9"}
    )
    assert response.status_code == 302 and response["Location"] == "/t/huaxin/"
    tenant = Tenant.objects.get(slug="huaxin")
    with tenant_context(tenant):
        admin = Membership.objects.select_related("user").get(tenant=tenant)
    assert admin.role == Role.ADMIN and admin.user.email == GOOD["admin_email"]
    assert admin.user.check_password("a-long-pass-phrase-9")
    assert client.get("/t/huaxin/settings/organisation/").status_code == 200
    assert client.get(path).status_code == 410  # the link works once


def test_an_english_organisation_is_written_to_in_english():
    run(
        slug="rival-supplies", name="Rival Supplies", language="en", currency="SGD", timezone="Asia/Singapore"
    )
    mail = the_mail(Tenant.objects.get(slug="rival-supplies"))
    assert mail.subject == "Invitation to join Rival Supplies"


def test_a_person_with_an_account_joins_as_admin_with_it(client, tenant):
    user = UserFactory(email="li.wei@huaxin.example")
    MembershipFactory(tenant=tenant, user=user)
    path = the_link(run())
    client.force_login(user)
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/t/huaxin/"
    with scopes_disabled():
        assert set(Membership.objects.filter(user=user).values_list("tenant__slug", "role")) == {
            ("acme", Role.REP),
            ("huaxin", Role.ADMIN),
        }
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
    with scopes_disabled():
        assert not Invitation.objects.exists() and not OutboxMail.objects.exists()


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
        assert Invitation.objects.count() == 1
        assert CustomMetric.objects.count() == 8
        assert OutboxMail.objects.count() == 1
    with scopes_disabled():
        assert not Invitation.objects.filter(email="other@example.com").exists()


# ---- manage.py invite_admin: when the first link expired unused -------------------------------------


def invite_admin(*args: str) -> str:
    out = StringIO()
    call_command("invite_admin", *args, stdout=out)
    return out.getvalue()


def test_an_expired_first_link_is_replaced_and_the_old_one_dies(client):
    old = the_link(run())
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(old).status_code == 410
    new = the_link(invite_admin("--slug=huaxin", f"--email={GOOD['admin_email']}"))
    assert new != old
    with scopes_disabled():
        invitation = Invitation.objects.get()  # the same invitation, sent again
    assert invitation.status == Invitation.Status.PENDING and invitation.sent_count == 2
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_another_address_gets_its_own_admin_invitation():
    run()
    invite_admin("--slug=huaxin", "--email=zhang.min@huaxin.example")
    with scopes_disabled():
        assert set(Invitation.objects.values_list("email", "role")) == {
            (GOOD["admin_email"], Role.ADMIN),
            ("zhang.min@huaxin.example", Role.ADMIN),
        }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug=nowhere", "--email=a@example.com"], "No organisation has the slug"),
        (["--slug=acme", "--email=not-an-address"], "valid e-mail"),
    ],
)
def test_invite_admin_refuses_with_the_reason(tenant, args, message):
    with pytest.raises(CommandError, match=message):
        invite_admin(*args)
    with scopes_disabled():
        assert not Invitation.objects.exists()
