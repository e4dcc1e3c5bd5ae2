"""Background work, run by the django-tasks database worker (`manage.py db_worker`)."""

from django_tasks import task

from dashboard import services


@task()
def run_import_task(job_id: int) -> None:
    services.run_import(job_id)
