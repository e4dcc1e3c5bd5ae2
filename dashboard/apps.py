from datetime import timedelta

from django.apps import AppConfig
from django.utils import timezone


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard and police data"

    def attention_items(self, agency, membership):
        """Staff see imports waiting for a decision after the preview, and failed imports."""
        from django.urls import reverse

        from cs360.home import AttentionItem
        from cs360.models import Role
        from dashboard import jobs
        from dashboard.models import ImportJob

        if membership.role < Role.STAFF:
            return []
        jobs.end_vanished_jobs(agency.import_jobs.all())
        items = []
        waiting = list(agency.import_jobs.filter(status=ImportJob.Status.PREVIEWED)[:2])
        for job in waiting:
            items.append(
                AttentionItem(
                    text=f"Police data import waiting for your decision: {job.original_name}",
                    url=job.get_absolute_url(),
                    area="Dashboard",
                )
            )
        from dashboard.publication import unreviewed_count

        pending = unreviewed_count(agency)
        if pending:
            items.append(
                AttentionItem(
                    text=(
                        "Police data categories to review before they are mapped or listed "
                        "in open data"
                    ),
                    url=reverse("dashboard:category-review", args=[agency.slug]),
                    count=pending,
                    area="Dashboard",
                )
            )
        stuck = agency.import_jobs.filter(
            status=ImportJob.Status.QUEUED, queued_at__lt=timezone.now() - timedelta(minutes=1)
        ).first()
        if stuck:
            items.append(
                AttentionItem(
                    text=f"Police data import still waiting to start: {stuck.original_name}. "
                    "The background worker may be stopped.",
                    url=stuck.get_absolute_url(),
                    area="Dashboard",
                )
            )
        latest = agency.import_jobs.filter(status__in=["succeeded", "failed"]).first()
        if latest is not None and latest.status == ImportJob.Status.FAILED:
            items.append(
                AttentionItem(
                    text=f"The last police data import failed: {latest.original_name}",
                    url=latest.get_absolute_url(),
                    area="Dashboard",
                )
            )
        return items
