"""OrderLineDay: confirmed order lines summed per (tenant, rep, local day), kept by triggers.

Statement-level triggers with transition tables, so a bulk insert of a million lines costs one grouped
upsert, not a million row triggers. Lines of a cancelled order are left out; cancelling or reinstating
an order moves its lines out of or into the sums. Rows are upserted in key order, so concurrent writers
lock them in the same order.
"""

import django.db.models.deletion
from django.db import migrations, models

UPSERT = """
    INSERT INTO sales_orderlineday AS d (tenant_id, rep_id, day, amount, cost, created_at, updated_at)
    SELECT x.tenant_id, x.rep_id, x.day, sum(x.amount), sum(x.cost), now(), now()
    FROM ({rows}) x
    GROUP BY 1, 2, 3
    HAVING sum(x.amount) <> 0 OR sum(x.cost) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, rep_id, day) DO UPDATE
       SET amount = d.amount + EXCLUDED.amount, cost = d.cost + EXCLUDED.cost, updated_at = now();
"""
LIVE = "NOT EXISTS (SELECT 1 FROM sales_order so WHERE so.id = {t}.order_id AND so.status = 'cancelled')"
ADDED = (
    "SELECT n.tenant_id, n.rep_id, n.order_date AS day, n.amount, n.cost FROM new_lines n "
    f"WHERE {LIVE.format(t='n')}"
)
REMOVED = (
    "SELECT o.tenant_id, o.rep_id, o.order_date AS day, -o.amount AS amount, -o.cost AS cost "
    f"FROM old_lines o WHERE {LIVE.format(t='o')}"
)
ORDER_MOVES = """
    SELECT l.tenant_id, l.rep_id, l.order_date AS day, ch.sign * l.amount AS amount, ch.sign * l.cost AS cost
    FROM (SELECT n.id, CASE WHEN n.status = 'cancelled' THEN -1 ELSE 1 END AS sign
          FROM new_orders n JOIN old_orders o ON o.id = n.id
          WHERE (n.status = 'cancelled') <> (o.status = 'cancelled')) ch
    JOIN sales_orderline l ON l.order_id = ch.id
"""
FORWARD = f"""
CREATE FUNCTION sales_orderlineday_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {UPSERT.format(rows=ADDED)}
    ELSIF TG_OP = 'DELETE' THEN
        {UPSERT.format(rows=REMOVED)}
    ELSE
        {UPSERT.format(rows=ADDED + " UNION ALL " + REMOVED)}
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_orderlineday_ins AFTER INSERT ON sales_orderline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlineday_lines();
CREATE TRIGGER sales_orderlineday_upd AFTER UPDATE ON sales_orderline
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlineday_lines();
CREATE TRIGGER sales_orderlineday_del AFTER DELETE ON sales_orderline
    REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlineday_lines();

CREATE FUNCTION sales_orderlineday_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(rows=ORDER_MOVES)}
    RETURN NULL;
END $$;

CREATE TRIGGER sales_orderlineday_orders AFTER UPDATE ON sales_order
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlineday_orders();

INSERT INTO sales_orderlineday (tenant_id, rep_id, day, amount, cost, created_at, updated_at)
SELECT l.tenant_id, l.rep_id, l.order_date, sum(l.amount), sum(l.cost), now(), now()
FROM sales_orderline l WHERE {LIVE.format(t="l")}
GROUP BY 1, 2, 3;
ANALYZE sales_orderlineday;
"""
BACKWARD = """
DROP TRIGGER sales_orderlineday_orders ON sales_order;
DROP TRIGGER sales_orderlineday_ins ON sales_orderline;
DROP TRIGGER sales_orderlineday_upd ON sales_orderline;
DROP TRIGGER sales_orderlineday_del ON sales_orderline;
DROP FUNCTION sales_orderlineday_orders();
DROP FUNCTION sales_orderlineday_lines();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0002_sync_triggers"),
        ("tenancy", "0004_notifications"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderLineDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("day", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ("cost", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                (
                    "rep",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.membership"
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="tenancy.tenant",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("tenant", "rep", "day"), name="orderlineday_unique")
                ],
                "indexes": [models.Index(fields=["tenant", "day"], name="orderlineday_tenant_day")],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
