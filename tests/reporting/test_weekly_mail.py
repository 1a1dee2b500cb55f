"""The Monday mail: each manager gets their team's weekly report (周进度控制) in their language, once
per week, from a job due from 07:00 local time on Monday."""

import datetime as dt

import pytest
from django_scopes import scope, scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.reporting.services import weekly_report_mail
from apps.tenancy.models import Membership, Notification, OutboxMail, Role, UserProfile
from apps.tenancy.scheduling import _JOBS
from tests.factories import MembershipFactory

from .conftest import WEEK

pytestmark = pytest.mark.django_db


def send(tenant):
    with scope(tenant=tenant.pk):
        return weekly_report_mail(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])


def mails():
    with scopes_disabled():
        return list(OutboxMail.objects.order_by("id"))


def test_each_manager_gets_their_teams_week_once(tenant, field, django_capture_on_commit_callbacks):
    field.manager.user.email = "mgr@example.com"
    field.manager.user.save()
    with scopes_disabled():
        assert not WeeklyProgress.objects.exists()
    with django_capture_on_commit_callbacks():
        assert send(tenant) == 1
    with scopes_disabled():
        assert WeeklyProgress.objects.filter(week_start=dt.date(2026, 11, 9)).exists()  # rolled up first
        note = Notification.objects.get()
    [mail] = mails()
    assert note.recipient_id == field.manager.pk and note.kind == "weekly_report"
    assert mail.to_address == "mgr@example.com"
    assert mail.subject == "Weekly sales report 2026-W46 · North"
    assert "North · week 2026-W46 (2026-11-09 – 2026-11-15)" in mail.body
    assert "¥2,300.00" in mail.body  # o1 + o2 + o3, the team's subtree
    assert "- Anna: ¥1,500.00" in mail.body and "- Bo: ¥800.00" in mail.body
    assert "Market reports: 1" in mail.body
    assert "/reporting/weekly/?team=" in mail.body and "week=2026-W46" in mail.body

    assert send(tenant) == 0  # a redelivered job tells no one twice
    assert len(mails()) == 1


def test_the_mail_is_in_the_managers_language(tenant, field):
    field.manager.user.email = "mgr@example.com"
    field.manager.user.save()
    UserProfile.objects.create(user=field.manager.user, language="zh-hans")
    send(tenant)
    [mail] = mails()
    assert mail.subject == "周销售报告 2026-W46 · North"
    assert "达成率" in mail.body and "客户经理销售排名" in mail.body and "Sales" not in mail.body


def test_reps_and_inactive_managers_get_nothing(tenant, field):
    gone = MembershipFactory(tenant=tenant, role=Role.MANAGER, team=field.north1, is_active=False)
    assert send(tenant) == 1
    with scopes_disabled():
        told = set(Notification.objects.values_list("recipient_id", flat=True))
        assert told == {field.manager.pk}
        assert gone.pk not in told and not Membership.objects.filter(pk__in=told, role=Role.REP).exists()


def test_the_job_is_due_from_monday_seven_for_the_week_before(tenant):
    due = _JOBS["weekly_report_mail"].due
    monday = dt.datetime(2026, 11, 16, 7, 5, tzinfo=tenant.tzinfo)
    assert due(tenant, monday) == "2026-W46"
    assert due(tenant, monday - dt.timedelta(minutes=10)) == "2026-W45"  # before 07:00: the week before
