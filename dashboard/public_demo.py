"""Demo: publish the adopted priorities with staff-written public summaries (no names).

Called from dashboard.demo.seed, after the Scanning and Teams demos have made the
priorities and their teams, so the demo's public dashboard shows the whole loop.
"""

SUMMARIES = {
    "Gun violence and the fear of it in Northside": (
        "Shootings and the fear of them keep Northside residents indoors at night. A team of "
        "residents, youth workers, city departments and police is working on lighting, youth "
        "outreach and focused patrols, and tracks shootings and how safe people feel."
    ),
    "Late-night assaults on Green Street": (
        "Assaults along the Green Street bar district between 10 pm and 3 am, mostly involving "
        "students. Campus and city police, bar owners and student groups are working on safe "
        "rides home, staffing at closing time and bystander training."
    ),
    "Problem properties in Eastgate": (
        "A handful of neglected rental properties generate repeated calls, code violations "
        "and disorder. Code enforcement, tenant advocates, landlords and police are working "
        "property by property on repairs and management plans."
    ),
    "Thefts from residence halls": (
        "Laptops and packages taken from unlocked rooms and mail areas in the residence halls. "
        "Housing, residence life and campus police are working on door alarms, package lockers "
        "and reminders to lock up."
    ),
}


# The police data categories whose trend is shown with each priority (see the seeded data).
CATEGORIES = {
    "Gun violence and the fear of it in Northside": ["Weapons violation", "Aggravated assault"],
    "Late-night assaults on Green Street": ["Aggravated assault", "Simple assault"],
    "Problem properties in Eastgate": ["Vandalism", "Trespass"],
    "Thefts from residence halls": ["Theft", "Burglary"],
}


def link_police_categories(world) -> None:
    """Run after the police data is imported; only links a priority not linked yet."""
    from dashboard.models import PublicationSettings

    for agency in world.agencies.values():
        settings, _ = PublicationSettings.objects.get_or_create(agency=agency)
        linked = dict(settings.priority_categories or {})
        for priority in agency.priorities.filter(title__in=CATEGORIES):
            linked.setdefault(str(priority.pk), CATEGORIES[priority.title])
        if linked != settings.priority_categories:
            settings.priority_categories = linked
            settings.save(update_fields=["priority_categories", "updated_at"])


def publish_priorities(world) -> None:
    for agency in world.agencies.values():
        for priority in agency.priorities.filter(title__in=SUMMARIES, public_summary=""):
            priority.public_summary = SUMMARIES[priority.title]
            priority.is_public = True
            priority.save(update_fields=["public_summary", "is_public"])
