from django.db import migrations

from apps.tenancy.db import SyncTriggers


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial"), ("tenancy", "0002_sync_functions")]

    operations = [
        SyncTriggers("sales_productcategory", "sales.productcategory"),
        SyncTriggers("sales_product", "sales.product"),
        SyncTriggers("sales_order", "sales.order"),
        SyncTriggers("sales_payment", "sales.payment"),
    ]
