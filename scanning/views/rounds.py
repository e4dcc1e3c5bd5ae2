from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from scanning import queries, receipts, voting
from scanning.forms import (
    BallotForm,
    DecisionForm,
    ReceiptCheckForm,
    RoundForm,
)
from scanning.models import (
    DEFAULT_CRITERIA,
    PriorityRound,
)
from scanning.views._common import form_errors, url_for
from teams.models import TeamMember

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
            round_ = voting.create_round(
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
            form_errors(form, error)
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
            voting.update_round(
                round_=round_,
                changed_by=request.user,
                candidates=list(form.cleaned_data["candidates"]),
                weights=form.weights(),
                **settings,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Round settings saved.")
            return redirect(round_)
    return render(request, "scanning/round_form.html", {"form": form, "round": round_})


def _turnout(round_, *, is_staff):
    """Who has voted. While a secret round is open only the count is shown (a list that
    grows vote by vote gives away timing), and staff see who has not voted, to remind them.
    """
    sealed = round_.secret and not round_.is_closed
    voters = round_.voters.select_related("member__person").order_by("member__person__full_name")
    not_voted = voting.eligible_voters(round_).exclude(voter_records__round=round_)
    return {
        "voted_count": round_.voters.count(),
        "voters": None if sealed else voters,
        "not_voted": not_voted.select_related("person") if is_staff or not sealed else None,
        "eligible_count": voting.eligible_voters(round_).count(),
    }


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
    voter = voting.voter_for(round_=round_, user=request.user)
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
        **_turnout(round_, is_staff=membership.is_staff_or_admin),
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
        voting.open_round(round_=round_, opened_by=request.user)
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
        voting.close_round(round_=round_, closed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, "Voting closed. Review the results and record the decision.")
    return redirect(url_for("decision-create", request, round_id=round_.pk))


@agency_view(min_role=Role.STAFF)
@require_POST
def round_remind(request, round_id):
    round_ = get_object_or_404(request.agency.priority_rounds, pk=round_id)
    sent = voting.send_reminders(
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


def _ballot_form(request, round_, member, record, receipt):
    entries = list(round_.entries.select_related("candidate"))
    criteria = list(round_.criteria.all())
    on_record = voting.ballot_for(round_=round_, record=record, receipt=receipt)
    initial = BallotForm.initial_from(on_record, criteria)
    initial["based_on"] = record.version if record else 0
    form = BallotForm(
        request.POST or None,
        round_=round_,
        entries=entries,
        criteria=criteria,
        ask_receipt=bool(round_.secret and record and on_record is None),
        initial=initial,
    )
    return form, {"round": round_, "form": form, "member": member, "record": record,
                  "criteria": criteria, "on_record": on_record}  # fmt: skip


def _ballot_recorded(request, round_, record, token):
    if not token:
        changed = "Your ballot is recorded." if record.version == 1 else "Your ballot is changed."
        messages.success(request, changed)
        return redirect(round_)
    # Shown once, in this response only: never in the session or a message (both live in
    # the database). The browser keeps it for this login only (scanning/receipts.py).
    response = render(
        request,
        "scanning/ballot_receipt.html",
        {
            "round": round_,
            "receipt": voting.format_receipt(token),
            "fingerprint": voting.receipt_fingerprint(token),
        },
    )
    receipts.keep(response, request, round_.pk, token)
    return response


@agency_view(min_role=Role.PARTNER)
def ballot_cast(request, round_id):
    """A voting member's own ballot: cast it, or change it until the round closes."""
    round_ = get_object_or_404(
        request.agency.priority_rounds.visible_to(request.membership).select_related("team"),
        pk=round_id,
    )
    member = voting.voter_for(round_=round_, user=request.user)
    record = round_.voters.filter(member=member).first() if member else None
    receipt = request.POST.get("receipt") or receipts.read(request, round_.pk)
    form, context = _ballot_form(request, round_, member, record, receipt)
    if request.method == "POST" and member is None:
        form.add_error(None, f"Only voting members of {round_.team} can vote in this round. "
                       "Nothing was recorded.")  # fmt: skip
        return render(request, "scanning/ballot_form.html", context, status=403)
    if request.method == "POST" and form.is_valid():
        try:
            record, token = voting.cast_ballot(
                round_=round_,
                user=request.user,
                data=form.ballot_data(),
                reason=form.cleaned_data["reason"],
                based_on=form.cleaned_data["based_on"] or 0,
                receipt=receipt,
            )
        except voting.BallotRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            response = _ballot_recorded(request, round_, record, token)
            if request.POST.get("receipt"):  # Typed on this device: remember it for this login.
                receipts.keep(response, request, round_.pk, request.POST["receipt"])
            return response
    return render(request, "scanning/ballot_form.html", context)


def _closed_round(request, round_id):
    round_ = get_object_or_404(
        request.agency.priority_rounds.visible_to(request.membership).select_related("team"),
        pk=round_id,
    )
    if not round_.is_closed:
        raise Http404("The record of a round is published when voting closes.")
    return round_


@agency_view(min_role=Role.PARTNER)
def round_record(request, round_id):
    """A closed round's published record: every counted ballot (by receipt fingerprint in a
    secret round), the result, and a check that finds a voter's ballot from their code."""
    round_ = _closed_round(request, round_id)
    record = queries.published_record(round_)
    form = ReceiptCheckForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        fingerprint = voting.receipt_fingerprint(form.cleaned_data["receipt"])
        receipts_listed = [b.get("receipt") for b in record["ballots"]]
        found = receipts_listed.index(fingerprint) + 1 if fingerprint in receipts_listed else 0
        form = ReceiptCheckForm()  # The code is not echoed back into the page.
    ballots = [
        {**b, "text": queries.describe_published_ballot(record, b)} for b in record["ballots"]
    ]
    context = {"round": round_, "record": record, "ballots": ballots, "form": form,
               "found": found, "sector_labels": dict(TeamMember.Sector.choices)}  # fmt: skip
    return render(request, "scanning/round_record.html", context)


@agency_view(min_role=Role.PARTNER)
def round_record_download(request, round_id):
    """The published record as JSON, to re-run the count (docs/voting.md, "Checking")."""
    round_ = _closed_round(request, round_id)
    response = JsonResponse(queries.published_record(round_), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-record.json"'
    return response


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
            decision = voting.record_decision(
                round_=round_,
                decided_by=request.user,
                adopt=list(form.cleaned_data["adopt"]),
                withdraw=list(form.cleaned_data.get("withdraw") or []),
                rationale=form.cleaned_data["rationale"],
                dissent_notes=form.cleaned_data["dissent_notes"],
            )
        except ValidationError as error:
            form_errors(form, error)
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
