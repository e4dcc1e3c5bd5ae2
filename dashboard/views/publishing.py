"""Staff pages: choose what the public dashboard shows, and preview it before publishing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cs360.models import Role
from cs360.permissions import agency_view
from dashboard import publication as decisions
from dashboard import queries, sensitive_rules
from dashboard.models import PublicationSettings
from dashboard.public_forms import CategoryReviewForm, PublicationForm
from dashboard.views.public import (
    _allow_map_tiles,
    _common,
    _overview_police,
    _police_context,
    with_trends,
)


def _settings(agency):
    try:
        return agency.publication_settings
    except PublicationSettings.DoesNotExist:
        return PublicationSettings(agency=agency)


def _all_categories(agency, rules, version):
    catalog = queries.catalog(agency, rules, version, None)
    names = set(catalog.categories)
    for value, _label, _count in catalog.sources[1:]:
        names |= set(queries.catalog(agency, rules, version, value).categories)
    return sorted(names)


@agency_view(min_role=Role.STAFF, write_role=Role.ADMIN)
def publication(request):
    """What is public: police data, its categories, the privacy threshold and sensitive words."""
    agency = request.agency
    settings = _settings(agency)
    rules = queries.rules_for(agency)
    version = queries.data_version(agency, rules)
    # Every category in the data, not only the published ones, so staff can add them back.
    unrestricted = rules.__class__(threshold=rules.threshold, sensitive_terms=rules.sensitive_terms)
    form = PublicationForm(
        request.POST or None,
        instance=settings,
        categories=_all_categories(agency, unrestricted, version),
        priorities=list(agency.priorities.active().order_by("rank", "title")),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. The public dashboard shows the new settings now.")
        return redirect("dashboard:publication", agency_slug=agency.slug)
    context = {
        "form": form,
        "settings": settings,
        "priorities": list(agency.priorities.order_by("rank", "title")),
        "metrics": list(agency.metrics.select_related("team").order_by("team__name", "name")),
        "can_edit": request.membership.is_admin,
    }
    return render(request, "dashboard/publication_settings.html", context)


@agency_view(min_role=Role.STAFF)
def publication_preview(request):
    """The public overview and charts as they will look once police data is published."""
    agency = request.agency
    rules = queries.rules_for(agency)
    version = queries.data_version(agency, rules)
    _allow_map_tiles(request, rules)
    with timezone.override(agency.time_zone):
        context = _common(agency, rules, version)
        context["preview"] = True
        police = {**context, **_overview_police(agency, rules, version, preview=True)}
        explorer = _police_context(agency, rules, version, request.GET, preview=True)
        police["explorer_charts"] = explorer.get("charts", [])
        police["query"] = explorer.get("query", "")
        context["police_html"] = mark_safe(  # noqa: S308 - our own template's output
            render_to_string("dashboard/public_overview.html#police", police)
        )
        context["priorities"] = with_trends(
            agency, rules, version, queries.public_priorities(agency, rules), preview=True
        )
        return render(request, "dashboard/public_overview.html", context)


@agency_view(min_role=Role.STAFF, write_role=Role.ADMIN)
def category_review(request):
    """Every type and category in the data, and how each is published (admins decide)."""
    agency = request.agency
    settings = _settings(agency)
    entries = decisions.inventory(agency, settings.sensitive_categories)
    show = request.GET.get("show", "pending")
    if show == "pending" and any(not e.reviewed for e in entries):
        shown = [e for e in entries if not e.reviewed]
    else:
        show, shown = "all", entries
    form = CategoryReviewForm(request.POST or None, entries=shown)
    if request.method == "POST" and form.is_valid():
        changed = decisions.decide_categories(
            agency=agency, decided_by=request.user, levels=form.levels()
        )
        messages.success(request, f"Saved {len(shown)} decisions ({changed} changed).")
        return redirect("dashboard:category-review", agency_slug=agency.slug)
    context = {
        "form": form,
        "show": show,
        "entries": entries,
        "pending": sum(1 for e in entries if not e.reviewed),
        "can_edit": request.membership.is_admin,
        "topics": sensitive_rules.TOPICS,
    }
    return render(request, "dashboard/category_review.html", context)
