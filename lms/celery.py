"""The Celery app for deployments that set CELERY_BROKER_URL.

Start workers with ``celery -A lms worker``. They run the project's django-tasks ``@task``
functions unchanged: lms.tasks_celery.CeleryBackend sends each one as a single generic
Celery task that names the function to call.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # Acknowledge a job only once it has run, and put it back if the worker process
    # dies under it (SIGKILL, out of memory): a transcode is never silently dropped.
    # Jobs are idempotent (they re-read their row and claim it under a lock), so
    # running one twice is harmless while losing one is not.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    result_backend=None,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)

RUN_TASK = "nightschool.run_task"


@app.task(name=RUN_TASK)
def run_task(module_path: str, args: list, kwargs: dict):
    from django.utils.module_loading import import_string

    task = import_string(module_path)
    return task.call(*args, **kwargs)
