from datetime import timedelta

from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

# Open rounds closing within this time show on the agency home page.
CLOSING_SOON = timedelta(days=3)


class ScanningConfig(AppConfig):
    name = "scanning"
    verbose_name = "Scanning and priorities"

    def attention_items(self, agency, membership):
        """Ballots the person still owes; for staff, rounds closing soon or waiting on them."""
        from django.db.models import Count, Exists, OuterRef

        from cs360.home import AttentionItem
        from scanning.models import PriorityRound, VoterRecord
        from teams.models import TeamMember

        now = timezone.now()
        items = []
        own = TeamMember.objects.current().filter(
            team=OuterRef("team"), can_vote=True, person__user=membership.user
        )
        voted = VoterRecord.objects.filter(
            round=OuterRef("pk"), member__person__user=membership.user
        )
        owed = (
            agency.priority_rounds.filter(status=PriorityRound.Status.OPEN, closes_at__gt=now)
            .filter(Exists(own))
            .exclude(Exists(voted))
            .order_by("closes_at")
        )
        for round_ in owed:
            items.append(
                AttentionItem(
                    text=f"You have not voted in “{round_.title}” yet; voting closes "
                    f"{date_format(timezone.localtime(round_.closes_at), 'j M, H:i')}.",
                    url=reverse(
                        "scanning:ballot-cast",
                        kwargs={"agency_slug": agency.slug, "round_id": round_.pk},
                    ),
                    area="Scanning",
                )
            )
        if not membership.is_staff_or_admin:
            return items
        rounds = agency.priority_rounds.filter(
            status__in=[PriorityRound.Status.OPEN, PriorityRound.Status.CLOSED]
        ).annotate(ballots_in=Count("voters", distinct=True), decided=Count("decisions"))
        for round_ in rounds.filter(closes_at__lte=now + CLOSING_SOON).order_by("closes_at"):
            url = round_.get_absolute_url()
            if round_.status == PriorityRound.Status.OPEN and round_.closes_at <= now:
                text = f"Voting time is over in “{round_.title}”: close it and record the decision."
            elif round_.status == PriorityRound.Status.OPEN:
                text = (
                    f"“{round_.title}” closes "
                    f"{date_format(timezone.localtime(round_.closes_at), 'j M, H:i')}; "
                    f"{round_.ballots_in} ballot{'s' if round_.ballots_in != 1 else ''} so far."
                )
            elif not round_.decided:
                text = f"Record the decision for the closed round “{round_.title}”."
            else:
                continue
            items.append(AttentionItem(text=text, url=url, area="Scanning", level="info"))
        return items
