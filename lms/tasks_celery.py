"""A django-tasks backend that hands tasks to Celery workers.

Why our own and not the django-tasks-celery package: that package needs Python 3.12 (we
support 3.11), and at 0.1 it does not set the two options that make a killed worker's job
come back (acks_late, reject_on_worker_lost). This backend is small: it sends one generic
Celery task carrying the dotted path of the django-tasks function and its JSON arguments,
and lms.celery runs it. Results are not kept: our tasks record what they did on their own
rows, which is where the admin reads it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks.utils import normalize_json


class CeleryBackend(BaseTaskBackend):
    supports_defer = True
    supports_priority = False
    supports_get_result = False
    supports_async_task = False

    def validate_task(self, task: Task) -> None:
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTaskError("The Celery backend does not pass a task context.")

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        from lms.celery import RUN_TASK, app

        result_id = str(uuid.uuid4())
        options: dict[str, Any] = {"task_id": result_id}
        if task.queue_name != "default":
            options["queue"] = task.queue_name
        if task.run_after is not None:
            options["eta"] = task.run_after
        app.send_task(
            RUN_TASK,
            args=[task.module_path, normalize_json(list(args)), normalize_json(dict(kwargs))],
            **options,
        )
        return TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
