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
    occurred_formats = forms.MultipleChoiceField(
        label="Occurred-at date format",
        required=False,
        help_text="As detected from the file. Choose another in words if it is wrong; choose "
        "two when the column mixes formats.",
    )
    occurred_time_column = forms.ChoiceField(
        label="Time of day in a separate column", required=False
    )
    occurred_time_format = forms.ChoiceField(
        label="Time format", required=False, choices=list(importing.TIME_WORDS.items())
    )
    occurred_fallback = forms.BooleanField(
        label="Use reported-at when occurred-at is empty or unreadable", required=False
    )
    reported_formats = forms.MultipleChoiceField(label="Reported-at date format", required=False)
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
        # Formats in words; a saved mapping's own formats are offered even when unusual.
        choices = importing.dates.format_choices()
        known = {value for value, _ in choices}
        for name in ("occurred_formats", "reported_formats"):
            current = self.initial.get(name) or []
            extra = [(f, importing.describe_format(f)) for f in current if f not in known]
            self.fields[name].choices = extra + choices
        self.header = header

    @classmethod
    def initial_from(cls, mapping: dict) -> dict:
        fields = mapping.get("fields", {})
        occurred = fields.get("occurred_at", {})
        initial = {
            "source": mapping.get("source", "incidents"),
            "duplicates": fields.get("record_id", {}).get("duplicates", "last"),
            "occurred_formats": list(occurred.get("formats", [])),
            "occurred_time_column": occurred.get("time_column", ""),
            "occurred_time_format": occurred.get("time_format", "%H:%M"),
            "occurred_fallback": occurred.get("fallback") == "reported_at",
            "reported_formats": list(fields.get("reported_at", {}).get("formats", [])),
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
    def _formats(chosen) -> list[str]:
        return [f for f in chosen or [] if f]

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
