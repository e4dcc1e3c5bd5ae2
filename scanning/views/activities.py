from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from scanning import services
from scanning.forms import (
    ActivityForm,
    InputEditForm,
    InputForm,
    TopicForm,
)
from scanning.models import (
    ActivityKind,
)
from scanning.views._common import form_errors, url_for

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
    services.ensure_default_topics(agency=request.agency, created_by=request.user)
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
            form_errors(form, error)
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
            form_errors(form, error)
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
    services.ensure_default_topics(agency=request.agency, created_by=request.user)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        if request.agency.scanning_topics.filter(name__iexact=name).exists():
            form.add_error("name", f"“{name}” is already on the list.")
        else:
            request.agency.scanning_topics.create(name=name)
            messages.success(request, f"Topic “{name}” added.")
            return redirect(url_for("topic-list", request))
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
    return redirect(url_for("topic-list", request))
