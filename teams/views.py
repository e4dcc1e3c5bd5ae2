from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from teams import catalogue, charts, queries, services
from teams.forms import (
    ActionForm,
    ActionStatusForm,
    CheckpointForm,
    GoalForm,
    MeetingCreateForm,
    MeetingRecordForm,
    MemberAddForm,
    MemberEditForm,
    MetricForm,
    ReadingForm,
    ResponseForm,
    SaraAnalysisForm,
    SaraScanningForm,
    TeamForm,
)
from teams.models import ActionItem, SaraRecord, Team


def _team(request, team_id, *related):
    """The team, if this member may see it: staff see all, partners only the teams they are on."""
    teams = request.agency.teams.visible_to(request.membership).select_related(*related)
    team = get_object_or_404(teams, pk=team_id)
    team.agency = request.agency
    return team


def _in_agency(objects, agency):
    """Give loaded rows their (already known) agency, so get_absolute_url costs no query."""
    for obj in objects:
        obj.agency = agency
    return objects


def _is_staff(request):
    return request.membership.role >= Role.STAFF


@agency_view(min_role=Role.PARTNER)
def team_list(request):
    teams = list(
        request.agency.teams.visible_to(request.membership)
        .with_last_meeting()
        .select_related("sara")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=request.agency.team_members.current().select_related("person"),
                to_attr="current_members",
            )
        )
    )
    overdue_ids = set(
        request.agency.teams.visible_to(request.membership)
        .meeting_overdue()
        .values_list("pk", flat=True)
    )
    for team in _in_agency(teams, request.agency):
        team.meeting_overdue = team.pk in overdue_ids
        team.co_chairs = [m for m in team.current_members if m.role == "co_chair"]
    context = {
        "advisory": [t for t in teams if t.kind == Team.Kind.ADVISORY],
        "psts": [t for t in teams if t.kind == Team.Kind.PROBLEM_SOLVING],
        "can_edit": _is_staff(request),
    }
    return render(request, "teams/team_list.html", context)


