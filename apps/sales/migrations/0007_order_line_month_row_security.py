# The monthly order-line sums (0006) came after row-level security was laid on every tenant table
# (tenancy 0006): they get the same tenant policy. The triggers that keep them write the changed day
# rows' own tenant, which the policy admits.

from django.db import migrations

from apps.tenancy.db import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0006_order_line_month"),
        ("tenancy", "0006_row_level_security"),
    ]

    operations = [TenantRowSecurity("sales_orderlinemonth")]
