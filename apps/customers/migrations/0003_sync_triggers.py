from django.db import migrations

from apps.tenancy.db import SyncTriggers


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial"), ("tenancy", "0002_sync_functions")]

    operations = [
        SyncTriggers("customers_customer", "customers.customer"),
        SyncTriggers("customers_contact", "customers.contact"),
        SyncTriggers("customers_interaction", "customers.interaction"),
    ]