@agency_view(min_role=Role.STAFF)
def team_create(request):
    form = TeamForm(
        request.POST or None,
        agency=request.agency,
        initial={"kind": request.GET.get("kind", Team.Kind.PROBLEM_SOLVING)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(
                agency=request.agency, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"{team.name} created. Now add its members.")
            return redirect("teams:team-roster", agency_slug=request.agency.slug, team_id=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": None})


@agency_view(min_role=Role.STAFF)
def team_edit(request, team_id):
    team = _team(request, team_id)
    form = TeamForm(request.POST or None, instance=team, agency=request.agency)
    if request.method == "POST" and form.is_valid() and form.save_if_unchanged(form.save):
        messages.success(request, f"{team.name} saved.")
        return redirect(team)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@agency_view(min_role=Role.PARTNER)
def team_detail(request, team_id):
    team = _team(request, team_id, "sara")
    today = timezone.localdate()
    members = queries.roster(team)
    goals = list(team.goals.all())
    metrics = list(
        team.metrics.with_latest().select_related("source_organization").order_by("goal_id", "pk")
    )
    for goal in goals:
        goal.metric_list = [m for m in metrics if m.goal_id == goal.pk]
    for metric in metrics:
        metric.team = team
    _in_agency(metrics, request.agency)
    meetings = list(
        team.meetings.annotate(attendee_count=Count("attendees")).order_by("-held_on", "-pk")[:5]
    )
    _in_agency(meetings, request.agency)
    last_meeting = meetings[0].held_on if meetings else None
    actions = list(
        team.action_items.open().select_related("owner", "owner_organization").order_by("due_on")
    )
    context = {
        "team": team,
        "members": members,
        "co_chairs": [m for m in members if m.role == "co_chair"],
        "goals": goals,
        "metrics": metrics,
        "metric_warnings": queries.metric_warnings(metrics),
        "meetings": meetings,
        "meeting_overdue": team.meeting_is_overdue(last_meeting, today),
        "days_since_meeting": (today - last_meeting).days if last_meeting else None,
        "actions": actions,
        "today": today,
        "sara": getattr(team, "sara", None),
        "can_edit": _is_staff(request),
    }
    return render(request, "teams/team_detail.html", context)


@agency_view(min_role=Role.PARTNER, write_role=Role.STAFF)
def team_roster(request, team_id):
    team = _team(request, team_id)
    form = MemberAddForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(
                team=team,
                added_by=request.user,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                sector=form.cleaned_data["sector"] or None,
                can_vote=form.cleaned_data["can_vote"],
            )
        except ValidationError as error:
            form.add_error("person", error)
        else:
            messages.success(
                request, f"{member.person} joined {team} as {member.get_role_display().lower()}."
            )
            if not request.htmx:
                return redirect(
                    "teams:team-roster", agency_slug=request.agency.slug, team_id=team.pk
                )
            form = MemberAddForm(team=team)
    members = queries.roster(team, include_former=True)
    context = {
        "team": team,
        "current": [m for m in members if m.left_on is None],
        "former": [m for m in members if m.left_on is not None],
        "composition": queries.composition(team, members),
        "form": form,
        "can_edit": _is_staff(request),
    }
    if request.htmx:
        return render(request, "teams/team_roster.html#roster-panel", context)
    return render(request, "teams/team_roster.html", context)


@agency_view(min_role=Role.STAFF)
def member_edit(request, team_id, member_id):
    team = _team(request, team_id)
    member = get_object_or_404(team.members.select_related("person"), pk=member_id)
    form = MemberEditForm(request.POST or None, instance=member)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_member(
                member=member,
                changed_by=request.user,
                role=form.cleaned_data["role"],
                can_vote=form.cleaned_data["can_vote"],
                sector=form.cleaned_data["sector"],
            )
        )
    ):
        messages.success(request, f"{member.person}'s place on {team} saved.")
        return redirect("teams:team-roster", agency_slug=request.agency.slug, team_id=team.pk)
    return render(request, "teams/member_edit.html", {"team": team, "member": member, "form": form})


@agency_view(min_role=Role.STAFF)
@require_POST
def member_remove(request, team_id, member_id):
    team = _team(request, team_id)
    member = get_object_or_404(team.members.select_related("person"), pk=member_id)
    try:
        services.remove_member(member=member, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{member.person} left {team}. Their record stays in the roster history."
        )
    return redirect("teams:team-roster", agency_slug=request.agency.slug, team_id=team.pk)


@agency_view(min_role=Role.STAFF)
def goal_create(request, team_id):
    team = _team(request, team_id)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = services.add_goal(team=team, added_by=request.user, **form.cleaned_data)
        messages.success(request, "Goal added. Now give it the metrics that will show success.")
        url = reverse(
            "teams:metric-create", kwargs={"agency_slug": request.agency.slug, "team_id": team.pk}
        )
        return redirect(f"{url}?goal={goal.pk}")
    return render(request, "teams/goal_form.html", {"team": team, "form": form})


@agency_view(min_role=Role.STAFF)
def goal_edit(request, team_id, goal_id):
    team = _team(request, team_id)
    goal = get_object_or_404(team.goals, pk=goal_id)
    form = GoalForm(request.POST or None, instance=goal)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_goal(goal=goal, changed_by=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, "Goal saved. Its earlier wording stays in the history.")
        return redirect(team)
    return render(request, "teams/goal_form.html", {"team": team, "form": form, "goal": goal})


@agency_view(min_role=Role.PARTNER)
def metric_catalogue(request, team_id):
    team = _team(request, team_id)
    context = {"team": team, "groups": catalogue.grouped(), "can_edit": _is_staff(request)}
    return render(request, "teams/metric_catalogue.html", context)


@agency_view(min_role=Role.STAFF)
def metric_create(request, team_id):
    team = _team(request, team_id)
    if not team.goals.exists():
        messages.info(request, "Start with a goal: each metric shows progress toward one.")
        return redirect("teams:goal-create", agency_slug=request.agency.slug, team_id=team.pk)
    initial = {"goal": request.GET.get("goal")}
    entry = catalogue.BY_KEY.get(request.GET.get("catalogue", ""))
    if entry:
        initial.update(
            catalogue_key=entry.key,
            name=entry.name,
            definition=entry.description,
            unit=entry.unit,
            direction=entry.direction,
            kind=entry.kind,
            is_crime_count=entry.is_crime_count,
            cadence=entry.cadence,
        )
    form = MetricForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        goal = data.pop("goal")
        try:
            metric = services.add_metric(team=team, goal=goal, added_by=request.user, **data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Metric “{metric.name}” added. Enter its readings here.")
            return redirect(metric)
    return render(request, "teams/metric_form.html", {"team": team, "form": form, "entry": entry})


@agency_view(min_role=Role.STAFF)
def metric_edit(request, team_id, metric_id):
    team = _team(request, team_id)
    metric = get_object_or_404(team.metrics, pk=metric_id)
    metric.agency = request.agency
    form = MetricForm(request.POST or None, instance=metric, team=team)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_metric(
                metric=metric, changed_by=request.user, **form.cleaned_data
            )
        )
    ):
        messages.success(request, f"“{metric.name}” saved. Earlier values stay in its history.")
        return redirect(metric)
    context = {"team": team, "form": form, "entry": None, "metric": metric}
    return render(request, "teams/metric_form.html", context)


