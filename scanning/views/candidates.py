from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from scanning import queries, services
from scanning.forms import (
    AssignForm,
    CandidateForm,
    MergeForm,
)
from scanning.models import (
    ActivityKind,
    RespondentKind,
    Theme,
)
from scanning.views._common import url_for

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
        return redirect(url_for("synthesis", request))
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
    return redirect(url_for("synthesis", request))


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
