"""Helpers shared by the public dashboard tests: police records in bulk, community data."""

import datetime as dt

from django.utils import timezone

from dashboard.models import ImportJob, PoliceRecord, PublicationSettings


def publish(agency, **settings):
    values = {"police_data_public": True, **settings}
    obj, _ = PublicationSettings.objects.update_or_create(agency=agency, defaults=values)
    return obj


def finish_import(agency, *, review=True):
    """An import that finished now: the data version every public cache key depends on.

    With `review`, an admin then accepts the default category decisions for every value
    not yet reviewed (what most tests want); pass review=False to test unreviewed data.
    """
    job = ImportJob.objects.create(
        agency=agency, original_name="export.csv", status="succeeded", finished_at=timezone.now()
    )
    if review:
        from dashboard.publication import accept_defaults

        settings = PublicationSettings.objects.filter(agency=agency).first()
        terms = settings.sensitive_categories if settings else ()
        accept_defaults(agency=agency, decided_by=None, extra_terms=terms)
    return job


def records(agency, n, *, start=dt.datetime(2025, 1, 6, 12, tzinfo=dt.UTC), prefix="R", **fields):
    """n records a few hours apart, bulk-created (the import pipeline uses COPY)."""
    kinds = ["THEFT", "BATTERY", "BURGLARY", "CRIMINAL DAMAGE"]
    rows = []
    for i in range(n):
        kind = fields.get("category", kinds[i % len(kinds)])
        rows.append(
            PoliceRecord(
                agency=agency,
                source=fields.get("source", "incidents"),
                record_id=f"{prefix}{i}",
                occurred_at=start + dt.timedelta(hours=7 * i),
                initial_type=fields.get("initial_type", kind),
                final_type=fields.get("final_type", kind),
                category=kind,
                district=fields.get("district", str(1 + i % 3)),
                block_address=fields.get("block_address", "12XX N MAIN ST"),
                latitude=fields.get("latitude", 41.88),
                longitude=fields.get("longitude", -87.63),
                public_latitude=fields.get("public_latitude", 41.881 + (i % 4) * 0.002),
                public_longitude=fields.get("public_longitude", -87.631),
                domestic=fields.get("domestic"),
            )
        )
    PoliceRecord.objects.bulk_create(rows)
    return rows


def public_priority(agency, title="Thefts from parked cars"):
    """An adopted, public priority with its advisory-team decision (no team, no inputs)."""
    from scanning.models import Decision, Priority, PriorityRound
    from teams.models import Team
    from tests.factories import TeamFactory

    advisory = TeamFactory(agency=agency, kind=Team.Kind.ADVISORY, name=f"{title} advisory")
    round_ = PriorityRound.objects.create(
        agency=agency, team=advisory, title="Priorities", closes_at=timezone.now()
    )
    decision = Decision.objects.create(agency=agency, round=round_, rationale="Adopted.")
    return Priority.objects.create(
        agency=agency,
        title=title,
        decision=decision,
        is_public=True,
        public_summary="Fewer thefts from parked cars downtown.",
    )