@agency_view(min_role=Role.PARTNER)
def metric_detail(request, team_id, metric_id):
    team = _team(request, team_id)
    metric = get_object_or_404(
        team.metrics.with_latest().select_related("goal", "source_organization"), pk=metric_id
    )
    metric.team, metric.agency = team, request.agency
    can_enter = services.can_enter_readings(metric=metric, membership=request.membership)
    form = ReadingForm(request.POST or None)
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(
                "Only staff, or partners whose organization provides this metric, enter readings."
            )
        if form.is_valid():
            reading = services.record_reading(
                metric=metric,
                membership=request.membership,
                entered_by=request.user,
                **form.cleaned_data,
            )
            messages.success(
                request,
                f"Reading of {reading.value_display} on {reading.taken_on:%-d %b %Y} saved.",
            )
            if not request.htmx:
                return redirect(metric)
            metric = (
                team.metrics.with_latest()
                .select_related("goal", "source_organization")
                .get(pk=metric.pk)
            )
            metric.team, metric.agency = team, request.agency
            form = ReadingForm()
    readings = list(metric.readings.select_related("entered_by").order_by("taken_on"))
    context = {
        "team": team,
        "metric": metric,
        "readings": readings,
        "recent_readings": readings[::-1][:24],
        "figure": charts.metric_figure(metric, readings),
        "form": form,
        "can_enter": can_enter,
        "overdue": metric.is_overdue(),
    }
    if request.htmx:
        return render(request, "teams/metric_detail.html#metric-panel", context)
    return render(request, "teams/metric_detail.html", context)


@agency_view(min_role=Role.STAFF)
def meeting_create(request, team_id):
    team = _team(request, team_id)
    form = MeetingCreateForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "agenda": services.MEETING_AGENDA_TEMPLATE},
    )
    if request.method == "POST" and form.is_valid():
        meeting = services.schedule_meeting(team=team, created_by=request.user, **form.cleaned_data)
        messages.success(request, "Meeting added. Take attendance and minutes below.")
        return redirect(meeting)
    return render(request, "teams/meeting_form.html", {"team": team, "form": form})


