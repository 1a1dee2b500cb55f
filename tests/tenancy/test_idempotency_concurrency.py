"""Idempotency-Key under concurrency: parallel retries of one create make one row; the same key
with another body is refused."""

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from apps.customers.models import Customer
from apps.tenancy.models import Role
from tests.factories import MembershipFactory, TenantFactory, token_for

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 10


def test_ten_parallel_posts_with_one_key_create_one_row_and_answer_alike():
    tenant = TenantFactory()
    rep = MembershipFactory(tenant=tenant, role=Role.REP)
    token = token_for(rep)
    body = {"code": "C-IDEM", "name": "Parallel Ltd", "owner": rep.pk}
    barrier = threading.Barrier(PARALLEL)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY="key-1")
        try:
            barrier.wait()
            response = client.post("/api/v1/customers/", body, format="json")
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(answers) == PARALLEL
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["id"] for _, body in answers}) == 1
    with scopes_disabled():
        assert Customer.objects.filter(tenant=tenant, code="C-IDEM").count() == 1

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY="key-1")
    changed = client.post("/api/v1/customers/", {**body, "name": "Other Ltd"}, format="json")
    assert changed.status_code == 422
    with scopes_disabled():
        assert Customer.objects.filter(tenant=tenant).count() == 1
