"""Reminders run in each tenant's own time (Asia/Shanghai, America/New_York), on working days, and
a re-run for the same day reminds nobody twice."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from apps.tenancy import scheduling
from apps.tenancy.models import Notification, OutboxMail
from apps.tenancy.tasks import send_outbox_mail
from apps.visits.tasks import remind_missing_plans, remind_missing_reports
from tests.factories import MembershipFactory, TenantFactory
from tests.visits.factories import DailyReportFactory, VisitPlanFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (compiles the catalogues first)

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(send_outbox_mail, "delay", lambda *args: None)


@pytest.fixture
def shanghai(db):
    return TenantFactory(slug="sh", timezone="Asia/Shanghai")


@pytest.fixture
def new_york(db):
    return TenantFactory(slug="ny", timezone="America/New_York")


def _due(now: dt.datetime) -> set[tuple[str, str, str]]:
    """(tenant slug, job, period) the dispatcher would record at UTC `now` for the reminder jobs."""
    out = set()
    with scopes_disabled():
        from apps.tenancy.models import Tenant

        for tenant in Tenant.objects.filter(slug__in=["sh", "ny"]):
            local = now.astimezone(tenant.tzinfo)
            for code in ("visits_plan_reminders", "visits_report_reminders"):
                period = scheduling.get_job(code).due(tenant, local)
                if period:
                    out.add((tenant.slug, code, period))
    return out


def test_the_jobs_are_due_at_each_tenants_local_cutoff_and_deadline(shanghai, new_york):
    # 01:35 UTC Monday = 09:35 Monday in Shanghai (after the 09:30 cut-off), Sunday evening in New York
    assert _due(dt.datetime(2026, 11, 23, 1, 35, tzinfo=dt.UTC)) == {
        ("sh", "visits_plan_reminders", "2026-11-23")
    }
    # 01:25 UTC: 09:25 in Shanghai, before the cut-off
    assert _due(dt.datetime(2026, 11, 23, 1, 25, tzinfo=dt.UTC)) == set()
    # 14:35 UTC Monday = 09:35 in New York (EST) and 22:35 in Shanghai (both jobs due there that day)
    assert _due(dt.datetime(2026, 11, 23, 14, 35, tzinfo=dt.UTC)) == {
        ("ny", "visits_plan_reminders", "2026-11-23"),
        ("sh", "visits_plan_reminders", "2026-11-23"),
        ("sh", "visits_report_reminders", "2026-11-23"),
    }
    # Saturday: nobody is reminded
    assert _due(dt.datetime(2026, 11, 28, 14, 35, tzinfo=dt.UTC)) == set()


def test_the_dispatcher_enqueues_the_reminder_once_per_tenant_and_day(
    shanghai, new_york, django_capture_on_commit_callbacks
):
    at = dt.datetime(2026, 11, 23, 14, 35, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=False):
        first = {(t, j, p) for t, j, p in scheduling.dispatch(at) if j.startswith("visits_")}
        again = {
            (t, j, p)
            for t, j, p in scheduling.dispatch(at + dt.timedelta(minutes=5))
            if j.startswith("visits_")
        }
    assert (new_york.pk, "visits_plan_reminders", "2026-11-23") in first
    assert (shanghai.pk, "visits_report_reminders", "2026-11-23") in first
    assert again == set()


def test_reps_without_a_submitted_plan_are_reminded_once(shanghai, new_york):
    sh_done, sh_draft, sh_none = (MembershipFactory(tenant=shanghai, role="rep") for _ in range(3))
    ny_none = MembershipFactory(tenant=new_york, role="rep")
    MembershipFactory(tenant=shanghai, role="manager")  # managers are not reminded
    VisitPlanFactory(tenant=shanghai, rep=sh_done, day=MONDAY, status="submitted")
    VisitPlanFactory(tenant=shanghai, rep=sh_draft, day=MONDAY, status="draft")
    assert remind_missing_plans(shanghai.pk, "2026-11-23") == 2
    assert remind_missing_plans(shanghai.pk, "2026-11-23") == 0  # a re-run sends nothing twice
    with scopes_disabled():
        reminded = set(
            Notification.objects.filter(kind="plan_reminder").values_list("recipient_id", flat=True)
        )
        assert reminded == {sh_draft.pk, sh_none.pk}
        assert OutboxMail.objects.filter(tenant=shanghai).count() == 2
    assert remind_missing_plans(new_york.pk, "2026-11-23") == 1
    with scopes_disabled():
        assert Notification.objects.get(tenant=new_york).recipient_id == ny_none.pk


def test_reps_without_a_submitted_report_are_reminded_once_per_day(shanghai):
    done, draft = (
        MembershipFactory(tenant=shanghai, role="rep"),
        MembershipFactory(tenant=shanghai, role="rep"),
    )
    DailyReportFactory(tenant=shanghai, rep=done, day=MONDAY, status="submitted")
    DailyReportFactory(tenant=shanghai, rep=draft, day=MONDAY, status="draft")
    assert remind_missing_reports(shanghai.pk, "2026-11-23") == 1
    assert remind_missing_reports(shanghai.pk, "2026-11-23") == 0
    assert remind_missing_reports(shanghai.pk, "2026-11-24") == 2  # another day, another reminder
    with scopes_disabled():
        keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert f"report_reminder:{draft.pk}:2026-11-23" in keys


def test_a_chinese_speaking_tenant_is_reminded_in_chinese(shanghai):
    shanghai.default_language = "zh-hans"
    shanghai.save()
    MembershipFactory(tenant=shanghai, role="rep")
    remind_missing_reports(shanghai.pk, "2026-11-23")
    with scopes_disabled():
        assert "日报" in Notification.objects.get().title
