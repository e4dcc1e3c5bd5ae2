"""Import a CAD/RMS export from the command line: big files and nightly scheduled loads.

    python manage.py import_police_data --agency riverton --mapping "RMS nightly" export.csv

Exit status, for a cron job: 0 when every row was imported; 1 when some rows were rejected
(the good rows are imported and the rejected ones reported); 2 when nothing was imported:
the file is unusable, the mapping does not fit it, every row was rejected, or the import
failed (nothing is changed).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cs360.models import Agency
from dashboard import importing, services
from dashboard.importing import MappingError


class Command(BaseCommand):
    help = "Import a police data export (CSV or .xlsx) for one agency."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="The agency's slug.")
        parser.add_argument(
            "--mapping",
            help="A saved mapping's name, or a JSON file (docs/police-data-import.md). "
            "Without it, the agency's saved mapping that fits the file is used.",
        )
        parser.add_argument("--source", choices=["calls", "incidents"])

    def handle(self, *args, file: Path, agency: str, mapping, source, **options):
        try:
            agency_obj = Agency.objects.get(slug=agency)
        except Agency.DoesNotExist:
            raise CommandError(f"No agency with the slug “{agency}”.", returncode=2) from None
        if not file.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        saved = None
        try:
            with importing.open_table(file) as table:
                header, rows = table.header, importing.sample_rows(table, 1000)
        except MappingError as error:
            raise CommandError(f"{file.name} cannot be imported: {error}", returncode=2) from None
        try:
            if mapping and Path(mapping).suffix.lower() == ".json" and Path(mapping).is_file():
                mapping_dict = services.load_mapping_file(Path(mapping))
            elif mapping:
                saved = agency_obj.column_mappings.filter(name=mapping).first()
                if saved is None:
                    raise MappingError(f"{agency_obj} has no saved mapping named “{mapping}”.")
                mapping_dict = saved.mapping
            else:
                fitting = [
                    m
                    for m in agency_obj.column_mappings.order_by("-updated_at")
                    if not importing.validate_mapping(m.mapping, header)
                    and (not source or m.source == source)
                ]
                if not fitting:
                    raise MappingError(
                        "No saved mapping fits this file; pass --mapping. A suggestion:\n"
                        + json.dumps(
                            importing.suggest_mapping(header, rows, source or ""), indent=2
                        )
                    )
                saved = fitting[0]
                mapping_dict = saved.mapping
            if source:
                mapping_dict = {**mapping_dict, "source": source}
            job = services.import_file(
                agency=agency_obj, path=file, mapping=mapping_dict, saved_mapping=saved
            )
        except MappingError as error:
            raise CommandError(
                f"The mapping does not fit {file.name}: {error}", returncode=2
            ) from None

        self.stdout.write(f"{file.name} → {agency_obj} ({job.get_source_display().lower()})")
        if job.status != job.Status.SUCCEEDED:
            raise CommandError(f"Import failed, nothing was changed: {job.error}", returncode=2)
        self.stdout.write(
            f"  rows read {job.rows_read}, new {job.rows_inserted}, updated {job.rows_updated}, "
            f"unchanged {job.rows_unchanged}, rejected {job.rows_rejected}"
        )
        for problem in job.problems.values():
            effect = "rejected" if problem["rejects"] else "imported"
            examples = "; ".join(
                f"line {e['line']}: {e['detail']}" if e["line"] else e["detail"]
                for e in problem["examples"][:3]
            )
            self.stdout.write(f"  {problem['label']}: {problem['count']} ({effect}) {examples}")
        kept = job.rows_inserted + job.rows_updated + job.rows_unchanged
        if not kept:
            raise CommandError(
                f"Nothing was imported: all {job.rows_rejected} rows were rejected.", returncode=2
            )
        if job.rows_rejected:
            raise CommandError(f"{job.rows_rejected} rows were rejected.", returncode=1)
        self.stdout.write(self.style.SUCCESS("  All rows imported."))
