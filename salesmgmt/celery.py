import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesmgmt.settings.dev")

app = Celery("salesmgmt", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