@agency_view(min_role=Role.PARTNER, write_role=Role.STAFF)
def meeting_detail(request, team_id, meeting_id):
    team = _team(request, team_id)
    meeting = get_object_or_404(team.meetings.prefetch_related("attendees__person"), pk=meeting_id)
    meeting.agency = request.agency
    which = request.POST.get("form", "record") if request.method == "POST" else None
    record_form = MeetingRecordForm(
        request.POST if which == "record" else None, instance=meeting, team=team
    )
    action_form = ActionForm(
        request.POST if which == "action" else None,
        team=team,
        initial={"due_on": meeting.held_on + timedelta(days=30)},
        prefix="action",
    )
    if (
        which == "record"
        and record_form.is_valid()
        and record_form.save_if_unchanged(
            lambda: _record_meeting(meeting, request.user, record_form.cleaned_data)
        )
    ):
        messages.success(request, "Attendance, minutes and decisions saved.")
        return redirect(meeting)
    if which == "action" and action_form.is_valid():
        action = services.add_action(
            team=team, meeting=meeting, added_by=request.user, **action_form.cleaned_data
        )
        messages.success(
            request, f"Action for {action.owner} added, due {action.due_on:%-d %b %Y}."
        )
        if not request.htmx:
            return redirect(meeting)
        action_form = ActionForm(team=team, initial={"due_on": action.due_on}, prefix="action")
    context = {
        "team": team,
        "meeting": meeting,
        "attendees": list(meeting.attendees.all()),
        "actions": list(
            meeting.action_items.select_related("owner", "owner_organization").order_by("due_on")
        ),
        "record_form": record_form,
        "action_form": action_form,
        "can_edit": _is_staff(request),
        "today": timezone.localdate(),
    }
    if request.htmx and which == "action":
        return render(request, "teams/meeting_detail.html#meeting-actions", context)
    return render(request, "teams/meeting_detail.html", context)


def _record_meeting(meeting, user, data):
    services.record_meeting(
        meeting=meeting,
        recorded_by=user,
        attendees=list(data["attendees"]),
        minutes=data["minutes"],
        decisions=data["decisions"],
        agenda=data["agenda"],
        location=data["location"],
    )
    meeting.held_on = data["held_on"]
    meeting.save(update_fields=["held_on"])


