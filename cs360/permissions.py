"""The one gatekeeper for every agency page."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cs360.models import Membership, Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def agency_view(min_role: Role = Role.PARTNER, write_role: Role | None = None):
    """Resolve the agency from the URL and check the person's role in it.

    Sets `request.agency` and `request.membership`, and shows the page in the agency's
    time zone. A person who is not a member gets 404, so agency slugs do not leak; a
    member below `min_role` gets 403. `write_role`, when given, is the role needed for
    POST and other unsafe methods (e.g. partners may read a page that only staff edit).
    The roles are kept on the wrapper so the permission-matrix test can read them.
    """
    write_role = write_role if write_role is not None else min_role

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, agency_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = (
                Membership.objects.select_related("agency", "user")
                .filter(user=request.user, agency__slug=agency_slug)
                .first()
            )
            if membership is None:
                raise Http404("No such agency.")
            needed = min_role if request.method in SAFE_METHODS else max(min_role, write_role)
            if membership.role < needed:
                raise PermissionDenied(
                    f"This page needs the {Role(needed).label} role at {membership.agency}."
                )
            request.agency = membership.agency
            request.membership = membership
            with timezone.override(membership.agency.time_zone):
                return view(request, *args, **kwargs)

        wrapper.agency_min_role = Role(min_role)
        wrapper.agency_write_role = Role(max(min_role, write_role))
        return wrapper

    return decorator
