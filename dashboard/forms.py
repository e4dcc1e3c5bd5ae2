"""Staff forms for police data: upload, column mapping, boundaries."""

from django import forms

from dashboard import importing
from dashboard.models import Boundary, Source

NOT_IN_FILE = ("", "— not in this file —")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="CSV (any delimiter or encoding) or Excel .xlsx, as your CAD or records "
        "system exports it.",
    )
    source = forms.ChoiceField(
        label="What the file holds", choices=Source.choices, initial=Source.INCIDENTS
    )
    saved_mapping = forms.ModelChoiceField(
        label="Column mapping",
        queryset=None,
        required=False,
        empty_label="Suggest one from the file's columns",
        help_text="A saved mapping that fits the file takes you straight to the preview.",
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_mapping"].queryset = agency.column_mappings.all()


class MappingForm(forms.Form):
    """One choice of column per canonical field, date formats, and an optional name to save."""

    source = forms.ChoiceField(label="What the file holds", choices=Source.choices)
    duplicates = forms.ChoiceField(
        label="When a record id repeats in the file",
        choices=[
            ("last", "Keep the last row (a later row updates the record)"),
            ("first", "Keep the first row (later rows are ignored)"),
            ("number", "Keep every row as a separate offense, numbering repeats"),
        ],
    )
    occurred_formats = forms.CharField(
        label="Occurred-at date format",
        required=False,
        help_text="As detected, e.g. %m/%d/%Y %I:%M:%S %p. Separate alternatives with “;”.",
    )
    occurred_time_column = forms.ChoiceField(
        label="Time of day in a separate column", required=False
    )
    occurred_time_format = forms.CharField(label="Time format", required=False, initial="%H:%M")
    occurred_fallback = forms.BooleanField(
        label="Use reported-at when occurred-at is empty or unreadable", required=False
    )
    reported_formats = forms.CharField(label="Reported-at date format", required=False)
    save_as = forms.CharField(
        label="Save this mapping as",
        required=False,
        max_length=100,
        help_text="Give it a name to reuse it for the next export (e.g. “RMS nightly export”).",
    )

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [NOT_IN_FILE] + [(h, h) for h in header if h]
        self.column_fields = []
        for name, label in importing.FIELDS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label, choices=columns, required=False
            )
            self.column_fields.append(self[f"col_{name}"])
        self.fields["occurred_time_column"].choices = columns
        self.header = header

    @classmethod
    def initial_from(cls, mapping: dict) -> dict:
        fields = mapping.get("fields", {})
        occurred = fields.get("occurred_at", {})
        initial = {
            "source": mapping.get("source", "incidents"),
            "duplicates": fields.get("record_id", {}).get("duplicates", "last"),
            "occurred_formats": "; ".join(occurred.get("formats", [])),
            "occurred_time_column": occurred.get("time_column", ""),
            "occurred_time_format": occurred.get("time_format", "%H:%M"),
            "occurred_fallback": occurred.get("fallback") == "reported_at",
            "reported_formats": "; ".join(fields.get("reported_at", {}).get("formats", [])),
        }
        for name, spec in fields.items():
            initial[f"col_{name}"] = spec.get("column", "")
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        mapping = self.to_mapping(data)
        for error in importing.validate_mapping(mapping, self.header):
            self.add_error(None, error)
        data["mapping"] = mapping
        return data

    @staticmethod
    def _formats(text: str) -> list[str]:
        return [f.strip() for f in (text or "").split(";") if f.strip()]

    def to_mapping(self, data) -> dict:
        fields = {}
        for name in importing.FIELDS:
            column = data.get(f"col_{name}")
            if column:
                fields[name] = {"column": column}
        if "record_id" in fields and data["duplicates"] in ("number", "first"):
            fields["record_id"]["duplicates"] = data["duplicates"]
        if "occurred_at" in fields:
            spec = fields["occurred_at"]
            spec["formats"] = self._formats(data.get("occurred_formats"))
            if data.get("occurred_time_column"):
                spec["time_column"] = data["occurred_time_column"]
                spec["time_format"] = data.get("occurred_time_format") or "%H:%M"
            if data.get("occurred_fallback"):
                spec["fallback"] = "reported_at"
        if "reported_at" in fields:
            fields["reported_at"]["formats"] = self._formats(data.get("reported_formats"))
        return {"version": importing.MAPPING_VERSION, "source": data["source"], "fields": fields}


class BoundaryForm(forms.Form):
    layer = forms.ChoiceField(label="Layer", choices=Boundary.Layer.choices)
    file = forms.FileField(label="GeoJSON file", help_text="A FeatureCollection of polygons.")
    code_property = forms.CharField(
        label="Property holding the code",
        required=False,
        help_text="Leave empty to pick the property that best matches your records' codes.",
    )
    name_property = forms.CharField(label="Property holding the name", required=False)
