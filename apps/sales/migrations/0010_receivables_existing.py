"""Existing data gets its receivables: an invoice for every confirmed order, and every payment
allocated oldest first (its unallocated amount set first). Set-based, per tenant, through the same
statements the services use (apps/sales/services/receivables.py, receivables_rebuild)."""

from django.db import migrations
from django_scopes import scopes_disabled


def forwards(apps, schema_editor):
    from apps.sales.services.receivables import receivables_rebuild

    Tenant = apps.get_model("tenancy", "Tenant")
    with scopes_disabled():
        for tenant_id in Tenant.objects.order_by("pk").values_list("pk", flat=True):
            receivables_rebuild(tenant_id=tenant_id)


def backwards(apps, schema_editor):
    with scopes_disabled(), schema_editor.connection.cursor() as cur:
        cur.execute("DELETE FROM sales_allocation")
        cur.execute("DELETE FROM sales_invoice")
        cur.execute("UPDATE sales_payment SET unallocated = 0")


class Migration(migrations.Migration):
    dependencies = [("sales", "0009_receivables")]

    operations = [migrations.RunPython(forwards, backwards)]
