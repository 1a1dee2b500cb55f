from django.db import migrations

from apps.tenancy.db import SyncTriggers


class Migration(migrations.Migration):
    dependencies = [("org", "0002_initial"), ("tenancy", "0002_sync_functions")]

    operations = [SyncTriggers("org_team", "org.team"), SyncTriggers("org_region", "org.region")]
