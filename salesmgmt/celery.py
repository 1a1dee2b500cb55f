import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesmgmt.settings.dev")

app = Celery("salesmgmt", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def refuse_privileged_database_role(**kwargs) -> None:
    """Workers, like web processes, refuse a database role that row-level security would not bind."""
    from apps.tenancy.checks import ensure_unprivileged_database_role

    ensure_unprivileged_database_role()
