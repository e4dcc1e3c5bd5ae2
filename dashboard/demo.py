"""Demo police data: real open data imported through the same pipeline staff use.

The city (Riverton PD) gets Chicago's 2024 sample with Chicago's police district
boundaries; the campus (State University PD) gets the University of Illinois daily crime
log. Both are imported once and re-imports change nothing, so running the seed again is
cheap. Without ../shared/data/real (a deployment), there is no demo police data.
"""

import json
from pathlib import Path

from django.conf import settings

from dashboard import services
from dashboard.models import PublicationSettings
from dashboard.public_demo import link_police_categories, publish_priorities

REAL = Path(settings.BASE_DIR).parent / "shared" / "data" / "real"
MAPPINGS = Path(__file__).resolve().parent / "example_mappings"

IMPORTS = [
    # (agency key, file, mapping file, saved mapping name)
    ("city", "chicago_crimes_2024_sample.csv", "chicago_crimes.json", "Records export (portal)"),
    (
        "university",
        "uiuc_police_daily_crime_log_2024.csv",
        "uiuc_daily_crime_log.json",
        "Daily crime log",
    ),
]
BOUNDARIES = [("city", "district", "chicago_police_districts.geojson", "dist_num", "dist_label")]


def seed(world) -> None:
    publish_priorities(world)
    if not REAL.is_dir():
        return
    for key, file_name, mapping_file, mapping_name in IMPORTS:
        agency = world.agencies[key]
        staff = next(
            (
                u
                for u in world.users.values()
                if u.memberships.filter(agency=agency, role__gte=20).exists()
            ),
            None,
        )
        mapping = json.loads((MAPPINGS / mapping_file).read_text())
        saved = services.save_column_mapping(
            agency=agency, name=mapping_name, mapping=mapping, saved_by=staff
        )
        path = REAL / file_name
        if agency.import_jobs.filter(
            original_name=str(path.resolve()), status="succeeded"
        ).exists():
            continue
        services.import_file(
            agency=agency,
            path=path,
            mapping=mapping,
            uploaded_by=staff,
            saved_mapping=saved,
        )
        PublicationSettings.objects.get_or_create(
            agency=agency, defaults={"police_data_public": True}
        )
        # The demo's admin has reviewed the categories and kept the default decisions.
        from dashboard.publication import accept_defaults

        accept_defaults(agency=agency, decided_by=staff)
    for key, layer, file_name, code_property, name_property in BOUNDARIES:
        agency = world.agencies[key]
        if agency.boundaries.filter(layer=layer).exists():
            continue
        services.replace_boundaries(
            agency=agency,
            layer=layer,
            features=services.read_geojson((REAL / file_name).read_bytes()),
            code_property=code_property,
            name_property=name_property,
            uploaded_by=None,
        )
    link_police_categories(world)
