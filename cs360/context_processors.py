from cs360.navigation import areas_for


def agency(request):
    """The current agency, the person's other agencies (for the switcher) and the nav areas."""
    membership = getattr(request, "membership", None)
    context = {"current_agency": getattr(request, "agency", None), "membership": membership}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = list(user.memberships.select_related("agency"))
        context["nav_areas"] = areas_for(membership) if membership else []
    return context
