from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from cs360.models import Role
from cs360.permissions import agency_view
from scanning import queries, services
from scanning.forms import (
    PriorityForm,
    StartTeamForm,
)
from scanning.views._common import form_errors


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
            form_errors(form, error)
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
            form_errors(form, error)
        else:
            started = f"“{team}” started with {team.members.count()} members."
            messages.success(request, f"{started} Plan its first meeting.")
            return redirect(team)
    context = {
        "priority": priority,
        "form": form,
        "reasons": {person.pk: (org, reason) for person, org, reason in suggestions},
        "evidence": services.evidence_text(priority.candidate),
    }
    return render(request, "scanning/priority_start_team.html", context)
