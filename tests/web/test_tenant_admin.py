"""The tenant admin (/tenant-admin/) in the user's language and the organisation's time: codes read
as labels, rows as names, times in the organisation's zone; and the product's 403 page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import translation
from django_scopes import scopes_disabled

import salesmgmt.urls
from apps.tenancy.audit import audit_action_label, audit_log
from apps.tenancy.models import TenantJobRun, UserProfile
from apps.tenancy.views import tenant_page
from apps.visits.models import VisitPhoto
from tests.factories import ContactFactory, CustomerFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

NOON_UTC = dt.datetime(2026, 11, 4, 4, 5, tzinfo=dt.UTC)  # 12:05 in Shanghai


def visible(html: str) -> str:
    """The text a reader sees (no tags, so no codes in links and attributes)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", "", html))


def _in_chinese(client, member):
    UserProfile.objects.update_or_create(user=member.user, defaults={"language": "zh-hans"})
    client.force_login(member.user)
    client.get(f"/t/{member.tenant.slug}/")  # the admin runs in the tenant opened last
    return client


@pytest.fixture
def entry(tenant, admin, rep):
    # Written as a service writes it: in the language of the person acting.
    with time_machine.travel(NOON_UTC, tick=False), scopes_disabled(), translation.override("zh-hans"):
        plan = VisitPlanFactory(tenant=tenant, rep=rep, day=dt.date(2026, 11, 4))
        return audit_log(
            plan, "visits.plan.approved", actor=admin, changes={"status": ["submitted", "approved"]}
        )


def test_the_audit_log_reads_in_chinese_with_local_times(client, admin, entry):
    text = visible(_in_chinese(client, admin).get("/tenant-admin/tenancy/auditlog/").text)
    for chinese in ("审计日志", "时间", "操作人", "操作", "记录类型", "拜访计划已批准", "每日拜访计划"):
        assert chinese in text, chinese
    for raw in ("visits.plan.approved", "visits.visitplan", "Object repr", "Created at", "以 action"):
        assert raw not in text, raw
    assert "12:05" in text and "04:05" not in text  # Asia/Shanghai, not UTC


def test_an_audit_entry_shows_its_changes_by_field_name(client, admin, entry):
    text = _in_chinese(client, admin).get(f"/tenant-admin/tenancy/auditlog/{entry.pk}/change/").text
    assert "状态" in text and "submitted → approved" in text
    assert "AuditLog object" not in text and "的拜访计划" in text


def test_the_audit_action_filter_offers_labels(client, admin, entry):
    text = _in_chinese(client, admin).get("/tenant-admin/tenancy/auditlog/").text
    assert "按 操作" in text or "以 操作" in text
    filtered = client.get("/tenant-admin/tenancy/auditlog/?action=visits.plan.approved")
    assert filtered.status_code == 200 and "拜访计划已批准" in filtered.text


def test_every_action_code_the_services_write_has_a_label():
    import ast
    from pathlib import Path

    codes = set()
    for source in Path("apps").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "audit_log"
                and len(node.args) > 1
            ):
                arg = node.args[1]
                values = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
                codes |= {v.value for v in values if isinstance(v, ast.Constant)}
    # Codes built at run time: a plan's and a target's transitions, the admin's saves, named constants.
    codes |= {f"visits.plan.{a}" for a in ("submitted", "approved", "returned")}
    codes |= {f"targets.target.{a}" for a in ("propose", "return", "approve", "reopen", "lock")}
    codes |= {"tenancy.settings.updated", "tenancy.starter_data.loaded", "customers.customer.updated"}
    assert len(codes) > 60
    with translation.override("en"):
        unlabelled = sorted(code for code in codes if audit_action_label(code) == code)
    assert not unlabelled, f"register a label for these in the app's ready(): {unlabelled}"


def test_job_runs_show_the_jobs_name_and_local_times(client, admin, tenant):
    with scopes_disabled():
        TenantJobRun.objects.create(
            tenant=tenant, job="visits_plan_reminders", period="2026-11-04", enqueued_at=NOON_UTC
        )
    text = visible(_in_chinese(client, admin).get("/tenant-admin/tenancy/tenantjobrun/").text)
    assert "未提交拜访计划提醒" in text and "visits_plan_reminders" not in text
    assert "入队时间" in text and "12:05" in text


def test_rows_read_as_names_not_ids(tenant, rep):
    with scopes_disabled():
        visit = VisitFactory(
            tenant=tenant, rep=rep, customer=CustomerFactory(tenant=tenant, owner=rep, name="华联超市")
        )
        photo = VisitPhoto(
            tenant=tenant, visit=visit, image="visits/2026/11/t1/door.jpg", size=1, uploaded_by=rep
        )
        with translation.override("zh-hans"):
            assert "door.jpg" in str(photo) and "object" not in str(photo)
            assert "华联超市" in str(visit)
            assert rep.name in str(visit.plan or VisitPlanFactory(tenant=tenant, rep=rep))


def test_a_contact_phone_the_country_does_not_write_is_refused_in_the_admin(client, admin, tenant, rep):
    with scopes_disabled():
        contact = ContactFactory(tenant=tenant, customer=CustomerFactory(tenant=tenant, owner=rep), phone="")
        customer = contact.customer
    c = _in_chinese(client, admin)
    page = c.get(f"/tenant-admin/customers/customer/{customer.pk}/change/")
    assert page.status_code == 200
    response = c.post(
        f"/tenant-admin/tenancy/membership/{rep.pk}/change/",
        {
            "role": rep.role,
            "team": rep.team_id or "",
            "reports_to": rep.reports_to_id or "",
            "display_name": rep.display_name,
            "employee_no": rep.employee_no,
            "phone": "abc-not-a-phone",
        },
    )
    assert response.status_code == 200 and "不是中国的电话号码" in response.text
    with scopes_disabled():
        rep.refresh_from_db()
    assert rep.phone != "abc-not-a-phone"


@tenant_page
def _refused(request):
    raise PermissionDenied("只有管理员可以查看。")


# This module is also the URL conf of the 403 tests: the product's URLs, its handler403, and a page
# that refuses.
urlpatterns = [*salesmgmt.urls.urlpatterns, path("t/<slug:tenant_slug>/refused/", _refused)]
handler403 = salesmgmt.urls.handler403


@pytest.mark.urls(__name__)
def test_the_403_page_is_the_products_in_the_users_language(client, tenant, rep):
    response = _in_chinese(client, rep).get(f"/t/{tenant.slug}/refused/")
    assert response.status_code == 403
    text = response.text
    assert "没有权限打开此页面" in text and "只有管理员可以查看。" in text
    assert 'class="topbar"' in text and "返回工作台" in text and "403 Forbidden" not in text


@pytest.mark.urls(__name__)
def test_the_403_page_speaks_english_to_an_english_user(client, tenant, rep):
    client.force_login(rep.user)
    session = client.session
    session["language"] = "en"
    session.save()
    text = client.get(f"/t/{tenant.slug}/refused/").text
    assert "You may not open this page" in text and "Back to the dashboard" in text
