from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from scanning import queries, services
from scanning.forms import (
    ActivityForm,
    AssignForm,
    BallotForm,
    CandidateForm,
    DecisionForm,
    InputEditForm,
    InputForm,
    MergeForm,
    PriorityForm,
    RoundForm,
    StartTeamForm,
    TopicForm,
)
from scanning.models import (
    DEFAULT_CRITERIA,
    ActivityKind,
    PriorityRound,
    RespondentKind,
    Theme,
)


def _url(name, request, **kwargs):
    return reverse(f"scanning:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Activities and fast entry -----------------------------------------------------------


@agency_view(min_role=Role.PARTNER)
def activity_list(request):
    """The scanning home: activities for staff; rounds and priorities for partners."""
    membership = request.membership
    rounds = (
        request.agency.priority_rounds.visible_to(membership)
        .select_related("team")
        .annotate(ballots_in=Count("voters", distinct=True))
        .order_by("-created_at")[:10]
    )
    context = {"rounds": rounds, "is_staff": membership.is_staff_or_admin}
    if membership.is_staff_or_admin:
        kind = request.GET.get("kind", "")
        activities = (
            request.agency.scanning_activities.with_input_counts()
            .prefetch_related("organizations")
            .order_by("-held_on", "-pk")
        )
        if kind in ActivityKind.values:
            activities = activities.filter(kind=kind)
        page = Paginator(activities, 25).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "totals": request.agency.scanning_inputs.aggregate(
                inputs=Count("pk"),
                grouped=Count("pk", filter=Q(candidate__isnull=False)),
            ),
            "priorities": request.agency.priorities.active().select_related("team")[:10],
        }
    return render(request, "scanning/activity_list.html", context)


@agency_view(min_role=Role.STAFF)
def activity_create(request):
    form = ActivityForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        activity = services.record_activity(
            agency=request.agency,
            recorded_by=request.user,
            organizations=form.cleaned_data["organizations"],
            **form.service_fields(),
        )
        messages.success(request, f"“{activity}” recorded. Add what you heard below.")
        return redirect(activity)
    return render(request, "scanning/activity_form.html", {"form": form})


@agency_view(min_role=Role.STAFF)
def activity_edit(request, activity_id):
    activity = get_object_or_404(request.agency.scanning_activities, pk=activity_id)
    form = ActivityForm(request.POST or None, instance=activity, agency=request.agency)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_activity(
                activity=activity,
                changed_by=request.user,
                organizations=form.cleaned_data["organizations"],
                **form.service_fields(),
            )
        )
    ):
        messages.success(request, "Activity saved.")
        return redirect(activity)
    return render(request, "scanning/activity_form.html", {"form": form, "activity": activity})


@agency_view(min_role=Role.STAFF)
def activity_detail(request, activity_id):
    """The activity and its inputs, with the fast-entry row: type, Enter, next."""
    activity = get_object_or_404(
        request.agency.scanning_activities.prefetch_related("organizations"), pk=activity_id
    )
    services.ensure_default_topics(agency=request.agency)
    topics = list(request.agency.scanning_topics.filter(is_active=True))
    initial = {k: v for k, v in request.GET.items() if k in InputForm.CARRIED}
    form = InputForm(request.POST or None, activity=activity, topics=topics, initial=initial)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_input(
                activity=activity,
                recorded_by=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k in _INPUT_FIELDS},
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            carried = form.carried()
            if not request.htmx:
                messages.success(request, "Saved. Next one?")
                return redirect(f"{activity.get_absolute_url()}?{urlencode(carried)}")
            form = InputForm(activity=activity, topics=topics, initial=carried)
    inputs = activity.inputs.select_related("candidate", "organization").prefetch_related("topics")
    context = {
        "activity": activity,
        "form": form,
        "inputs": inputs,
        "input_count": activity.inputs.count(),
        "saved": saved,
        "topics": topics,
        "places": request.agency.scanning_inputs.exclude(place_name="")
        .values_list("place_name", flat=True)
        .distinct()
        .order_by("place_name")[:200],
    }
    if request.htmx and request.method == "POST":
        return render(request, "scanning/activity_detail.html#entry-response", context)
    return render(request, "scanning/activity_detail.html", context)


