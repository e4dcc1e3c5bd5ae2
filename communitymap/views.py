"""Community Map pages. Staff and admins only: partners get 403, so contacts never reach them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_htmx.http import retarget, trigger_client_event

from communitymap import importing, services
from communitymap.examples import examples_for
from communitymap.forms import (
    AffiliationForm,
    ExamplesForm,
    OrganizationFilterForm,
    OrganizationForm,
    OutreachForm,
    PersonForm,
    QuickAddForm,
    RepresentativeForm,
    StanceForm,
)
from communitymap.models import (
    ENDING_SOON_DAYS,
    WORKSHEET_TYPES,
    Area,
    ImportBatch,
    PartnerType,
    RelationshipStatus,
    Stance,
)
from communitymap.worksheet import build_worksheet, columns, map_counts
from cs360 import exports
from cs360.models import Role
from cs360.permissions import agency_view

PAGE_SIZE = 25


def _cell_or_404(area, partner_type):
    if area not in Area.values or partner_type not in [t.value for t in WORKSHEET_TYPES]:
        raise Http404("No such worksheet cell.")
    return Area(area), PartnerType(partner_type)


def _worksheet_context(request):
    counts = map_counts(request.agency)
    rows = build_worksheet(request.agency, counts)
    cells = [cell for row in rows for cell in row.cells]
    return {
        "rows": rows,
        "columns": columns(),
        "gap_count": sum(1 for cell in cells if cell.is_gap),
        "area_gaps": [(row.label, row.gaps) for row in rows if row.gaps],
        "needing_contact": counts.needing_contact,
        "total": counts.total,
    }


@agency_view(min_role=Role.STAFF)
def worksheet(request):
    context = _worksheet_context(request)
    if request.htmx:
        return render(request, "communitymap/worksheet.html#grid", context)
    return render(request, "communitymap/worksheet.html", context)


@agency_view(min_role=Role.STAFF)
def worksheet_print(request):
    """The worksheet on paper: each cell lists its organizations, with room for notes."""
    context = _worksheet_context(request)
    by_cell: dict = {}
    organizations = (
        request.agency.organizations.filter(partner_type__in=WORKSHEET_TYPES)
        .only("name", "areas", "partner_type", "stance")
        .order_by("name")
    )
    for organization in organizations:
        for area in organization.areas:
            by_cell.setdefault((area, organization.partner_type), []).append(organization)
    for row in context["rows"]:
        for cell in row.cells:
            cell.organizations = by_cell.get((cell.area, cell.partner_type), [])
    context["printed_at"] = timezone.localtime()
    return render(request, "communitymap/worksheet_print.html", context)


@agency_view(min_role=Role.STAFF)
def cell_add(request, area, partner_type):
    """Quick add into one cell: opens in place on the worksheet, or as a page without JS."""
    area, partner_type = _cell_or_404(area, partner_type)
    form = QuickAddForm(request.POST or None, agency=request.agency)
    context = {"area": area, "partner_type": partner_type, "form": form}
    if request.method == "POST" and form.is_valid():
        organization = services.create_organization(
            agency=request.agency,
            created_by=request.user,
            data={"name": form.cleaned_data["name"], "areas": [area], "partner_type": partner_type},
            stance=form.cleaned_data["stance"],
            stance_reason=form.cleaned_data["stance_reason"],
        )
        if request.htmx:
            context = _worksheet_context(request) | {"added": organization}
            response = render(request, "communitymap/worksheet.html#grid", context)
            return retarget(response, "#worksheet-grid")
        messages.success(request, f"{organization.name} was added to the map.")
        return redirect("communitymap:worksheet", agency_slug=request.agency.slug)
    if request.htmx:
        response = render(request, "communitymap/cell_add.html#cell-form", context)
        return retarget(response, f"#add-{area.value}-{partner_type.value}")
    return render(request, "communitymap/cell_add.html", context)


@agency_view(min_role=Role.STAFF)
def cell_examples(request, area, partner_type):
    """The agency's own list of whom to consider in one cell."""
    area, partner_type = _cell_or_404(area, partner_type)
    current = examples_for(request.agency).get((area.value, partner_type.value), [])
    form = ExamplesForm(request.POST or None, initial={"text": "\n".join(current)})
    if request.method == "POST" and form.is_valid():
        services.save_worksheet_examples(
            agency=request.agency,
            area=area,
            partner_type=partner_type,
            text=form.cleaned_data["text"],
            changed_by=request.user,
        )
        messages.success(request, f"Examples for {area.label} · {partner_type.label} saved.")
        return redirect("communitymap:worksheet", agency_slug=request.agency.slug)
    context = {"area": area, "partner_type": partner_type, "form": form}
    return render(request, "communitymap/cell_examples.html", context)


