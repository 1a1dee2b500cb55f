"""An edit racing a sign-off: the edit waits for the sign-off's row lock, then sees 'reviewed' and is
refused, instead of saving its stale copy over the sign-off."""

import threading
import time

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scope, scopes_disabled

from apps.visits.models import DailyReport
from apps.visits.services import daily_report_update
from tests.visits.factories import DailyReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edit_waiting_on_a_sign_off_is_refused_and_the_sign_off_stands(tenant, rep, today):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=today, status="submitted")
    s = connection.settings_dict
    manager_tx = psycopg.connect(
        f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"
    )
    manager_tx.execute(
        "UPDATE visits_dailyreport SET status = 'reviewed', manager_comment = 'ok' WHERE id = %s", [report.pk]
    )
    outcome = {}

    def edit():
        try:
            with scope(tenant=tenant.pk):
                daily_report_update(report=report, by=rep, learnings="edited")  # holds the stale 'submitted'
            outcome["result"] = "saved"
        except ValidationError as exc:
            outcome["result"] = str(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=edit)
    thread.start()
    time.sleep(1)  # the edit is now waiting on the row lock
    assert "result" not in outcome
    manager_tx.commit()
    manager_tx.close()
    thread.join(30)
    assert "signed off" in outcome["result"]
    with scopes_disabled():
        stored = DailyReport.objects.get(pk=report.pk)
    assert (stored.status, stored.manager_comment, stored.learnings) == ("reviewed", "ok", "")
