"""Every task can be enqueued: Celery refuses apply_async()/delay() when a task's soft time limit
(its own, or the settings' default) is above its hard limit, which an explicit short time_limit
under the 25-minute default soft limit does. Checked for every task the app registers."""

from celery import current_app
from django.conf import settings


def test_no_task_has_a_soft_time_limit_above_its_hard_limit():
    current_app.loader.import_default_modules()
    bad = []
    for name, task in sorted(current_app.tasks.items()):
        if name.startswith("celery."):
            continue
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        if soft and hard and soft > hard:
            bad.append(f"{name}: soft {soft}s > hard {hard}s")
    assert not bad, "give these tasks a soft_time_limit below their time_limit: " + "; ".join(bad)
