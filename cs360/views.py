from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from cs360 import services
from cs360.forms import (
    AcceptInvitationForm,
    InvitationForm,
    RoleForm,
    TwoFactorRequirementForm,
)
from cs360.home import attention_items
from cs360.models import Role
from cs360.navigation import areas_for
from cs360.permissions import agency_view


def home(request):
    """Send a member of one agency straight to it; otherwise let them choose."""
    memberships = list(request.user.memberships.select_related("agency"))
    if len(memberships) == 1:
        return redirect(memberships[0].agency)
    return render(request, "cs360/home.html", {"memberships": memberships})


@agency_view(min_role=Role.PARTNER)
def agency_home(request):
    context = {
        "areas": areas_for(request.membership),
        "attention": attention_items(request.agency, request.membership),
    }
    return render(request, "cs360/agency_home.html", context)


@agency_view(min_role=Role.ADMIN)
def member_list(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                agency=request.agency,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once and expires on "
                f"{date_format(invitation.expires_at, 'j F Y')}.",
            )
            return redirect("member-list", agency_slug=request.agency.slug)
    members = request.agency.memberships.select_related("user").order_by("-role", "user__email")
    context = {
        "members": members,
        "invitations": request.agency.invitations.select_related("invited_by")[:50],
        "form": form,
        "roles": Role.choices,
        "admin_count": sum(1 for m in members if m.role == Role.ADMIN),
    }
    if request.htmx and request.method == "POST":
        return render(request, "cs360/member_list.html#invite-form", context)
    return render(request, "cs360/member_list.html", context)


@agency_view(min_role=Role.ADMIN)
@require_POST
def agency_two_factor(request):
    """Turn the agency's two-factor requirement for staff and admins on or off."""
    form = TwoFactorRequirementForm(request.POST)
    form.is_valid()  # A missing or unreadable box means "off", like an unticked checkbox.
    request.agency.require_two_factor = form.cleaned_data.get("require_two_factor", False)
    request.agency.save(update_fields=["require_two_factor"])
    if request.agency.require_two_factor:
        messages.success(
            request,
            "Staff and admins now need a code from an authenticator app after their password. "
            "Anyone who has not set one up is asked to at their next page.",
        )
    else:
        messages.success(request, "Two-factor login is no longer required (it stays optional).")
    return redirect("member-list", agency_slug=request.agency.slug)


@agency_view(min_role=Role.ADMIN)
@require_POST
def member_role(request, membership_id):
    membership = get_object_or_404(
        request.agency.memberships.select_related("user"), pk=membership_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            services.change_role(
                membership=membership, role=form.cleaned_data["role"], changed_by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("member-list", agency_slug=request.agency.slug)


@agency_view(min_role=Role.ADMIN)
@require_POST
def member_remove(request, membership_id):
    membership = get_object_or_404(
        request.agency.memberships.select_related("user"), pk=membership_id
    )
    try:
        services.remove_member(membership=membership, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user} no longer has access to {request.agency}.")
    return redirect("member-list", agency_slug=request.agency.slug)


@agency_view(min_role=Role.ADMIN)
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(request.agency.invitations.pending(), pk=invitation_id)
    services.revoke_invitation(invitation=invitation, revoked_by=request.user)
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("member-list", agency_slug=request.agency.slug)


@login_not_required
def invitation_accept(request, token):
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as error:
        return render(request, "cs360/invitation_invalid.html", {"reason": str(error)}, status=410)

    user = request.user if request.user.is_authenticated else None
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    account_exists = user is None and services.account_exists(invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = services.accept_invitation(
                token=token,
                user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except services.InvitationError as error:
            return render(
                request, "cs360/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        if user is None:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {membership.agency}.")
        return redirect(membership.agency)
    context = {"invitation": invitation, "form": form, "account_exists": account_exists}
    return render(request, "cs360/invitation_accept.html", context)


@agency_view(min_role=Role.STAFF)
def object_history(request, app_label, model_name, object_id):
    """Who changed what and when, for any history-tracked record of this agency."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404("No such kind of record.") from error
    if not hasattr(model, "history") or not any(f.name == "agency" for f in model._meta.fields):
        raise Http404("This kind of record has no history.")
    records = list(
        model.history.filter(id=object_id, agency_id=request.agency.id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not records:
        raise Http404("No history for this record.")
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        entries.append({"record": record, "changes": changes})
        previous = record
    entries.reverse()
    context = {
        "entries": entries,
        "object_label": str(records[-1].instance) if records[-1].history_type != "-" else "",
        "model_name": model._meta.verbose_name,
    }
    return render(request, "cs360/object_history.html", context)


@login_not_required
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says. The address is
    looked up per request, since the hashed name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
