"""The API under generated input: every operation of the OpenAPI schema, as each role, with a
bounded number of examples — never a 5xx, and responses that match the schema.

In-process through WSGI (fast, inside the test's transaction). `make fuzz` runs the same against
gunicorn with many more examples.
"""

import datetime as dt
import itertools
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, note, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from apps.tenancy.models import Role
from salesmgmt.wsgi import application
from tests.factories import CustomerFactory, MembershipFactory, TeamFactory, token_for
from tests.visits.factories import DailyReportFactory, MarketReportFactory, VisitFactory, VisitPlanFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


@pytest.fixture(autouse=True, scope="module")
def keep_the_test_connection():
    """Django closes the connection at the end of each request; in-process that is the test's own
    connection (and its transaction). Keep it open for the module."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(tenant, other_tenant):
    """A small world: a team with a manager and two reps, customers, and another tenant's rows the
    generated ids may hit."""
    team = TeamFactory(tenant=tenant, name="Fuzz")
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN)
    manager = MembershipFactory(tenant=tenant, role=Role.MANAGER, team=team, reports_to=admin)
    rep = MembershipFactory(tenant=tenant, role=Role.REP, team=team, reports_to=manager)
    CustomerFactory.create_batch(3, tenant=tenant, owner=rep)
    # Field work with the optional parts left empty and filled, so nullable fields appear both ways.
    plan = VisitPlanFactory(tenant=tenant, rep=rep)
    VisitFactory(tenant=tenant, rep=rep, plan=plan, planned_time=dt.time(9, 30))
    VisitFactory(tenant=tenant, rep=rep, customer=None, prospect_name="New shop")
    DailyReportFactory(tenant=tenant, rep=rep)
    MarketReportFactory(tenant=tenant, rep=rep)
    CustomerFactory(tenant=other_tenant, owner=MembershipFactory(tenant=other_tenant, role=Role.REP))
    return {"admin": token_for(admin), "manager": token_for(manager), "rep": token_for(rep)}


# Loaded at collection: generating the schema touches no table. FUZZ_PATH (a regex) narrows the run.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
if os.environ.get("FUZZ_PATH"):
    schema = schema.include(path_regex=os.environ["FUZZ_PATH"])
ROLES = ("admin", "manager", "rep")
_turn = itertools.count()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_operation_answers_5xx_or_breaks_its_schema(case, tokens):
    role = ROLES[next(_turn) % len(ROLES)]  # the roles take turns, so every operation meets each
    note(f"as {role}")
    case.call_and_validate(
        headers={"Authorization": f"Token {tokens[role]}"},
        checks=[content_type_conformance, response_schema_conformance],
    )
