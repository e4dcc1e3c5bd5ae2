from django.apps import AppConfig
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Func, IntegerField, Subquery
from django.urls import reverse


def _count(queryset):
    """A scalar subquery counting `queryset`'s rows (COUNT without GROUP BY: one row)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams"

    def attention_items(self, agency, membership):
        """Teams behind on meetings, overdue metric readings and overdue action items."""
        from cs360.home import AttentionItem
        from cs360.models import Role
        from teams.models import ActionItem, Metric

        teams_url = reverse("teams:team-list", kwargs={"agency_slug": agency.slug})
        visible = agency.teams.visible_to(membership)
        actions = ActionItem.objects.filter(agency=agency, team__in=visible).overdue()
        if membership.role < Role.STAFF:  # Partners: only their own actions.
            actions = actions.filter(owner__user=membership.user)
        # The three counts in one query, whatever the number of teams, metrics and actions.
        counts = (
            type(agency)
            .objects.filter(pk=agency.pk)
            .values("pk")
            .annotate(
                late_teams=ArraySubquery(visible.meeting_overdue().values("name")[:4]),
                late_readings=_count(
                    Metric.objects.filter(agency=agency, team__in=visible).overdue()
                ),
                late_actions=_count(actions),
            )
            .get()
        )
        items = []
        late_teams, late_readings = counts["late_teams"], counts["late_readings"]
        late_actions = counts["late_actions"]
        if late_teams:
            items.append(
                AttentionItem(
                    text="No meeting in over a month: " + ", ".join(late_teams),
                    url=teams_url,
                    count=len(late_teams),
                    area="Teams",
                )
            )
        if late_readings:
            items.append(
                AttentionItem(
                    text="Metric readings overdue for their cadence",
                    url=teams_url,
                    count=late_readings,
                    area="Teams",
                )
            )
        if late_actions:
            items.append(
                AttentionItem(
                    text="Action items past their due date",
                    url=reverse("teams:my-actions", kwargs={"agency_slug": agency.slug})
                    if membership.role < Role.STAFF
                    else teams_url,
                    count=late_actions,
                    area="Teams",
                )
            )
        return items