_INPUT_FIELDS = {
    "text",
    "theme",
    "respondent_kind",
    "place_kind",
    "place_name",
    "strength",
    "respondent_name",
    "organization",
    "topics",
}


@agency_view(min_role=Role.STAFF)
def input_edit(request, input_id):
    item = get_object_or_404(request.agency.scanning_inputs.select_related("activity"), pk=input_id)
    form = InputEditForm(request.POST or None, instance=item, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "topics"}
        try:
            saved = form.save_if_unchanged(
                lambda: services.update_input(
                    item=item, changed_by=request.user, topics=form.cleaned_data["topics"], **fields
                )
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if saved:
                messages.success(request, "Input saved.")
                return redirect(item.activity)
    return render(request, "scanning/input_form.html", {"form": form, "item": item})


@agency_view(min_role=Role.STAFF)
@require_POST
def input_delete(request, input_id):
    item = get_object_or_404(request.agency.scanning_inputs, pk=input_id)
    activity = item.activity
    item.delete()
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Input deleted.")
    return redirect(activity)


@agency_view(min_role=Role.STAFF)
def topic_list(request):
    services.ensure_default_topics(agency=request.agency)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        if request.agency.scanning_topics.filter(name__iexact=name).exists():
            form.add_error("name", f"“{name}” is already on the list.")
        else:
            request.agency.scanning_topics.create(name=name)
            messages.success(request, f"Topic “{name}” added.")
            return redirect(_url("topic-list", request))
    topics = request.agency.scanning_topics.annotate(uses=Count("inputs")).order_by("name")
    return render(request, "scanning/topic_list.html", {"form": form, "topics": topics})


@agency_view(min_role=Role.STAFF)
@require_POST
def topic_toggle(request, topic_id):
    topic = get_object_or_404(request.agency.scanning_topics, pk=topic_id)
    topic.is_active = not topic.is_active
    topic.save(update_fields=["is_active"])
    state = "back on the list" if topic.is_active else "retired (kept on past inputs)"
    messages.success(request, f"“{topic}” is {state}.")
    return redirect(_url("topic-list", request))


# --- Synthesis ---------------------------------------------------------------------------


@agency_view(min_role=Role.STAFF)
def synthesis(request):
    """Group inputs into candidate problems; see evidence and who is under-heard."""
    agency = request.agency
    candidates = list(agency.candidate_problems.open().order_by("title"))
    evidence = queries.candidate_evidence(agency)
    for candidate in candidates:
        candidate.evidence = evidence.get(candidate.pk, queries.Evidence())
    candidates.sort(key=lambda c: (-c.evidence.inputs, c.title))
    unassigned = (
        agency.scanning_inputs.filter(candidate__isnull=True)
        .select_related("activity")
        .order_by("-activity__held_on", "-pk")
    )
    q = request.GET.get("q", "").strip()
    if q:
        unassigned = unassigned.filter(text__icontains=q)
    theme = request.GET.get("theme", "")
    if theme in Theme.values:
        unassigned = unassigned.filter(theme=theme)
    page = Paginator(unassigned, 50).get_page(request.GET.get("page"))
    context = {
        "candidates": candidates,
        "page": page,
        "q": q,
        "theme": theme,
        "themes": Theme.choices,
        "assign_form": AssignForm(agency=agency),
        "gaps": queries.under_heard(agency),
    }
    return render(request, "scanning/synthesis.html", context)


@agency_view(min_role=Role.STAFF)
@require_POST
def inputs_assign(request):
    form = AssignForm(request.POST, agency=request.agency)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_url("synthesis", request))
    candidate = form.cleaned_data["candidate"]
    inputs = list(form.cleaned_data["inputs"])
    if candidate is None:
        candidate = services.create_candidate(
            agency=request.agency,
            created_by=request.user,
            title=form.cleaned_data["new_title"].strip(),
            inputs=inputs,
        )
        messages.success(
            request,
            f"New candidate “{candidate}” with {len(inputs)} inputs. "
            "Define its behavior, people, place and time.",
        )
    else:
        services.assign_inputs(
            agency=request.agency, inputs=inputs, candidate=candidate, assigned_by=request.user
        )
        messages.success(request, f"{len(inputs)} inputs added to “{candidate}”.")
    return redirect(_url("synthesis", request))


