"""Forms of the public dashboard (explorer filters) and of the staff publication settings."""

import datetime as dt

from django import forms

from dashboard.models import PublicationSettings
from dashboard.privacy import normalize_terms
from dashboard.queries import (
    INTERVALS,
    Catalog,
    Filters,
    add_months,
    default_filters,
    month_end,
    month_start,
)


class MonthField(forms.Field):
    """A month, "2025-03" (what <input type="month"> sends); a full date is read as its month.

    Public counts cover whole months only, so no two ranges differ by a few days.
    """

    widget = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    default_error_messages = {"invalid": "Enter a month as YYYY-MM, for example 2025-03."}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        for fmt in ("%Y-%m", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            if 1900 <= day.year <= 2200:
                return day.replace(day=1)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class ExplorerFilterForm(forms.Form):
    """The explorer's filters, read from the query string so every view has a shareable URL."""

    source = forms.ChoiceField(label="Data", required=False)
    start = MonthField(label="From", required=False)
    end = MonthField(label="To", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    district = forms.ChoiceField(label="District", required=False)
    interval = forms.ChoiceField(label="Count by", required=False, choices=list(INTERVALS.items()))

    def __init__(self, data, *, catalog: Catalog):
        super().__init__(data)
        self.catalog = catalog
        self.fields["source"].choices = [(value, label) for value, label, _ in catalog.sources]
        self.fields["category"].choices = [("", "All categories")] + [
            (c, c) for c in catalog.categories
        ]
        self.fields["district"].choices = [("", "All districts")] + [
            (d, f"District {d}") for d in catalog.districts
        ]
        if catalog.first_date and catalog.last_date:
            for name in ("start", "end"):
                self.fields[name].widget.attrs.update(
                    min=f"{catalog.first_date:%Y-%m}", max=f"{catalog.last_date:%Y-%m}"
                )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end month is before the start month.")
        if start and end and (end - start).days > 366 * 10:
            self.add_error("start", "Choose at most ten years at a time.")
        return data

    def filters(self) -> Filters:
        """The filters to show: what was asked for, with the defaults for anything missing
        or unreadable. Call is_valid() first; a field with an error is not in cleaned_data,
        and the form's errors tell the reader what was ignored."""
        data = getattr(self, "cleaned_data", {})
        base = default_filters(self.catalog, data.get("source") or None)
        start, end = data.get("start"), data.get("end")
        end = month_end(end) if end else None
        if start and not end:
            end = min(base.end, month_end(add_months(start, 11)))
        if end and not start:
            start = add_months(end, -11)
        return Filters(
            source=base.source,
            start=month_start(start or base.start),
            end=month_end(end or base.end),
            category=data.get("category") or "",
            district=data.get("district") or "",
            interval=data.get("interval") or "month",
        )


class TermsField(forms.CharField):
    """A list edited as one term per line."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return list(normalize_terms((value or "").splitlines()))


class CategoriesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PublicationForm(forms.ModelForm):
    sensitive_categories = TermsField(
        label="Your own sensitive words",
        required=False,
        help_text=(
            "One word or phrase per line, besides the built-in default rules. In the category "
            "review, a type or category containing one (at the start of a word, any case) is "
            "suggested as “areas only”. What is published is always what the review decided."
        ),
    )
    published_categories = CategoriesField(
        label="Categories on the public dashboard",
        required=False,
        help_text="Leave all unticked to publish every category.",
    )

    class Meta:
        model = PublicationSettings
        fields = [
            "police_data_public",
            "suppression_threshold",
            "sensitive_categories",
            "published_categories",
            "data_note",
            "map_tile_url",
            "map_tile_attribution",
        ]
        labels = {
            "police_data_public": "Publish police data on the public dashboard",
            "suppression_threshold": "Smallest count shown",
            "data_note": "What the data does and does not include",
            "map_tile_url": "Map tiles (optional)",
            "map_tile_attribution": "Map tile credit",
        }
        help_texts = {
            "suppression_threshold": (
                "Counts below this number are shown as “fewer than N”, and enough other counts "
                "are hidden that they cannot be worked out from a total. 5 is common; 10 or 11 "
                "is stricter."
            ),
        }
        widgets = {"data_note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, categories=(), priorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        linked = self.instance.priority_categories or {}
        self.priority_fields = []
        for priority in priorities:
            name = f"priority_{priority.pk}"
            self.fields[name] = CategoriesField(
                label=f"Police data for “{priority.title}”",
                required=False,
                choices=[(c, c) for c in categories],
                initial=linked.get(str(priority.pk), []),
                help_text="The categories whose trend is shown with this priority.",
            )
            self.priority_fields.append((priority, name))
        chosen = list(self.instance.published_categories or [])
        choices = sorted(set(categories) | set(chosen))
        self.fields["published_categories"].choices = [(c, c) for c in choices]
        self.fields["suppression_threshold"].min_value = 1
        self.fields["suppression_threshold"].widget.attrs.update(min=1, max=100)

    def save(self, commit=True):
        self.instance.priority_categories = {
            str(priority.pk): self.cleaned_data[name]
            for priority, name in self.priority_fields
            if self.cleaned_data.get(name)
        }
        return super().save(commit)

    def clean(self):
        data = super().clean()
        url = data.get("map_tile_url") or ""
        if url and not url.startswith("https://"):
            self.add_error("map_tile_url", "Use an https:// address.")
        elif url and not all(part in url for part in ("{z}", "{x}", "{y}")):
            self.add_error("map_tile_url", "The address needs {z}, {x} and {y} in it.")
        if url and not data.get("map_tile_attribution"):
            self.add_error("map_tile_attribution", "Tile providers require a credit line.")
        return data

    def clean_suppression_threshold(self):
        value = self.cleaned_data["suppression_threshold"]
        if not 1 <= value <= 100:
            raise forms.ValidationError("Choose a number from 1 to 100.")
        return value


class CategoryReviewForm(forms.Form):
    """One choice per type or category value in the data, pre-filled with the decision
    already made or, for a value never reviewed, the default rule's suggestion."""

    def __init__(self, data=None, *, entries):
        super().__init__(data)
        from dashboard.models import CategoryDecision

        self.entries = entries
        for entry in entries:
            self.fields[entry.key] = forms.ChoiceField(
                label=entry.value,
                choices=CategoryDecision.Level.choices,
                initial=entry.initial_choice,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )

    def rows(self):
        return [(entry, self[entry.key]) for entry in self.entries]

    def levels(self) -> dict[str, str]:
        return {entry.value: self.cleaned_data[entry.key] for entry in self.entries}
