"""Factories for reporting rows (the isolation probe finds routed models' factories here)."""

import datetime as dt

import factory
from django.utils import timezone

from apps.reporting.models import WeeklyProgress, WeeklyReportNote
from tests.factories import MembershipFactory, TeamFactory, TenantFactory, UnscopedFactory


class WeeklyProgressFactory(UnscopedFactory):
    class Meta:
        model = WeeklyProgress

    tenant = factory.SubFactory(TenantFactory)
    iso_year = 2026
    iso_week = 46
    week_start = dt.date(2026, 11, 9)
    scope = WeeklyProgress.Scope.REP
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    subject_id = factory.SelfAttribute("rep.pk")
    computed_at = factory.LazyFunction(timezone.now)


class WeeklyReportNoteFactory(UnscopedFactory):
    class Meta:
        model = WeeklyReportNote

    tenant = factory.SubFactory(TenantFactory)
    team = factory.SubFactory(TeamFactory, tenant=factory.SelfAttribute("..tenant"))
    week_start = dt.date(2026, 11, 9)
    next_week_goals = "Close the Cedar renewal"
