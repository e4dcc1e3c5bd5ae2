"""An import whose worker vanished: detected, failed with a clear message, retried in one
click; cancel always finishes. The worker itself is faked by holding the job's lock from
another connection (see conftest.live_worker); tests/dashboard/test_job_faults.py kills real
worker processes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import jobs
from dashboard.models import ImportJob
from tests.factories import ImportJobFactory

CSV = b"Case,When,Type\nA1,01/05/2024 10:00,THEFT\nA2,01/06/2024 23:30,BATTERY\n"
MAPPING = {
    "version": 1,
    "source": "incidents",
    "fields": {
        "record_id": {"column": "Case"},
        "occurred_at": {"column": "When", "formats": ["%m/%d/%Y %H:%M"]},
        "category": {"column": "Type"},
    },
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def orphan(agency, **extra):
    """A job left 'running' by a worker that was killed: nobody holds its lock."""
    from django.core.files.base import ContentFile

    fields = {
        "status": "running",
        "file": ContentFile(CSV, name="export.csv"),
        "file_size": len(CSV),
        "bytes_read": 10,
        "mapping_used": MAPPING,
        "started_at": timezone.now() - timedelta(minutes=3),
        "heartbeat_at": timezone.now() - timedelta(minutes=2),
    }
    return ImportJobFactory(agency=agency, **{**fields, **extra})


def test_job_page_fails_a_job_whose_worker_vanished_and_retry_runs_it(
    client_for, alice, riverton, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    job = orphan(riverton)
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Importing…" not in page and "The background worker stopped" in page
    assert "nothing from it was kept" in page and "Retry import" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:import-retry", args=[riverton.slug, job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.rows_inserted == 2
    assert job.error == ""
    assert set(riverton.police_records.values_list("record_id", flat=True)) == {"A1", "A2"}


def test_htmx_poll_of_a_vanished_job_stops_polling(client_for, alice, riverton):
    job = orphan(riverton)
    fragment = client_for(alice).get(job.get_absolute_url(), headers={"HX-Request": "true"})
    fragment = fragment.content.decode()
    assert "hx-trigger" not in fragment and "The background worker stopped" in fragment


def test_agency_home_and_dashboard_notice_a_vanished_job(client_for, alice, riverton):
    job = orphan(riverton)
    home = client_for(alice).get(reverse("agency-home", args=[riverton.slug])).content.decode()
    assert "The last police data import failed" in home
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED

    other = orphan(riverton)
    client_for(alice).get(reverse("dashboard:overview", args=[riverton.slug]))
    other.refresh_from_db()
    assert other.status == ImportJob.Status.FAILED


def test_a_job_with_a_live_worker_is_left_running(client_for, alice, riverton, live_worker):
    job = orphan(riverton)
    live_worker(job)
    page = client_for(alice).get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and "Importing…" in page
    assert "Last sign of life from the worker" in page


def test_cancel_of_a_job_without_a_worker_finishes_at_once(client_for, alice, riverton):
    job = orphan(riverton)
    url = reverse("dashboard:import-cancel", args=[riverton.slug, job.pk])
    fragment = client_for(alice).post(url, headers={"HX-Request": "true"}).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and job.finished_at is not None
    assert "Cancelling" not in fragment and "as they were before" in fragment
    assert "Retry import" in client_for(alice).get(job.get_absolute_url()).content.decode()


def test_cancel_of_a_live_job_asks_its_worker(client_for, alice, riverton, live_worker):
    job = orphan(riverton, heartbeat_at=timezone.now())
    live_worker(job)
    client_for(alice).post(reverse("dashboard:import-cancel", args=[riverton.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.cancel_requested


def test_cancel_of_a_hung_worker_ends_its_connection(client_for, alice, riverton, live_worker):
    job = orphan(riverton, heartbeat_at=timezone.now() - jobs.HUNG_AFTER - timedelta(seconds=5))
    live_worker(job)
    client_for(alice).post(reverse("dashboard:import-cancel", args=[riverton.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not jobs.lock_holders([job.pk])


def test_a_vanished_job_that_was_being_cancelled_ends_cancelled(client_for, alice, riverton):
    job = orphan(riverton, cancel_requested=True)
    client_for(alice).get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED


def test_retry_is_refused_with_a_reason(client_for, alice, riverton):
    client = client_for(alice)
    done = ImportJobFactory(agency=riverton, status="succeeded", mapping_used=MAPPING)
    response = client.post(
        reverse("dashboard:import-retry", args=[riverton.slug, done.pk]), follow=True
    )
    assert "Only a failed or cancelled import" in response.content.decode()
    gone = orphan(riverton)
    jobs.end_vanished_jobs()
    gone.file.storage.delete(gone.file.name)
    response = client.post(
        reverse("dashboard:import-retry", args=[riverton.slug, gone.pk]), follow=True
    )
    assert "no longer stored" in response.content.decode()
    gone.refresh_from_db()
    assert gone.status == ImportJob.Status.FAILED


def test_a_job_queued_long_ago_warns_that_the_worker_may_be_stopped(client_for, alice, riverton):
    job = ImportJobFactory(
        agency=riverton, status="queued", queued_at=timezone.now() - timedelta(minutes=5)
    )
    client = client_for(alice)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "background worker may be stopped" in page
    home = client.get(reverse("agency-home", args=[riverton.slug])).content.decode()
    assert "still waiting to start" in home
    fresh = ImportJobFactory(agency=riverton, status="queued", queued_at=timezone.now())
    assert "may be stopped" not in client.get(fresh.get_absolute_url()).content.decode()


def test_a_vanished_job_also_closes_its_row_in_the_task_queue(riverton):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    job = orphan(riverton)
    other = orphan(riverton, status="queued")
    rows = {
        pk: DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            args_kwargs={"args": [pk], "kwargs": {}},
            task_path="dashboard.tasks.run_import_task",
            backend_name="default",
            run_after=timezone.now(),
            started_at=timezone.now(),
        )
        for pk in (job.pk, other.pk)
    }
    jobs.end_vanished_jobs()
    rows[job.pk].refresh_from_db()
    rows[other.pk].refresh_from_db()
    assert rows[job.pk].status == TaskResultStatus.FAILED
    assert "background worker stopped" in rows[job.pk].traceback
    assert rows[other.pk].status == TaskResultStatus.RUNNING
