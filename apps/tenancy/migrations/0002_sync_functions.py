from django.db import migrations

from apps.tenancy.db import SYNC_FUNCTIONS_REVERSE_SQL, SYNC_FUNCTIONS_SQL


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [migrations.RunSQL(SYNC_FUNCTIONS_SQL, SYNC_FUNCTIONS_REVERSE_SQL)]
