"""Writes that touch several models: invitations and membership changes."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cs360.models import Agency, Invitation, Membership, Role, User


class InvitationError(Exception):
    """The link cannot be used; the message says why in words a person understands."""


@transaction.atomic
def invite_member(
    *, agency: Agency, email: str, role: Role, invited_by: User, base_url: str
) -> Invitation:
    """Create an invitation and e-mail its single-use link. Returns the invitation."""
    email = email.strip().lower()
    if Membership.objects.filter(agency=agency, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {agency}.")
    # A new invitation replaces any still-pending one, so only the newest link works.
    for pending in agency.invitations.pending().filter(email__iexact=email):
        pending.revoked_at = timezone.now()
        pending._history_user = invited_by
        pending.save(update_fields=["revoked_at"])
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        agency=agency,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    link = base_url.rstrip("/") + reverse("invitation-accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "invited_by": invited_by}
    send_mail(
        subject=f"You are invited to join {agency.name} on CS360",
        message=render_to_string("cs360/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    invitation.link = link  # Shown once to the admin, e.g. to pass on by hand.
    return invitation


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def find_invitation(token: str) -> Invitation:
    """Return the pending invitation for `token` or raise InvitationError saying why not."""
    invitation = (
        Invitation.objects.select_related("agency")
        .filter(token_hash=Invitation.hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask the person who invited you for a new one."
        )
    if invitation.accepted_at:
        raise InvitationError(
            "This invitation has already been used. If it was you, log in with your e-mail "
            "and password; otherwise ask for a new invitation."
        )
    if invitation.revoked_at:
        raise InvitationError("This invitation was withdrawn. Ask the agency for a new one.")
    if invitation.is_expired:
        raise InvitationError(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %B %Y}. "
            "Ask the person who invited you to send a new one."
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Use the invitation: create the account if needed and add the membership.

    The invitation row is locked so that two clicks on the same link cannot both succeed.
    """
    invitation = find_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError("This invitation has already been used.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                f"An account for {invitation.email} already exists. Log in first, then open "
                "the link again to join."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}, but you are logged in as {user.email}. "
            "Log out and open the link again."
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, agency=invitation.agency, role=invitation.role
            )
    except IntegrityError:
        membership = Membership.objects.get(user=user, agency=invitation.agency)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _lock_admins(agency: Agency):
    return list(
        Membership.objects.select_for_update().filter(agency=agency, role=Role.ADMIN).order_by("pk")
    )


@transaction.atomic
def change_role(*, membership: Membership, role: Role, changed_by: User) -> Membership:
    """Change a member's role; an agency always keeps at least one admin."""
    admins = _lock_admins(membership.agency)
    if membership.role == Role.ADMIN and role != Role.ADMIN and len(admins) <= 1:
        raise ValidationError(
            f"{membership.user} is the last admin of {membership.agency}. "
            "Make someone else an admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, removed_by: User) -> None:
    """Remove a member; the last admin cannot be removed."""
    admins = _lock_admins(membership.agency)
    if membership.role == Role.ADMIN and len(admins) <= 1:
        raise ValidationError(
            f"{membership.user} is the last admin of {membership.agency} and cannot be removed."
        )
    membership.delete()


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, revoked_by: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
