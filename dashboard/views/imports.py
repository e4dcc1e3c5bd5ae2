"""Staff pages for police data: the dashboard landing page, imports, mappings, boundaries."""

import json

from django.contrib import messages
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cs360.models import Role
from cs360.permissions import agency_view
from dashboard import jobs, services
from dashboard.forms import BoundaryForm, MappingForm, UploadForm
from dashboard.importing import FIELDS, MappingError
from dashboard.models import Boundary, ImportJob


@agency_view(min_role=Role.STAFF)
def overview(request):
    agency = request.agency
    jobs.end_vanished_jobs(agency.import_jobs.all())
    context = {
        "jobs": agency.import_jobs.select_related("uploaded_by", "mapping")[:10],
        "sources": agency.police_records.values("source")
        .annotate(count=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("source"),
        "mappings": agency.column_mappings.all(),
        "layers": agency.boundaries.values("layer").annotate(count=Count("id")).order_by("layer"),
    }
    return render(request, "dashboard/overview.html", context)


@agency_view(min_role=Role.STAFF)
def import_new(request):
    form = UploadForm(request.POST or None, request.FILES or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        job = services.create_import_job(
            agency=request.agency,
            uploaded_by=request.user,
            upload=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
        )
        saved = form.cleaned_data["saved_mapping"]
        if saved:
            try:
                services.preview_job(job=job, mapping=saved.mapping, saved_mapping=saved)
            except MappingError as error:
                messages.warning(request, f"The mapping “{saved}” does not fit this file: {error}")
            else:
                return redirect(job)
        return redirect("dashboard:import-mapping", agency_slug=request.agency.slug, job_id=job.pk)
    return render(request, "dashboard/import_new.html", {"form": form})


@agency_view(min_role=Role.STAFF)
def import_mapping(request, job_id):
    job = get_object_or_404(request.agency.import_jobs, pk=job_id)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED):
        return redirect(job)
    try:
        table, rows = services.read_sample(job, count=5)
    except MappingError as error:
        messages.error(request, str(error))
        return redirect("dashboard:overview", agency_slug=request.agency.slug)
    mapping, evidence = job.mapping_used, {}
    if not mapping:
        mapping, evidence = services.suggest_job_mapping(job)
    form = MappingForm(
        request.POST or None, header=table.header, initial=MappingForm.initial_from(mapping)
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.cleaned_data["mapping"]
        saved = job.mapping
        if form.cleaned_data["save_as"]:
            saved = services.save_column_mapping(
                agency=request.agency,
                name=form.cleaned_data["save_as"],
                mapping=mapping,
                saved_by=request.user,
            )
        try:
            services.preview_job(job=job, mapping=mapping, saved_mapping=saved)
        except MappingError as error:
            form.add_error(None, str(error))
        else:
            return redirect(job)
    samples = {h: [r[i] for r in rows if i < len(r)][:3] for i, h in enumerate(table.header)}
    field_rows = [(f, evidence.get(f.name.removeprefix("col_"))) for f in form.column_fields]
    context = {"job": job, "form": form, "samples": samples, "header": table.header}
    context["field_rows"] = field_rows
    return render(request, "dashboard/import_mapping.html", context)


@agency_view(min_role=Role.STAFF)
def import_detail(request, job_id):
    job = get_object_or_404(request.agency.import_jobs.select_related("mapping"), pk=job_id)
    if jobs.end_vanished_jobs(request.agency.import_jobs.filter(pk=job.pk)):
        job.refresh_from_db()
    context = {
        "job": job,
        "fields": FIELDS,
        "rejecting": sum(p["count"] for p in job.problems.values() if p.get("rejects")),
    }
    if request.htmx:
        return render(request, "dashboard/import_detail.html#job-status", context)
    return render(request, "dashboard/import_detail.html", context)


@agency_view(min_role=Role.STAFF)
@require_POST
def import_start(request, job_id):
    job = get_object_or_404(request.agency.import_jobs, pk=job_id)
    if job.status != ImportJob.Status.PREVIEWED:
        messages.warning(request, "This import is not waiting for a decision.")
    elif job.preview.get("complete") and not job.preview.get("rows_good"):
        messages.warning(request, "No row of this file would be imported: change the mapping.")
    else:
        services.queue_import(job=job, started_by=request.user)
    return redirect(job)


@agency_view(min_role=Role.STAFF)
@require_POST
def import_stop(request, job_id):
    job = get_object_or_404(request.agency.import_jobs, pk=job_id)
    if job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED):
        services.stop_import(job=job, stopped_by=request.user)
        messages.info(request, "Import stopped. Nothing was imported.")
    return redirect(job)


@agency_view(min_role=Role.STAFF)
@require_POST
def import_cancel(request, job_id):
    job = get_object_or_404(request.agency.import_jobs, pk=job_id)
    if job.is_active:
        services.cancel_import(job=job, cancelled_by=request.user)
        messages.info(request, "Cancelling: the records stay as they were before this import.")
    if request.htmx:
        return import_detail.__wrapped__(request, job_id=job.pk)
    return redirect(job)


@agency_view(min_role=Role.STAFF)
@require_POST
def import_retry(request, job_id):
    job = get_object_or_404(request.agency.import_jobs, pk=job_id)
    try:
        services.retry_import(job=job, retried_by=request.user)
    except services.CannotRetry as error:
        messages.warning(request, str(error))
    else:
        messages.info(request, "Import queued again with the same file and mapping.")
    return redirect(job)


@agency_view(min_role=Role.STAFF)
def mapping_download(request, mapping_id):
    saved = get_object_or_404(request.agency.column_mappings, pk=mapping_id)
    response = HttpResponse(
        json.dumps(saved.mapping, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="mapping-{saved.pk}.json"'
    return response


@agency_view(min_role=Role.STAFF)
def boundary_list(request):
    form = BoundaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        layer = form.cleaned_data["layer"]
        try:
            features = services.read_geojson(form.cleaned_data["file"].read())
            code_property = form.cleaned_data["code_property"] or services.suggest_code_property(
                agency=request.agency, layer=layer, features=features
            )
            count = services.replace_boundaries(
                agency=request.agency,
                layer=layer,
                features=features,
                code_property=code_property,
                name_property=form.cleaned_data["name_property"] or code_property,
                uploaded_by=request.user,
            )
        except services.BoundaryError as error:
            form.add_error("file", str(error))
        else:
            label = Boundary.Layer(layer).label.lower()
            messages.success(request, f"{count} {label} saved (codes from “{code_property}”).")
            return redirect("dashboard:boundary-list", agency_slug=request.agency.slug)
    layers = []
    for layer in Boundary.Layer:
        match = services.boundary_match(agency=request.agency, layer=layer)
        if match["boundaries"] or match["matched"] or match["unmatched"]:
            layers.append({"layer": layer, **match})
    return render(request, "dashboard/boundary_list.html", {"form": form, "layers": layers})
