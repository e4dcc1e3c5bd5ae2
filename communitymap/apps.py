from django.apps import AppConfig
from django.urls import reverse


class CommunitymapConfig(AppConfig):
    name = "communitymap"
    verbose_name = "Community Map"

    def attention_items(self, agency, membership):
        """Organizations that need a new contact, and follow-ups that are due (staff only)."""
        from cs360.home import AttentionItem
        from cs360.models import Role

        if membership.role < Role.STAFF:
            return []
        url = reverse("communitymap:organization-list", kwargs={"agency_slug": agency.slug})
        items = []
        from communitymap.worksheet import map_counts

        # One query for both items, whatever the size of the map.
        counts = map_counts(agency, cells=False)
        needing = counts.needing_contact
        if needing:
            items.append(
                AttentionItem(
                    text=f"{needing} organization{'s' if needing != 1 else ''} on the map "
                    f"need{'s' if needing == 1 else ''} a new contact: "
                    "every representative has left or leaves within 30 days.",
                    url=f"{url}?flag=needs_new_contact",
                    count=needing,
                    area="Community Map",
                )
            )
        due = counts.follow_up_due
        if due:
            items.append(
                AttentionItem(
                    text=f"{due} follow-up{'s' if due != 1 else ''} with partners due.",
                    url=f"{url}?flag=follow_up_due&sort=next_follow_up",
                    count=due,
                    area="Community Map",
                    level="info",
                )
            )
        return items
