"""OrderLineMonth: OrderLineDay summed per (tenant, rep, calendar month), kept by triggers on OrderLineDay.

Derived from the day rows rather than from the lines, so it is exactly the sum of its days whatever
writes them (the line and order triggers of 0003 today): statement-level triggers with transition
tables on sales_orderlineday add each statement's change per month (new minus old) in one grouped
upsert. The day triggers' upserts fire both the insert and the update statement triggers, so a bulk
ingest costs two small grouped upserts over the day rows it touched. Rows are upserted in key order,
as the day rows are, so concurrent writers lock them in the same order. Tenant ids come from the
changed rows, so the triggers only ever touch the writing tenant's rows.
"""

import django.db.models.deletion
from django.db import migrations, models

from apps.tenancy.db import SameTenantKeys

MONTH = "date_trunc('month', {t}.day::timestamp)::date"
UPSERT = """
    INSERT INTO sales_orderlinemonth AS m (tenant_id, rep_id, month, amount, cost, created_at, updated_at)
    SELECT x.tenant_id, x.rep_id, x.month, sum(x.amount), sum(x.cost), now(), now()
    FROM ({rows}) x
    GROUP BY 1, 2, 3
    HAVING sum(x.amount) <> 0 OR sum(x.cost) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, rep_id, month) DO UPDATE
       SET amount = m.amount + EXCLUDED.amount, cost = m.cost + EXCLUDED.cost, updated_at = now();
"""
ADDED = f"SELECT n.tenant_id, n.rep_id, {MONTH.format(t='n')} AS month, n.amount, n.cost FROM new_days n"
REMOVED = (
    f"SELECT o.tenant_id, o.rep_id, {MONTH.format(t='o')} AS month, -o.amount AS amount, -o.cost AS cost "
    "FROM old_days o"
)
FORWARD = f"""
CREATE FUNCTION sales_orderlinemonth_days() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER sales_orderlinemonth_ins AFTER INSERT ON sales_orderlineday
    REFERENCING NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlinemonth_days();
CREATE TRIGGER sales_orderlinemonth_upd AFTER UPDATE ON sales_orderlineday
    REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days
    FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlinemonth_days();
CREATE TRIGGER sales_orderlinemonth_del AFTER DELETE ON sales_orderlineday
    REFERENCING OLD TABLE AS old_days FOR EACH STATEMENT EXECUTE FUNCTION sales_orderlinemonth_days();

INSERT INTO sales_orderlinemonth (tenant_id, rep_id, month, amount, cost, created_at, updated_at)
SELECT d.tenant_id, d.rep_id, {MONTH.format(t="d")}, sum(d.amount), sum(d.cost), now(), now()
FROM sales_orderlineday d
GROUP BY 1, 2, 3
HAVING sum(d.amount) <> 0 OR sum(d.cost) <> 0;
ANALYZE sales_orderlinemonth;
"""
BACKWARD = """
DROP TRIGGER sales_orderlinemonth_ins ON sales_orderlineday;
DROP TRIGGER sales_orderlinemonth_upd ON sales_orderlineday;
DROP TRIGGER sales_orderlinemonth_del ON sales_orderlineday;
DROP FUNCTION sales_orderlinemonth_days();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0005_same_tenant_keys"),
        ("tenancy", "0005_same_tenant_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderLineMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("month", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ("cost", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                (
                    "rep",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.membership",
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
                    models.UniqueConstraint(
                        fields=("tenant", "rep", "month"),
                        include=("amount", "cost"),
                        name="orderlinemonth_unique",
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        # After the backfill: a deferred key's pending checks would forbid the ALTER TABLEs Django runs
        # at the end of the migration (its own keys and indexes); added last, it validates the rows once.
        SameTenantKeys([("sales_orderlinemonth", "rep_id", "tenancy_membership")]),
    ]