@agency_view(min_role=Role.PARTNER)
@require_POST
def action_status(request, team_id, action_id):
    """Staff update any action; anyone updates the actions they own."""
    team = _team(request, team_id)
    action = get_object_or_404(team.action_items.select_related("owner"), pk=action_id)
    if not _is_staff(request) and action.owner.user_id != request.user.pk:
        raise PermissionDenied("Only the action's owner or staff can change its status.")
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(
            action=action, status=form.cleaned_data["status"], changed_by=request.user
        )
        messages.success(
            request, f"“{action.description}” is now {action.get_status_display().lower()}."
        )
    else:
        messages.error(request, "Choose one of the listed statuses.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)  # redirect() would try it as a view name
    return redirect(team)


@agency_view(min_role=Role.PARTNER)
def my_actions(request):
    """The action items owned by the logged-in person, across every team of the agency."""
    actions = list(
        request.agency.action_items.filter(owner__user=request.user)
        .select_related("team", "owner_organization", "meeting")
        .order_by("status", "due_on")
    )
    _in_agency([action.team for action in actions], request.agency)
    context = {
        "open_actions": [a for a in actions if a.is_open],
        "closed_actions": [a for a in actions if not a.is_open][:20],
        "today": timezone.localdate(),
        "statuses": ActionItem.Status.choices,
    }
    return render(request, "teams/my_actions.html", context)


SARA_SECTIONS = {"scanning", "analysis", "response", "checkpoint"}


@agency_view(min_role=Role.PARTNER, write_role=Role.STAFF)
def sara_detail(request, team_id):
    team = _team(request, team_id)
    if team.kind != Team.Kind.PROBLEM_SOLVING:
        raise Http404("Only problem-solving teams keep a SARA record.")
    record = services.sara_record_for(team)
    section = request.POST.get("section") if request.method == "POST" else None
    if request.method == "POST" and section not in SARA_SECTIONS:
        return HttpResponseBadRequest("Unknown part of the SARA record.")
    data = request.POST if request.method == "POST" else None
    scanning_form = SaraScanningForm(
        data if section == "scanning" else None, instance=record, prefix="scanning"
    )
    analysis_form = SaraAnalysisForm(
        data if section == "analysis" else None, instance=record, prefix="analysis"
    )
    response_form = ResponseForm(
        data if section == "response" else None, team=team, prefix="response"
    )
    checkpoint_forms = {}
    saved = None
    if section in {"scanning", "analysis"}:
        form = scanning_form if section == "scanning" else analysis_form
        if form.is_valid() and form.save_if_unchanged(
            lambda: services.update_sara(
                record=record, changed_by=request.user, **form.cleaned_data
            )
        ):
            saved = f"The {section} section is saved."
    elif section == "response" and response_form.is_valid():
        services.add_response(record=record, added_by=request.user, **response_form.cleaned_data)
        saved = "Response added."
        response_form = ResponseForm(team=team, prefix="response")
    responses = list(
        record.responses.select_related("owner_organization").prefetch_related("checkpoints")
    )
    if section == "checkpoint":
        checkpoint = None
        for response in responses:
            for candidate in response.checkpoints.all():
                if str(candidate.pk) == request.POST.get("checkpoint"):
                    checkpoint = candidate
        if checkpoint is None:
            return HttpResponseBadRequest("Unknown checkpoint.")
        form = CheckpointForm(data, instance=checkpoint, prefix=f"cp{checkpoint.pk}")
        checkpoint_forms[checkpoint.pk] = form
        if form.is_valid() and form.save_if_unchanged(
            lambda: services.decide_checkpoint(
                checkpoint=checkpoint, decided_by=request.user, **form.cleaned_data
            )
        ):
            saved = f"Decision recorded: {checkpoint.get_decision_display().lower()}."
            record.refresh_from_db()
            checkpoint_forms.pop(checkpoint.pk)
            responses = list(
                record.responses.select_related("owner_organization").prefetch_related(
                    "checkpoints"
                )
            )
    if saved:
        messages.success(request, saved)
        if not request.htmx:
            return redirect("teams:sara-detail", agency_slug=request.agency.slug, team_id=team.pk)
    for response in responses:
        # Only the next undecided checkpoint of a response takes a decision; later ones wait.
        undecided = [c for c in response.checkpoints.all() if not c.decision]
        next_up = undecided[0] if undecided else None
        response.checkpoint_list = [
            (
                c,
                checkpoint_forms.get(c.pk) or CheckpointForm(instance=c, prefix=f"cp{c.pk}")
                if c == next_up
                else None,
            )
            for c in response.checkpoints.all()
        ]
    context = {
        "team": team,
        "record": record,
        "responses": responses,
        "scanning_form": scanning_form,
        "analysis_form": analysis_form,
        "response_form": response_form,
        "can_edit": _is_staff(request),
        "today": timezone.localdate(),
        "stages": SaraRecord.Stage.choices,
    }
    if request.htmx and section:
        return render(request, "teams/sara_detail.html#sara-record", context)
    return render(request, "teams/sara_detail.html", context)


@agency_view(min_role=Role.PARTNER)
def sara_print(request, team_id):
    """The SARA record on one page, to print or share as a case study."""
    team = _team(request, team_id)
    if team.kind != Team.Kind.PROBLEM_SOLVING:
        raise Http404("Only problem-solving teams keep a SARA record.")
    record = services.sara_record_for(team)
    metrics = list(team.metrics.with_latest().select_related("goal"))
    context = {
        "team": team,
        "record": record,
        "responses": list(
            record.responses.select_related("owner_organization").prefetch_related("checkpoints")
        ),
        "goals": list(team.goals.all()),
        "metrics": metrics,
        "members": queries.roster(team),
        "meeting_count": team.meetings.count(),
    }
    return render(request, "teams/sara_print.html", context)
