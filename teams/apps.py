from django.apps import AppConfig
from django.urls import reverse


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
        items = []
        late_teams = list(visible.meeting_overdue().values_list("name", flat=True)[:4])
        if late_teams:
            items.append(
                AttentionItem(
                    text="No meeting in over a month: " + ", ".join(late_teams),
                    url=teams_url,
                    count=len(late_teams),
                    area="Teams",
                )
            )
        late_readings = Metric.objects.filter(agency=agency, team__in=visible).overdue().count()
        if late_readings:
            items.append(
                AttentionItem(
                    text="Metric readings overdue for their cadence",
                    url=teams_url,
                    count=late_readings,
                    area="Teams",
                )
            )
        actions = ActionItem.objects.filter(agency=agency, team__in=visible).overdue()
        if membership.role < Role.STAFF:  # Partners: only their own actions.
            actions = actions.filter(owner__user=membership.user)
        late_actions = actions.count()
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