def _filtered(request):
    form = OrganizationFilterForm(request.GET or None, agency=request.agency)
    queryset = form.filter(request.agency.organizations.all(), request.user)
    return form, queryset


@agency_view(min_role=Role.STAFF)
def organization_list(request):
    form, queryset = _filtered(request)
    # One query for the ordered ids of every match, paged in memory: a filter or a typo
    # search is then evaluated once rather than once for the count and once for the page.
    paginator = Paginator(list(queryset.values_list("pk", flat=True)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    organizations = {
        o.pk: o
        for o in request.agency.organizations.filter(pk__in=ids)
        .with_contact_flags()
        .with_current_representatives()
        .select_related("owner")
    }
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pipeline": _pipeline(request.agency) if not request.htmx else None,
        "form": form,
        "page": page,
        "organizations": [organizations[pk] for pk in ids],
        "query": query.urlencode(),
        "filtered": bool(form.active_filters()),
        "today": timezone.localdate(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "communitymap/organization_list.html#results", context)
    return render(request, "communitymap/organization_list.html", context)


def _pipeline(agency):
    """How many organizations are at each step of the relationship pipeline."""
    counts = dict(agency.organizations.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in RelationshipStatus.choices]


@agency_view(min_role=Role.STAFF)
def organization_export(request):
    """The current filtered list as CSV (default) or Excel (?as=xlsx), in the import format."""
    form, queryset = _filtered(request)
    stamp = timezone.localdate().isoformat()
    name = f"{slugify(request.agency.name)}-community-map-{stamp}"
    rows = importing.export_rows(queryset)
    if request.GET.get("as") == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Community Map")
        sheet.append(importing.EXPORT_HEADERS)
        for row in rows:
            sheet.append(exports.excel_row(sheet, row))
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook.save(response)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response

    class Echo:
        def write(self, value):
            return value

    response = StreamingHttpResponse(
        _csv_stream(exports.SafeWriter(Echo()), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _csv_stream(writer, rows):
    yield "\ufeff"  # So Excel opens the UTF-8 file with accents intact.
    yield writer.writerow(importing.EXPORT_HEADERS)
    for row in rows:
        yield writer.writerow(row)


@agency_view(min_role=Role.STAFF)
def organization_name_check(request):
    """Possible duplicates of the name being typed on the add form (htmx)."""
    exclude = None
    if request.GET.get("organization_id", "").isdigit():
        exclude = request.agency.organizations.filter(pk=request.GET["organization_id"]).first()
    duplicates = services.possible_duplicates(
        agency=request.agency, name=request.GET.get("name", ""), exclude=exclude
    )[:5]
    return render(
        request, "communitymap/organization_form.html#name-check", {"duplicates": duplicates}
    )


@agency_view(min_role=Role.STAFF)
def organization_create(request):
    initial = {}
    if request.GET.get("area") in Area.values:
        initial["areas"] = [request.GET["area"]]
    if request.GET.get("type") in PartnerType.values:
        initial["partner_type"] = request.GET["type"]
    if request.GET.get("recommended_by", "").isdigit():
        initial["recommended_by_organization"] = request.GET["recommended_by"]
    form = OrganizationForm(request.POST or None, agency=request.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        organization = services.create_organization(
            agency=request.agency,
            created_by=request.user,
            data=form.cleaned_data,
            stance=form.cleaned_data["stance"],
            stance_reason=form.cleaned_data["stance_reason"],
        )
        messages.success(request, f"{organization.name} was added to the map.")
        return redirect(organization)
    return render(request, "communitymap/organization_form.html", {"form": form})


@agency_view(min_role=Role.STAFF)
def organization_edit(request, organization_id):
    organization = get_object_or_404(request.agency.organizations, pk=organization_id)
    form = OrganizationForm(
        request.POST or None,
        instance=organization,
        agency=request.agency,
        initial={"version": organization.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(
                organization=organization,
                changed_by=request.user,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except services.StaleEditError as error:
            conflict = _conflict(error.current, form)
            data = request.POST.copy()
            data["version"] = error.current.version
            form = OrganizationForm(data, instance=error.current, agency=request.agency)
            form.is_valid()
        else:
            messages.success(request, f"{organization.name} was saved.")
            return redirect(organization)
    context = {"form": form, "organization": organization, "conflict": conflict}
    return render(request, "communitymap/organization_form.html", context)


def _conflict(current, form):
    """What the other person changed that differs from what this person submitted."""
    last = current.history.select_related("history_user").first()
    differences = []
    for name in services.EDITABLE_FIELDS:
        mine = form.cleaned_data.get(name)
        theirs = getattr(current, name)
        if isinstance(mine, list) or isinstance(theirs, list):
            mine, theirs = sorted(mine or []), sorted(theirs or [])
        if (mine or None) != (theirs or None):
            field = current._meta.get_field(name)
            shown = getattr(current, f"get_{name}_display", lambda t=theirs: t)()
            if name == "areas":
                shown = ", ".join(current.get_areas_display())
            differences.append({"label": field.verbose_name, "theirs": shown or "—"})
    return {
        "by": last.history_user if last else None,
        "at": last.history_date if last else None,
        "differences": differences,
    }


def _detail_context(request, organization, **forms):
    agency = request.agency
    affiliations = list(
        organization.affiliations.select_related("person").order_by(
            "-end_date", "person__full_name"
        )
    )
    current = [a for a in affiliations if a.is_current]
    lasting = [a for a in current if not a.is_ending_soon]
    return {
        "organization": organization,
        "stance_records": organization.stance_records.select_related("recorded_by"),
        "current_affiliations": current,
        "past_affiliations": [a for a in affiliations if not a.is_current],
        "needs_new_contact": bool(affiliations) and not lasting,
        "outreach": organization.outreach_entries.select_related("staff", "person")[:50],
        "referred": organization.referred_organizations.only("id", "name", "stance"),
        "stance_form": forms.get("stance_form")
        or StanceForm(initial={"stance": organization.stance, "recorded_on": timezone.localdate()}),
        "representative_form": forms.get("representative_form")
        or RepresentativeForm(agency=agency),
        "outreach_form": forms.get("outreach_form")
        or OutreachForm(
            agency=agency,
            organization=organization,
            initial={"happened_on": timezone.localdate(), "staff": request.user.pk},
        ),
        "ending_soon_days": ENDING_SOON_DAYS,
    }


def _organization(request, organization_id):
    return get_object_or_404(
        request.agency.organizations.select_related(
            "owner", "recommended_by_organization", "recommended_by_person", "agency"
        ),
        pk=organization_id,
    )


@agency_view(min_role=Role.STAFF)
def organization_detail(request, organization_id):
    organization = _organization(request, organization_id)
    return render(
        request,
        "communitymap/organization_detail.html",
        _detail_context(request, organization),
    )


def _section(request, organization, partial, **forms):
    """After a form on the detail page: its section (htmx), the page again, or a redirect."""
    context = _detail_context(request, organization, **forms)
    if request.htmx:
        return render(request, f"communitymap/organization_detail.html#{partial}", context)
    if forms:
        return render(request, "communitymap/organization_detail.html", context)
    return redirect(organization)


@agency_view(min_role=Role.STAFF)
@require_POST
def organization_stance(request, organization_id):
    organization = _organization(request, organization_id)
    form = StanceForm(request.POST)
    if not form.is_valid():
        return _section(request, organization, "stance-section", stance_form=form)
    services.record_stance(
        organization=organization,
        stance=form.cleaned_data["stance"],
        reason=form.cleaned_data["reason"],
        recorded_on=form.cleaned_data["recorded_on"],
        recorded_by=request.user,
    )
    if not request.htmx:
        label = Stance(form.cleaned_data["stance"]).label.lower()
        messages.success(request, f"Stance recorded: {label}.")
    response = _section(request, organization, "stance-section")
    return trigger_client_event(response, "stance-recorded") if request.htmx else response


@agency_view(min_role=Role.STAFF)
@require_POST
def representative_add(request, organization_id):
    organization = _organization(request, organization_id)
    form = RepresentativeForm(request.POST, agency=request.agency)
    if form.is_valid():
        try:
            data = form.cleaned_data
            services.add_representative(
                organization=organization,
                added_by=request.user,
                person=data["person"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                role_title=data["role_title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _section(request, organization, "representatives-section")
    return _section(request, organization, "representatives-section", representative_form=form)


@agency_view(min_role=Role.STAFF)
@require_POST
def outreach_add(request, organization_id):
    organization = _organization(request, organization_id)
    form = OutreachForm(request.POST, agency=request.agency, organization=organization)
    if not form.is_valid():
        return _section(request, organization, "outreach-section", outreach_form=form)
    services.log_outreach(
        organization=organization,
        logged_by=request.user,
        kind=form.cleaned_data["kind"],
        happened_on=form.cleaned_data["happened_on"],
        staff=form.cleaned_data["staff"],
        person=form.cleaned_data["person"],
        notes=form.cleaned_data["notes"],
    )
    return _section(request, organization, "outreach-section")


@agency_view(min_role=Role.STAFF)
def affiliation_edit(request, affiliation_id):
    affiliation = get_object_or_404(
        request.agency.affiliations.select_related("person", "organization"), pk=affiliation_id
    )
    form = AffiliationForm(request.POST or None, instance=affiliation)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_affiliation(
                affiliation=affiliation,
                changed_by=request.user,
                role_title=form.cleaned_data["role_title"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        )
    ):
        messages.success(request, f"{affiliation.person}'s role was saved.")
        return redirect(affiliation.organization)
    return render(
        request, "communitymap/affiliation_edit.html", {"form": form, "affiliation": affiliation}
    )


@agency_view(min_role=Role.STAFF)
def person_list(request):
    people = request.agency.people.prefetch_related("affiliations__organization")
    q = request.GET.get("q", "").strip()
    if q:
        people = people.filter(full_name__icontains=q)
    page = Paginator(people.order_by("full_name"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "today": timezone.localdate()}
    if request.htmx:
        return render(request, "communitymap/person_list.html#results", context)
    return render(request, "communitymap/person_list.html", context)


@agency_view(min_role=Role.STAFF)
def person_detail(request, person_id):
    person = get_object_or_404(request.agency.people.select_related("user"), pk=person_id)
    form = PersonForm(request.POST or None, instance=person, agency=request.agency)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_unchanged(
            lambda: services.update_person(
                person=person, changed_by=request.user, data=form.cleaned_data
            )
        )
    ):
        messages.success(request, f"{person.full_name} was saved.")
        return redirect(person)
    context = {
        "person": person,
        "form": form,
        "affiliations": person.affiliations.select_related("organization").order_by("-start_date"),
        "referred": person.referred_organizations.only("id", "name"),
    }
    return render(request, "communitymap/person_detail.html", context)


@agency_view(min_role=Role.STAFF)
def referral_list(request):
    """Which partners brought in whom."""
    referred = (
        request.agency.organizations.filter(recommended_by_organization__isnull=False)
        | request.agency.organizations.filter(recommended_by_person__isnull=False)
    ).select_related("recommended_by_organization", "recommended_by_person")
    referrers: dict = {}
    for organization in referred.order_by("name"):
        source = organization.recommended_by_organization or organization.recommended_by_person
        entry = referrers.setdefault(
            (type(source).__name__, source.pk), {"source": source, "organizations": []}
        )
        entry["organizations"].append(organization)
    groups = sorted(referrers.values(), key=lambda e: (-len(e["organizations"]), str(e["source"])))
    context = {"groups": groups, "total": sum(len(g["organizations"]) for g in groups)}
    return render(request, "communitymap/referral_list.html", context)


@agency_view(min_role=Role.STAFF)
def import_upload(request):
    error = None
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = "Choose a CSV or Excel file to upload."
        else:
            try:
                batch = importing.preview_import(
                    agency=request.agency, uploaded_by=request.user, uploaded=uploaded
                )
            except importing.ImportFileError as problem:
                error = str(problem)
            else:
                return redirect(
                    "communitymap:import-preview",
                    agency_slug=request.agency.slug,
                    batch_id=batch.pk,
                )
    context = {
        "error": error,
        "headers": importing.EXPORT_HEADERS,
        "recent": request.agency.map_imports.select_related("uploaded_by").defer("rows")[:5],
    }
    return render(request, "communitymap/import_upload.html", context, status=200)


@agency_view(min_role=Role.STAFF)
def import_preview(request, batch_id):
    batch = get_object_or_404(request.agency.map_imports, pk=batch_id)
    if request.method == "POST" and batch.status == ImportBatch.Status.PREVIEW:
        if request.POST.get("action") == "cancel":
            importing.cancel_import(batch=batch, cancelled_by=request.user)
            messages.info(request, "The import was cancelled; nothing was written.")
            return redirect("communitymap:import-upload", agency_slug=request.agency.slug)
        try:
            batch = importing.commit_import(
                batch=batch,
                confirmed_by=request.user,
                update_matches=request.POST.get("on_match") == "update",
            )
        except importing.ImportChangedError as error:
            messages.error(request, f"Nothing was imported. {error}")
            return redirect(request.path)
        created = batch.created_count
        messages.success(
            request,
            f"Imported {created} new organization{pluralize(created)}"
            + (f" and updated {batch.updated_count}" if batch.updated_count else "")
            + f" from {batch.filename}.",
        )
        return redirect(
            reverse("communitymap:organization-list", kwargs={"agency_slug": request.agency.slug})
            + "?sort=-updated_at"
        )
    show = request.GET.get("show", "problems")
    rows = batch.rows
    if show == "problems":
        rows = [r for r in rows if r["verdict"] != "new" or r["warnings"]]
    elif show in ("new", "match", "error"):
        rows = [r for r in rows if r["verdict"] == show]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    areas, types = dict(Area.choices), dict(PartnerType.choices)
    for row in page:
        row["type_label"] = types.get(row["data"].get("partner_type") or "", "")
        row["area_labels"] = ", ".join(areas[a] for a in row["data"].get("areas", []))
    context = {
        "batch": batch,
        "summary": importing.summary(batch) if batch.rows else None,
        "page": page,
        "show": show,
    }
    if request.htmx:
        return render(request, "communitymap/import_preview.html#rows", context)
    return render(request, "communitymap/import_preview.html", context)