@agency_view(min_role=Role.STAFF)
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidate = services.create_candidate(
            agency=request.agency, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, f"Candidate problem “{candidate}” added.")
        return redirect(candidate)
    return render(request, "scanning/candidate_form.html", {"form": form})


@agency_view(min_role=Role.STAFF)
def candidate_edit(request, candidate_id):
    candidate = get_object_or_404(request.agency.candidate_problems, pk=candidate_id)
    form = CandidateForm(request.POST or None, instance=candidate)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_candidate(
                candidate=candidate, changed_by=request.user, **form.cleaned_data
            )
        )
    ):
        messages.success(request, "Candidate problem saved.")
        return redirect(candidate)
    return render(request, "scanning/candidate_form.html", {"form": form, "candidate": candidate})


@agency_view(min_role=Role.PARTNER, write_role=Role.STAFF)
def candidate_detail(request, candidate_id):
    membership = request.membership
    candidate = get_object_or_404(
        request.agency.candidate_problems.visible_to(membership).select_related("merged_into"),
        pk=candidate_id,
    )
    evidence = queries.candidate_evidence(request.agency, [candidate.pk]).get(
        candidate.pk, queries.Evidence()
    )
    inputs = (
        candidate.inputs.visible_to(membership)
        .select_related("activity", "organization")
        .prefetch_related("topics")
        .order_by("-strength", "-activity__held_on")
    )
    hidden = candidate.inputs.count() - inputs.count()
    by_channel = candidate.inputs.values("activity__kind").annotate(n=Count("pk")).order_by("-n")
    by_kind = candidate.inputs.values("respondent_kind").annotate(n=Count("pk")).order_by("-n")
    context = {
        "candidate": candidate,
        "evidence": evidence,
        "inputs": inputs[:200],
        "hidden_inputs": hidden,
        "by_channel": [(ActivityKind(r["activity__kind"]).label, r["n"]) for r in by_channel],
        "by_kind": [(dict(RespondentKind.choices)[r["respondent_kind"]], r["n"]) for r in by_kind],
        "merged": candidate.merged.all(),
        "merge_form": MergeForm(candidate=candidate) if membership.is_staff_or_admin else None,
        "is_staff": membership.is_staff_or_admin,
    }
    return render(request, "scanning/candidate_detail.html", context)


