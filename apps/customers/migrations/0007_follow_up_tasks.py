from django.db import migrations

# Every interaction with a follow-up day gets its task (source "customers.follow_up"), in one
# statement: owned by the customer's account manager, titled by the subject, done when the
# follow-up was. ON CONFLICT skips interactions that have one already (the partial unique key).
FORWARD = """
INSERT INTO customers_task (
    tenant_id, created_at, updated_at, sync_xid, title, notes, owner_id, due_on, priority, status,
    customer_id, interaction_id, source, created_by_id, done_at, done_by_id, done_note
)
SELECT i.tenant_id, now(), now(), 0, left(i.subject, 200), '', c.owner_id, i.follow_up_on, 'normal',
       CASE WHEN i.follow_up_done_at IS NULL THEN 'open' ELSE 'done' END,
       i.customer_id, i.id, 'customers.follow_up', i.rep_id, i.follow_up_done_at, NULL, ''
FROM customers_interaction i
JOIN customers_customer c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
WHERE i.follow_up_on IS NOT NULL
ON CONFLICT DO NOTHING
"""
BACKWARD = "DELETE FROM customers_task WHERE source = 'customers.follow_up'"


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_task")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
