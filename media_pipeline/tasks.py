"""Background jobs of the pipeline: thin, idempotent, given ids only.

The same functions run on the database-backed worker of `make run` and on Celery workers
(see lms/tasks_celery.py): the backend is chosen in settings, not here.
"""

from django_tasks import task

from . import services


@task()
def transcode_video_asset(asset_id: int, attempt: int) -> str:
    return services.video_asset_transcode(asset_id=asset_id, attempt=attempt)


@task()
def reap_stale_video_jobs() -> list[int]:
    return services.video_assets_reap_stale()


@task()
def watch_video_jobs() -> list[int]:
    return services.video_jobs_watch()