@agency_view(min_role=Role.STAFF)
@require_POST
def candidate_merge(request, candidate_id):
    candidate = get_object_or_404(request.agency.candidate_problems.open(), pk=candidate_id)
    form = MergeForm(request.POST, candidate=candidate)
    if not form.is_valid():
        messages.error(request, "Choose an open candidate problem to merge into.")
        return redirect(candidate)
    try:
        target = services.merge_candidates(
            agency=request.agency,
            source=candidate,
            target=form.cleaned_data["target"],
            merged_by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(candidate)
    messages.success(request, f"“{candidate}” merged into “{target}”; its inputs now count there.")
    return redirect(target)


# --- Priority rounds ---------------------------------------------------------------------


@agency_view(min_role=Role.PARTNER)
def round_list(request):
    rounds = (
        request.agency.priority_rounds.visible_to(request.membership)
        .select_related("team")
        .annotate(ballots_in=Count("voters", distinct=True), size=Count("entries", distinct=True))
        .order_by("-created_at")
    )
    return render(request, "scanning/round_list.html", {"rounds": rounds})


def _round_criteria(round_):
    if round_ is None:
        return [(i, name, 1) for i, (name, _) in enumerate(DEFAULT_CRITERIA)]
    return [(c.pk, c.name, c.weight) for c in round_.criteria.all()]


@agency_view(min_role=Role.STAFF)
def round_create(request):
    criteria = _round_criteria(None)
    initial = {"candidates": request.GET.getlist("candidate")}
    form = RoundForm(
        request.POST or None, agency=request.agency, criteria=criteria, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        weights = form.weights()
        settings = {
            k: v for k, v in form.cleaned_data.items() if k in RoundForm.Meta.fields and k != "team"
        }
        settings.pop("title")
        settings.pop("closes_at")
        try:
            round_ = services.create_round(
                agency=request.agency,
                created_by=request.user,
                team=form.cleaned_data["team"],
                title=form.cleaned_data["title"],
                closes_at=form.cleaned_data["closes_at"],
                candidates=list(form.cleaned_data["candidates"]),
                criteria=[(name, weights[key]) for key, name, _ in criteria],
                **settings,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, "Round drafted. Check the settings, then open voting: they lock then."
            )
            return redirect(round_)
    return render(request, "scanning/round_form.html", {"form": form})


@agency_view(min_role=Role.STAFF)
def round_edit(request, round_id):
    round_ = get_object_or_404(request.agency.priority_rounds, pk=round_id)
    if round_.status != PriorityRound.Status.DRAFT:
        messages.error(request, "Voting has started, so the settings are locked.")
        return redirect(round_)
    criteria = _round_criteria(round_)
    form = RoundForm(
        request.POST or None,
        instance=round_,
        agency=request.agency,
        criteria=criteria,
        initial={"candidates": [e.candidate_id for e in round_.entries.all()]},
    )
    if request.method == "POST" and form.is_valid():
        settings = {k: v for k, v in form.cleaned_data.items() if k in RoundForm.Meta.fields}
        try:
            services.update_round(
                round_=round_,
                changed_by=request.user,
                candidates=list(form.cleaned_data["candidates"]),
                weights=form.weights(),
                **settings,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Round settings saved.")
            return redirect(round_)
    return render(request, "scanning/round_form.html", {"form": form, "round": round_})


@agency_view(min_role=Role.PARTNER, write_role=Role.STAFF)
def round_detail(request, round_id):
    membership = request.membership
    round_ = get_object_or_404(
        request.agency.priority_rounds.visible_to(membership).select_related("team"),
        pk=round_id,
    )
    entries = list(round_.entries.select_related("candidate"))
    evidence = queries.candidate_evidence(request.agency, [e.candidate_id for e in entries])
    for entry in entries:
        entry.evidence = evidence.get(entry.candidate_id, queries.Evidence())
    results = queries.round_results(round_) if round_.results_visible else None
    voter = services.voter_for(round_=round_, user=request.user)
    decisions = list(
        round_.decisions.select_related("decided_by", "amends").prefetch_related(
            Prefetch("adopted", queryset=request.agency.priorities.select_related("team")),
            "withdrawn",
        )
    )
    context = {
        "round": round_,
        "entries": entries,
        "criteria": list(round_.criteria.all()),
        "results": results,
        "voter": voter,
        "has_voted": voter is not None and round_.voters.filter(member=voter).exists(),
        "voters": round_.voters.select_related("member__person").order_by(
            "member__person__full_name"
        ),
        "not_voted": services.eligible_voters(round_)
        .exclude(voter_records__round=round_)
        .select_related("person"),
        "eligible_count": services.eligible_voters(round_).count(),
        "decisions": decisions,
        "is_staff": membership.is_staff_or_admin,
        "past_closing": round_.status == PriorityRound.Status.OPEN
        and round_.closes_at <= timezone.now(),
    }
    return render(request, "scanning/round_detail.html", context)


@agency_view(min_role=Role.STAFF)
@require_POST
def round_open(request, round_id):
    round_ = get_object_or_404(request.agency.priority_rounds, pk=round_id)
    try:
        services.open_round(round_=round_, opened_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Voting is open. The settings are now locked.")
    return redirect(round_)


@agency_view(min_role=Role.STAFF)
@require_POST
def round_close(request, round_id):
    round_ = get_object_or_404(request.agency.priority_rounds, pk=round_id)
    try:
        services.close_round(round_=round_, closed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, "Voting closed. Review the results and record the decision.")
    return redirect(_url("decision-create", request, round_id=round_.pk))


@agency_view(min_role=Role.STAFF)
@require_POST
def round_remind(request, round_id):
    round_ = get_object_or_404(request.agency.priority_rounds, pk=round_id)
    sent = services.send_reminders(
        round_=round_,
        trigger="staff",
        sent_by=request.user,
        base_url=request.build_absolute_uri("/"),
    )
    if sent:
        messages.success(request, f"Reminder sent to {sent} member{'s' if sent != 1 else ''}.")
    else:
        messages.info(
            request,
            "No reminder sent: everyone has voted, was reminded in the last hour, "
            "has no e-mail address, or voting is not open.",
        )
    return redirect(round_)


RECEIPT_COOKIE = "cs360_receipt_{}"


@agency_view(min_role=Role.PARTNER)
def ballot_cast(request, round_id):
    """A voting member's ballot: cast it, or change it until the round closes."""
    round_ = get_object_or_404(
        request.agency.priority_rounds.visible_to(request.membership).select_related("team"),
        pk=round_id,
    )
    entries = list(round_.entries.select_related("candidate"))
    criteria = list(round_.criteria.all())
    member = services.voter_for(round_=round_, user=request.user)
    record = round_.voters.filter(member=member).first() if member else None
    cookie_name = RECEIPT_COOKIE.format(round_.pk)
    receipt = request.POST.get("receipt") or request.COOKIES.get(cookie_name, "")
    on_record = (
        services.ballot_for(round_=round_, member=member, receipt=receipt) if record else None
    )
    ask_receipt = bool(round_.secret and record and on_record is None)
    initial = BallotForm.initial_from(on_record, criteria)
    initial["based_on"] = record.version if record else 0
    form = BallotForm(
        request.POST or None,
        round_=round_,
        entries=entries,
        criteria=criteria,
        ask_receipt=ask_receipt,
        initial=initial,
    )
    context = {
        "round": round_,
        "form": form,
        "member": member,
        "record": record,
        "criteria": criteria,
        "on_record": on_record,
    }
    if request.method == "POST":
        if member is None:
            form.add_error(
                None,
                f"Only voting members of {round_.team} can vote in this round. Nothing was "
                "recorded.",
            )
            return render(request, "scanning/ballot_form.html", context, status=403)
        if form.is_valid():
            try:
                record, token = services.cast_ballot(
                    round_=round_,
                    user=request.user,
                    data=form.ballot_data(),
                    reason=form.cleaned_data["reason"],
                    based_on=form.cleaned_data["based_on"] or 0,
                    receipt=receipt,
                )
            except services.BallotRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if token:
                    # Shown once, in this response only: never stored in the session or in
                    # a message, which live in the database.
                    response = render(
                        request,
                        "scanning/ballot_receipt.html",
                        {"round": round_, "receipt": services.format_receipt(token)},
                    )
                    response.set_cookie(
                        cookie_name,
                        token,
                        max_age=60 * 60 * 24 * 120,
                        httponly=True,
                        samesite="Lax",
                        secure=request.is_secure(),
                    )
                    return response
                messages.success(
                    request,
                    "Your ballot is recorded."
                    if record.version == 1
                    else "Your ballot is changed.",
                )
                return redirect(round_)
    return render(request, "scanning/ballot_form.html", context)


@agency_view(min_role=Role.STAFF)
def decision_create(request, round_id):
    """Results of a closed round and the form to record its decision (or an amendment)."""
    round_ = get_object_or_404(request.agency.priority_rounds.select_related("team"), pk=round_id)
    if round_.status != PriorityRound.Status.CLOSED:
        messages.error(request, "Close voting before recording the decision.")
        return redirect(round_)
    form = DecisionForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                round_=round_,
                decided_by=request.user,
                adopt=list(form.cleaned_data["adopt"]),
                withdraw=list(form.cleaned_data.get("withdraw") or []),
                rationale=form.cleaned_data["rationale"],
                dissent_notes=form.cleaned_data["dissent_notes"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            adopted = decision.adopted.count()
            messages.success(
                request,
                f"{'Amendment' if decision.amends_id else 'Decision'} recorded"
                + (
                    f": {adopted} priorit{'y' if adopted == 1 else 'ies'} adopted."
                    if adopted
                    else "."
                ),
            )
            return redirect(round_)
    context = {
        "round": round_,
        "form": form,
        "results": queries.round_results(round_),
        "is_amendment": round_.decisions.exists(),
    }
    return render(request, "scanning/decision_form.html", context)


@agency_view(min_role=Role.STAFF)
def priority_list(request):
    priorities = request.agency.priorities.select_related(
        "team", "decision__round", "withdrawn_by"
    ).order_by("withdrawn_by", "-adopted_on", "rank")
    return render(request, "scanning/priority_list.html", {"priorities": priorities})


@agency_view(min_role=Role.STAFF)
def priority_detail(request, priority_id):
    priority = get_object_or_404(
        request.agency.priorities.select_related(
            "team", "candidate", "decision__round__team", "withdrawn_by"
        ),
        pk=priority_id,
    )
    form = PriorityForm(request.POST or None, instance=priority)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_priority(
                priority=priority, changed_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Publication settings saved.")
            return redirect(priority)
    evidence = (
        queries.candidate_evidence(request.agency, [priority.candidate_id]).get(
            priority.candidate_id
        )
        if priority.candidate_id
        else None
    )
    quotes = (
        priority.candidate.inputs.filter(quote_approved=True)[:10] if priority.candidate else []
    )
    context = {"priority": priority, "form": form, "evidence": evidence, "quotes": quotes}
    return render(request, "scanning/priority_detail.html", context)


@agency_view(min_role=Role.STAFF)
def priority_start_team(request, priority_id):
    """Start the problem-solving team for an adopted priority, with suggested members."""
    priority = get_object_or_404(
        request.agency.priorities.active().select_related("candidate", "team", "decision__round"),
        pk=priority_id,
    )
    if priority.team_id:
        messages.info(request, f"“{priority}” already has a team.")
        return redirect(priority.team)
    suggestions = services.suggested_members(priority)
    suggested_ids = [person.pk for person, _, _ in suggestions]
    form = StartTeamForm(
        request.POST or None,
        agency=request.agency,
        suggested_ids=suggested_ids,
        initial={"name": f"{priority.title} problem-solving team", "people": suggested_ids},
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.start_problem_solving_team(
                priority=priority,
                started_by=request.user,
                name=form.cleaned_data["name"],
                people=form.members(),
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                f"“{team}” started with {team.members.count()} members. Plan its first meeting.",
            )
            return redirect(team)
    reasons = {person.pk: (org, reason) for person, org, reason in suggestions}
    context = {
        "priority": priority,
        "form": form,
        "reasons": reasons,
        "evidence": services.evidence_text(priority.candidate),
    }
    return render(request, "scanning/priority_start_team.html", context)
