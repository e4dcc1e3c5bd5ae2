"""How the permission matrix fills in URL parameters other than the agency slug.

Every agency URL is checked automatically. A URL with extra parameters needs a way to make
an object of the right agency: add it here by parameter name, or by URL name when one URL
needs several related values. A missing entry fails the matrix with a message naming it.
Each callable receives (agency, user) — `user` is the member the request will run as,
so an object that only its own members may open (a team) can include them.
"""

from tests.factories import MembershipFactory, UserFactory

BY_PARAM = {
    "membership_id": lambda agency, user: MembershipFactory(agency=agency, user=UserFactory()).pk,
    "invitation_id": lambda agency, user: _invitation(agency).pk,
}

BY_URL_NAME = {
    "object-history": lambda agency, user: {
        "app_label": "cs360",
        "model_name": "membership",
        "object_id": MembershipFactory(agency=agency, user=UserFactory()).pk,
    },
}


def _invitation(agency):
    from datetime import timedelta

    from django.utils import timezone

    from cs360.models import Invitation

    return Invitation.objects.create(
        agency=agency,
        email="invitee@example.org",
        token_hash=Invitation.hash_token(str(timezone.now().timestamp())),
        expires_at=timezone.now() + timedelta(days=3),
    )
