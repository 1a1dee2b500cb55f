# Row-level security on every tenant table that exists so far; tables added later carry
# TenantRowSecurity in their own migration.

from django.db import migrations

from apps.tenancy.db import TenantRowSecurity

TABLES = [
    'customers_contact', 'customers_customer', 'customers_interaction',
    'org_region', 'org_regionclosure', 'org_reportingclosure', 'org_team', 'org_teamclosure',
    'reporting_weeklyprogress', 'reporting_weeklyreportnote',
    'sales_order', 'sales_orderline', 'sales_orderlineday', 'sales_payment', 'sales_product',
    'sales_productcategory',
    'targets_appraisal', 'targets_appraisalcycle', 'targets_appraisalline', 'targets_custommetric',
    'targets_improvementaction', 'targets_seasonalprofile', 'targets_target', 'targets_targetchange',
    'tenancy_auditlog', 'tenancy_idempotencyrecord', 'tenancy_membership', 'tenancy_notification',
    'tenancy_outboxmail', 'tenancy_tenantjobrun', 'tenancy_tombstone',
    'visits_dailyreport', 'visits_marketreport', 'visits_reportorder', 'visits_reportpayment',
    'visits_visit', 'visits_visitphoto', 'visits_visitplan',
]


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0005_same_tenant_keys'),
        ('customers', '0004_same_tenant_keys'),
        ('org', '0004_same_tenant_keys'),
        ('reporting', '0002_same_tenant_keys'),
        ('sales', '0005_same_tenant_keys'),
        ('targets', '0005_same_tenant_keys'),
        ('visits', '0003_same_tenant_keys'),
    ]

    operations = [TenantRowSecurity(*TABLES)]
