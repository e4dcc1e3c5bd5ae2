from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard and police data"

    def attention_items(self, agency, membership):
        """Staff see imports waiting for a decision after the preview, and failed imports."""
        from django.urls import reverse

        from cs360.home import AttentionItem
        from cs360.models import Role
        from dashboard.models import ImportJob

        if membership.role < Role.STAFF:
            return []
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
