"""Demo police data: two years of made-up calls and incidents, imported through the same
pipeline staff use (a CSV export and a column mapping, COPY into PostgreSQL).

Riverton and its campus are invented, so their data is generated to a documented profile
(dashboard/demo_police.py, docs/demo-data.md) on a geography drawn for them
(dashboard/demo_geography.py): districts, beats and campus zones as GeoJSON, hundred
blocks on named streets. The data ends with the last whole month before the seed runs.
The files are written under var/demo/ so staff can open them as a real export.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from dashboard import demo_geography as geo
from dashboard import demo_police as police
from dashboard import services
from dashboard.models import PublicationSettings
from dashboard.public_demo import link_police_categories, publish_priorities

FOLDER = Path(settings.BASE_DIR) / "var" / "demo"

DATA_NOTES = {
    "city": (
        "Demo data: Riverton is a made-up city, and these calls and incidents were generated "
        "to match the rates of a real US city of its size. Incidents are offenses recorded in "
        "the records system; calls for service are what the dispatch center sent officers to. "
        "Locations are shown as hundred blocks."
    ),
    "university": (
        "Demo data: State University is made up, and these records were generated to match a "
        "large campus, busiest in the fall and quiet over the summer. Incidents are offenses "
        "in the daily crime log; calls for service are what campus dispatch sent officers to."
    ),
}


def last_whole_month(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def datasets(end: dt.date, scale: float = 1.0) -> list[tuple]:
    """(agency key, source, saved mapping name, rows, geography) for the whole demo."""
    city, campus = geo.city(), geo.campus()
    city_calls = police.calls(police.CITY_POPULATION, 0.6, police.CITY_CALL_MIX, "flat")
    campus_calls = police.calls(police.CAMPUS_POPULATION, 0.3, police.CAMPUS_CALL_MIX, "campus")
    specs = [
        ("city", "incidents", "Records system export", police.CITY_INCIDENTS, city, "R"),
        ("city", "calls", "Dispatch (CAD) export", city_calls, city, "C"),
        ("university", "incidents", "Daily crime log", police.CAMPUS_INCIDENTS, campus, "U"),
        ("university", "calls", "Dispatch (CAD) export", campus_calls, campus, "UC"),
    ]
    return [
        (
            key,
            source,
            name,
            police.generate(
                kinds=kinds,
                source=source,
                geography=geography,
                end=end,
                seed=f"{key}-{source}",
                campus=key == "university",
                prefix=prefix,
                scale=scale,
            ),
            geography,
        )
        for key, source, name, kinds, geography, prefix in specs
    ]


def _staff(world, agency):
    return next(
        (
            u
            for u in world.users.values()
            if u.memberships.filter(agency=agency, role__gte=20).exists()
        ),
        None,
    )


def seed(world, *, end: dt.date | None = None) -> None:
    publish_priorities(world)
    end = end or last_whole_month(timezone.localdate())
    FOLDER.mkdir(parents=True, exist_ok=True)
    for key, source, mapping_name, rows, geography in datasets(end, world.police_scale):
        agency = world.agencies[key]
        if agency.import_jobs.filter(source=source, status="succeeded").exists():
            continue
        staff = _staff(world, agency)
        mapping = police.mapping(source)
        saved = services.save_column_mapping(
            agency=agency, name=mapping_name, mapping=mapping, saved_by=staff
        )
        path = FOLDER / f"{agency.slug}-{source}-{end:%Y-%m}.csv"
        police.write_csv(rows, path)
        services.import_file(
            agency=agency, path=path, mapping=mapping, uploaded_by=staff, saved_mapping=saved
        )
        PublicationSettings.objects.update_or_create(
            agency=agency,
            defaults={"police_data_public": True, "data_note": DATA_NOTES[key]},
        )
        # The demo's admin has reviewed the categories and kept the default decisions.
        from dashboard.publication import accept_defaults

        accept_defaults(agency=agency, decided_by=staff)
        for layer in ("district", "beat") if key == "city" else ("district",):
            if agency.boundaries.filter(layer=layer).exists():
                continue
            collection = geography.feature_collection(layer)
            (FOLDER / f"{agency.slug}-{layer}s.geojson").write_text(json.dumps(collection))
            services.replace_boundaries(
                agency=agency,
                layer=layer,
                features=collection["features"],
                code_property="name" if layer == "district" else "code",
                name_property="name",
                uploaded_by=staff,
            )
    link_police_categories(world)
