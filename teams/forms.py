from django import forms
from django.db.models import Q
from django.utils import timezone

from cs360.forms import ConflictCheckMixin
from teams.models import (
    ActionItem,
    AssessmentCheckpoint,
    Goal,
    Meeting,
    Metric,
    SaraRecord,
    SaraResponse,
    Team,
    TeamMember,
)

NUMBER_ERRORS = {
    "invalid": "Enter a number, e.g. 42 or 3.5 (digits only, no units or words).",
    "max_digits": "That number is too long: at most 11 digits before the decimal point.",
    "max_decimal_places": "Use at most 3 decimal places.",
}
# Text with a decimal keyboard, not type=number: browsers silently drop what a number field
# cannot parse, so the person would never see why their "about 20" vanished.
NUMBER_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a date, e.g. 2026-03-31."}


class TeamForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["kind", "name", "status", "cadence", "purpose", "scope", "decision_rules"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "scope": forms.Textarea(attrs={"rows": 2}),
            "decision_rules": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.agency.teams.filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"There is already a team called “{name}”.")
        return name


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=None,
        label="Person from the Community Map",
        error_messages={"required": "Choose a person from the Community Map."},
    )
    role = forms.ChoiceField(choices=TeamMember.TeamRole.choices, initial="member")
    sector = forms.ChoiceField(
        choices=[("", "From their organization")] + list(TeamMember.Sector.choices),
        required=False,
        help_text="Leave as is to take it from the organization they work with now.",
    )
    can_vote = forms.BooleanField(label="Voting member", required=False)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        current = team.members.current().values("person_id")
        # Not someone whose every affiliation has ended (a representative whose term is over);
        # people with no affiliation at all (staff, residents) are offered.
        represented = team.agency.affiliations.current().values("person_id")
        self.fields["person"].queryset = (
            team.agency.people.exclude(pk__in=current)
            .filter(Q(affiliations__isnull=True) | Q(pk__in=represented))
            .distinct()
            .order_by("full_name")
        )
        self.fields["person"].label_from_instance = lambda p: p.full_name
        if not team.is_advisory:
            self.fields["can_vote"].help_text = "Voting matters mostly on the advisory team."


class MemberEditForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["role", "sector", "can_vote"]


class GoalForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["statement", "deadline"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2}), "deadline": DATE_WIDGET}
        error_messages = {"deadline": DATE_ERRORS}


class MetricForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Metric
        fields = [
            "goal",
            "name",
            "definition",
            "unit",
            "direction",
            "kind",
            "baseline_value",
            "baseline_period",
            "baseline_date",
            "target_value",
            "target_date",
            "source",
            "source_organization",
            "cadence",
            "is_crime_count",
            "is_public",
            "catalogue_key",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 2}),
            "baseline_date": DATE_WIDGET,
            "target_date": DATE_WIDGET,
            "catalogue_key": forms.HiddenInput,
            "baseline_value": NUMBER_WIDGET,
            "target_value": NUMBER_WIDGET,
        }
        error_messages = {
            "baseline_value": NUMBER_ERRORS,
            "target_value": NUMBER_ERRORS,
            "baseline_date": DATE_ERRORS,
            "target_date": DATE_ERRORS,
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = team.goals.all()
        self.fields["goal"].empty_label = None
        self.fields["source_organization"].queryset = team.agency.organizations.all()
        self.fields["source_organization"].help_text = (
            "For partner data: the organization that provides the readings. Its members "
            "with a CS360 login may enter them."
        )

    def clean(self):
        data = super().clean()
        baseline, target = data.get("baseline_value"), data.get("target_value")
        starts, ends = data.get("baseline_date"), data.get("target_date")
        if starts and ends and ends <= starts:
            self.add_error(
                "target_date", "The target date must come after the end of the baseline period."
            )
        if baseline is not None and target is not None:
            direction = data.get("direction")
            if target == baseline:
                self.add_error("target_value", "The target must differ from the baseline.")
            elif direction == Metric.Direction.DOWN and target > baseline:
                self.add_error(
                    "target_value",
                    "Lower is better for this metric, so the target must be below the baseline.",
                )
            elif direction == Metric.Direction.UP and target < baseline:
                self.add_error(
                    "target_value",
                    "Higher is better for this metric, so the target must be above the baseline.",
                )
        if data.get("source") == Metric.Source.PARTNER and not data.get("source_organization"):
            self.add_error(
                "source_organization", "Name the partner organization that provides the data."
            )
        if data.get("source") == Metric.Source.DEPARTMENT:
            data["source_organization"] = None
        return data


class ReadingForm(forms.Form):
    value = forms.DecimalField(
        max_digits=14, decimal_places=3, error_messages=NUMBER_ERRORS, widget=NUMBER_WIDGET
    )
    taken_on = forms.DateField(
        label="Date", widget=DATE_WIDGET, error_messages=DATE_ERRORS, initial=timezone.localdate
    )
    source_note = forms.CharField(
        label="Source note",
        max_length=300,
        required=False,
        help_text="Where the number comes from.",
    )

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise forms.ValidationError("A reading cannot be dated in the future.")
        return taken_on


class MeetingCreateForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "location", "agenda"]
        widgets = {"held_on": DATE_WIDGET, "agenda": forms.Textarea(attrs={"rows": 7})}
        error_messages = {"held_on": DATE_ERRORS}


class MeetingRecordForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "location", "agenda", "attendees", "minutes", "decisions"]
        widgets = {
            "held_on": DATE_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
            "attendees": forms.CheckboxSelectMultiple,
        }
        labels = {"attendees": "Attendance"}
        error_messages = {"held_on": DATE_ERRORS}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = team.members.select_related("person").order_by(
            "left_on", "person__full_name"
        )
        field.label_from_instance = lambda m: (
            f"{m.person.full_name} ({m.get_role_display()}, {m.get_sector_display()})"
            + (" — left the team" if m.left_on else "")
        )


class ActionForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "owner_organization", "due_on"]
        widgets = {"due_on": DATE_WIDGET}
        labels = {"owner": "Owner (person)", "owner_organization": "Owner organization"}
        error_messages = {"due_on": DATE_ERRORS}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team.agency.people.filter(
            team_memberships__team=team, team_memberships__left_on__isnull=True
        )
        self.fields["owner"].label_from_instance = lambda p: p.full_name
        self.fields["owner_organization"].queryset = team.agency.organizations.all()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class SaraScanningForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = SaraRecord
        fields = ["stage", "problem_statement", "scanning_summary"]
        widgets = {
            "problem_statement": forms.Textarea(attrs={"rows": 2}),
            "scanning_summary": forms.Textarea(attrs={"rows": 4}),
        }


class SaraAnalysisForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = SaraRecord
        fields = SaraRecord.TRIANGLE_FIELDS + ["problem_type", "hypotheses"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SaraRecord.TRIANGLE_FIELDS}
        widgets["hypotheses"] = forms.Textarea(attrs={"rows": 3})


class ResponseForm(forms.ModelForm):
    class Meta:
        model = SaraResponse
        fields = ["strategy", "owner_organization", "started_on", "status"]
        widgets = {"strategy": forms.Textarea(attrs={"rows": 2}), "started_on": DATE_WIDGET}
        error_messages = {"started_on": DATE_ERRORS}
        help_texts = {"started_on": "Assessment checkpoints at 30, 90 and 180 days follow it."}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"].queryset = team.agency.organizations.all()


class CheckpointForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = AssessmentCheckpoint
        fields = ["decision", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 2})}

    def clean_decision(self):
        decision = self.cleaned_data["decision"]
        if not decision:
            raise forms.ValidationError("Choose continue, modify or close.")
        return decision
