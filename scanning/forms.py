from django import forms
from django.utils import timezone

from communitymap.models import Area
from cs360.forms import ConflictCheckMixin
from scanning import tally
from scanning.models import (
    CandidateProblem,
    Input,
    PlaceKind,
    Priority,
    PriorityRound,
    RespondentKind,
    ScanningActivity,
    Strength,
    Theme,
    validate_not_an_address,
)
from teams.models import Team


class ActivityForm(ConflictCheckMixin, forms.ModelForm):
    ANONYMITY = [
        ("auto", "The usual for this kind (focus groups anonymous, others named)"),
        ("anonymous", "Anonymous: never record who said what"),
        ("named", "Named: a name may be recorded with consent"),
    ]
    anonymity = forms.ChoiceField(choices=ANONYMITY, initial="auto")

    class Meta:
        model = ScanningActivity
        fields = [
            "kind",
            "title",
            "held_on",
            "facilitator",
            "place",
            "participant_count",
            "organizations",
            "consent_obtained",
            "consent_note",
            "notes",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "organizations": forms.SelectMultiple(attrs={"size": 8}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = agency.organizations.order_by("name")
        self.fields["organizations"].help_text = "Hold Ctrl (⌘ on a Mac) to choose several."
        if self.instance.pk:
            self.fields["anonymity"].choices = self.ANONYMITY[1:]
            self.initial["anonymity"] = "anonymous" if self.instance.anonymous else "named"

    def clean_place(self):
        value = self.cleaned_data["place"]
        validate_not_an_address(value)
        return value

    def service_fields(self):
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in {"organizations", "anonymity"}
        }
        if self.cleaned_data["anonymity"] != "auto":
            data["anonymous"] = self.cleaned_data["anonymity"] == "anonymous"
        return data


class TopicsField(forms.CharField):
    """Comma-separated topic names, found by a unique partial match: the whole name, its
    beginning ("light" is Lighting), the beginning of one of its words, or any part of it
    ("speeding" is Traffic and speeding)."""

    def __init__(self, *args, topics=(), **kwargs):
        self.topics = list(topics)
        super().__init__(*args, **kwargs)

    def find(self, word: str) -> list:
        """The topics `word` could mean, from the most to the least exact kind of match."""
        tests = (
            lambda name: name == word,
            lambda name: name.startswith(word),
            lambda name: any(part.startswith(word) for part in name.split()),
            lambda name: word in name,
        )
        for test in tests:
            found = [t for t in self.topics if test(t.name.lower())]
            if found:
                return found
        return []

    def clean(self, value):
        value = super().clean(value)
        chosen, problems = [], []
        for part in (value or "").split(","):
            word = " ".join(part.split()).lower()
            if not word:
                continue
            found = self.find(word)
            if len(found) == 1:
                if found[0] not in chosen:
                    chosen.append(found[0])
            elif found:
                names = ", ".join(t.name for t in found[:4])
                problems.append(f"“{part.strip()}” could be {names}: type more of the name")
            else:
                problems.append(f"no topic matches “{part.strip()}”")
        if problems:
            message = "; ".join(problems)
            raise forms.ValidationError(
                message[0].upper()
                + message[1:]
                + ". Pick one of the suggestions, or add the topic on the Topics page first."
            )
        return chosen


class InputForm(forms.Form):
    text = forms.CharField(
        label="What was said",
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    theme = forms.ChoiceField(choices=Theme.choices, initial=Theme.CONCERN)
    respondent_kind = forms.ChoiceField(
        label="Who", choices=RespondentKind.choices, initial=RespondentKind.RESIDENT
    )
    place_kind = forms.ChoiceField(
        label="Kind of place", choices=[("", "—")] + PlaceKind.choices, required=False
    )
    place_name = forms.CharField(
        label="Place",
        max_length=120,
        required=False,
        validators=[validate_not_an_address],
        widget=forms.TextInput(attrs={"list": "place-names", "autocomplete": "off"}),
    )
    strength = forms.TypedChoiceField(
        label="Strength", choices=Strength.choices, coerce=int, initial=Strength.CONCERNED
    )
    respondent_name = forms.CharField(label="Name (optional)", max_length=150, required=False)
    organization = forms.ModelChoiceField(
        label="Speaking for", queryset=None, required=False, empty_label="—"
    )

    CARRIED = ["theme", "respondent_kind", "place_kind", "place_name", "strength", "topics"]

    def __init__(self, *args, activity, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = TopicsField(
            label="Topics",
            required=False,
            topics=topics,
            widget=forms.TextInput(attrs={"list": "topic-names", "autocomplete": "off"}),
            help_text="Comma-separated; the start of a name is enough.",
        )
        self.fields["organization"].queryset = activity.organizations.order_by("name")
        if activity.anonymous:
            del self.fields["respondent_name"]
        if not activity.organizations.exists():
            del self.fields["organization"]
        # Tab order: what changes most often between rows comes first.
        self.order_fields(
            ["text", "theme", "respondent_kind", "place_kind", "place_name", "topics", "strength"]
        )
        for name, field in self.fields.items():
            if name == "text":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm form-select-sm"

    def carried(self) -> dict:
        """The values to keep for the next row, so a practiced user types only the text."""
        data = {name: self.data.get(name, "") for name in self.CARRIED}
        return {k: v for k, v in data.items() if v}


class InputEditForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Input
        fields = [
            "text",
            "theme",
            "respondent_kind",
            "place_kind",
            "place_name",
            "strength",
            "respondent_name",
            "organization",
            "topics",
            "candidate",
            "quote_approved",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = agency.organizations.order_by("name")
        self.fields["topics"].queryset = agency.scanning_topics.filter(is_active=True)
        self.fields["candidate"].queryset = agency.candidate_problems.open()
        if self.instance.activity.anonymous:
            del self.fields["respondent_name"]


class TopicForm(forms.Form):
    name = forms.CharField(max_length=80, label="New topic")


class CandidateForm(ConflictCheckMixin, forms.ModelForm):
    areas = forms.MultipleChoiceField(
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Community Map areas",
    )

    class Meta:
        model = CandidateProblem
        fields = ["title", "behavior", "people", "place", "time", "areas", "evidence_summary"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in ["behavior", "people", "place", "time", "evidence_summary"]
        }


class AssignForm(forms.Form):
    inputs = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": "Tick at least one input to group."}
    )
    candidate = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="— a new candidate problem —"
    )
    new_title = forms.CharField(label="New candidate problem", max_length=200, required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inputs"].queryset = agency.scanning_inputs.all()
        self.fields["candidate"].queryset = agency.candidate_problems.open()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("candidate") and not cleaned.get("new_title", "").strip():
            self.add_error("new_title", "Choose a candidate problem or name a new one.")
        return cleaned


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=None, label="Merge into")

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = candidate.agency.candidate_problems.open().exclude(
            pk=candidate.pk
        )


SECRET_SHOWS_RESULTS = (
    "A secret round always hides its results until it closes: a running tally, read after "
    "each vote, would show how each member voted. Tick “hide results” or make the ballots named."
)


class RoundForm(forms.ModelForm):
    candidates = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Candidate problems on the ballot"
    )

    class Meta:
        model = PriorityRound
        fields = [
            "title",
            "description",
            "team",
            "method",
            "dots_per_voter",
            "secret",
            "hide_results_until_close",
            "quorum",
            "closes_at",
            "reason_required",
        ]
        widgets = {
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agency, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        advisory = agency.teams.filter(kind=Team.Kind.ADVISORY)
        self.fields["team"].queryset = advisory
        if not self.instance.pk and len(advisory) == 1:
            self.initial.setdefault("team", advisory[0].pk)
        self.fields["candidates"].queryset = agency.candidate_problems.open()
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.instance.pk:
            self.initial.setdefault("closes_at", timezone.localtime() + timezone.timedelta(days=7))
        self.criteria = criteria
        for key, name, weight in criteria:
            self.fields[f"weight_{key}"] = forms.DecimalField(
                label=name, min_value=0, max_value=10, decimal_places=1, initial=weight
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("secret") and not cleaned.get("hide_results_until_close"):
            self.add_error("hide_results_until_close", SECRET_SHOWS_RESULTS)
        return cleaned

    def weights(self):
        return {key: self.cleaned_data[f"weight_{key}"] for key, _, _ in self.criteria}

    def weight_fields(self):
        return [self[f"weight_{key}"] for key, _, _ in self.criteria]


class BallotForm(forms.Form):
    """One ballot, with the fields the round's method needs."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=0)

    def __init__(self, *args, round_, entries, criteria, ask_receipt=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.entries = entries
        self.criteria = criteria
        n = len(entries)
        self.fields["reason"].required = round_.reason_required
        self.fields["reason"].label = (
            "Your reason (required)" if round_.reason_required else "Your reason (optional)"
        )
        for entry in entries:
            c = entry.candidate_id
            self.fields[f"recuse_{c}"] = forms.BooleanField(
                required=False, label="I have a conflict of interest: recuse me"
            )
            if round_.method == tally.RANKED:
                self.fields[f"rank_{c}"] = forms.TypedChoiceField(
                    choices=[("", "—")] + [(i, str(i)) for i in range(1, n + 1)],
                    coerce=int,
                    required=False,
                    label=f"Rank for {entry.candidate}",
                )
            elif round_.method == tally.SCORE:
                for criterion in criteria:
                    self.fields[f"score_{c}_{criterion.pk}"] = forms.TypedChoiceField(
                        choices=[("", "—")] + [(i, str(i)) for i in range(1, 6)],
                        coerce=int,
                        required=False,
                        label=f"{criterion.name} for {entry.candidate}",
                    )
            elif round_.method == tally.DOT:
                self.fields[f"dots_{c}"] = forms.IntegerField(
                    min_value=0,
                    max_value=round_.dots_per_voter,
                    required=False,
                    label=f"Dots for {entry.candidate}",
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            else:
                self.fields[f"approve_{c}"] = forms.BooleanField(
                    required=False, label=f"Approve {entry.candidate}"
                )
        if ask_receipt:
            self.fields["receipt"] = forms.CharField(
                label="Your receipt code",
                required=False,
                help_text="Given when you first voted. Needed to change a secret ballot.",
            )

    def rows(self):
        """Per candidate: the entry and its bound fields, for the template."""
        for entry in self.entries:
            c = entry.candidate_id
            yield {
                "entry": entry,
                "recuse": self[f"recuse_{c}"],
                "rank": self[f"rank_{c}"] if f"rank_{c}" in self.fields else None,
                "dots": self[f"dots_{c}"] if f"dots_{c}" in self.fields else None,
                "approve": self[f"approve_{c}"] if f"approve_{c}" in self.fields else None,
                "scores": [
                    self[f"score_{c}_{k.pk}"]
                    for k in self.criteria
                    if f"score_{c}_{k.pk}" in self.fields
                ],
            }

    def clean(self):
        cleaned = super().clean()
        method = self.round.method
        if method == tally.RANKED:
            used = {}
            for entry in self.entries:
                rank = cleaned.get(f"rank_{entry.candidate_id}")
                if rank and not cleaned.get(f"recuse_{entry.candidate_id}"):
                    if rank in used:
                        raise forms.ValidationError(
                            f"You gave rank {rank} to both “{used[rank]}” and "
                            f"“{entry.candidate}”. Use each rank once."
                        )
                    used[rank] = entry.candidate
        return cleaned

    def ballot_data(self) -> tally.BallotData:
        cleaned = self.cleaned_data
        data = tally.BallotData()
        for entry in self.entries:
            c = entry.candidate_id
            if cleaned.get(f"recuse_{c}"):
                data.recusals.add(c)
                continue
            if cleaned.get(f"dots_{c}"):
                data.dots[c] = cleaned[f"dots_{c}"]
            if cleaned.get(f"approve_{c}"):
                data.approvals.add(c)
            scores = {
                k.pk: cleaned[f"score_{c}_{k.pk}"]
                for k in self.criteria
                if cleaned.get(f"score_{c}_{k.pk}")
            }
            if scores:
                data.scores[c] = scores
        ranked = [
            (cleaned[f"rank_{e.candidate_id}"], e.candidate_id)
            for e in self.entries
            if cleaned.get(f"rank_{e.candidate_id}") and e.candidate_id not in data.recusals
        ]
        data.ranking = [c for _, c in sorted(ranked)]
        return data

    @staticmethod
    def initial_from(ballot, criteria) -> dict:
        """Form values that show a ballot on record, so a member can change it."""
        if ballot is None:
            return {}
        data = ballot.as_data()
        initial = {"reason": ballot.reason}
        for c in data.recusals:
            initial[f"recuse_{c}"] = True
        for position, c in enumerate(data.ranking, start=1):
            initial[f"rank_{c}"] = position
        for c, n in data.dots.items():
            initial[f"dots_{c}"] = n
        for c in data.approvals:
            initial[f"approve_{c}"] = True
        for c, by in data.scores.items():
            for k, v in by.items():
                initial[f"score_{c}_{k}"] = v
        return initial


class DecisionForm(forms.Form):
    adopt = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Adopt as public safety priorities",
    )
    withdraw = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Withdraw adopted priorities",
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    dissent_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Dissent and minority views",
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        adopted = round_.agency.priorities.active().filter(decision__round=round_)
        self.fields["adopt"].queryset = round_.agency.candidate_problems.filter(
            round_entries__round=round_
        ).exclude(priorities__in=adopted)
        self.fields["withdraw"].queryset = adopted
        if not adopted.exists():
            del self.fields["withdraw"]


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["public_summary", "is_public"]
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 3})}


class StartTeamForm(forms.Form):
    name = forms.CharField(max_length=200, label="Team name")
    people = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Suggested from the Community Map",
    )
    others = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Anyone else on the Community Map",
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    lead = forms.ModelChoiceField(queryset=None, required=False, label="Team lead")

    def __init__(self, *args, agency, suggested_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = agency.people.filter(pk__in=list(suggested_ids))
        self.fields["others"].queryset = agency.people.exclude(pk__in=list(suggested_ids))
        self.fields["lead"].queryset = agency.people.all()

    def members(self):
        return list(self.cleaned_data.get("people") or []) + list(
            self.cleaned_data.get("others") or []
        )

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead")
        if lead and lead not in self.members():
            self.add_error("lead", "The lead must be one of the members you chose.")
        return cleaned


class ReceiptCheckForm(forms.Form):
    receipt = forms.CharField(
        label="Your receipt code",
        max_length=40,
        help_text="The code shown when you cast your secret ballot. It is checked here and "
        "not stored.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "class": "form-control", "spellcheck": "false"}
        ),
    )
