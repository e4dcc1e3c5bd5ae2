from django import forms

from communitymap.models import (
    Affiliation,
    Area,
    Geography,
    Organization,
    OutreachEntry,
    PartnerType,
    Person,
    RelationshipStatus,
    Stance,
)
from communitymap.services import possible_duplicates
from cs360.forms import ConflictCheckMixin
from cs360.models import Role, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_of(agency):
    return User.objects.filter(
        memberships__agency=agency, memberships__role__gte=Role.STAFF
    ).order_by("full_name", "email")


class OrganizationForm(forms.ModelForm):
    """Add or edit an organization. On add, a known stance needs its reason too."""

    areas = forms.MultipleChoiceField(
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="One or more of the six areas.",
        error_messages={"required": "Choose at least one area."},
    )
    stance = forms.ChoiceField(
        choices=Stance.choices, initial=Stance.UNKNOWN, label="Stance toward the department"
    )
    stance_reason = forms.CharField(
        label="Why this stance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What they said or did. Needed for a supporter, neutral or critic stance.",
    )
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_a_duplicate = forms.BooleanField(
        required=False, label="Yes, this is a different organization: add it anyway"
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "partner_type",
            "parent_organization",
            "areas",
            "constituency",
            "geography",
            "neighborhoods",
            "status",
            "owner",
            "next_follow_up",
            "email",
            "phone",
            "website",
            "address",
            "social_media",
            "data_holdings",
            "notes",
            "recommended_by_organization",
            "recommended_by_person",
        ]
        widgets = {
            "next_follow_up": DATE,
            "data_holdings": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.duplicates = []
        self.fields["owner"].queryset = staff_of(agency)
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email
        others = agency.organizations.only("id", "name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            del self.fields["stance"], self.fields["stance_reason"]
            self.fields[
                "not_a_duplicate"
            ].label = "Yes, keep this name: it is a different organization"
        self.fields["recommended_by_organization"].queryset = others
        self.fields["recommended_by_person"].queryset = agency.people.only("id", "full_name")
        self.fields["owner"].empty_label = "Nobody yet"
        self.fields["recommended_by_organization"].empty_label = "—"
        self.fields["recommended_by_person"].empty_label = "—"
        self.fields["geography"].choices = [("", "Not known"), *Geography.choices]

    def clean(self):
        data = super().clean()
        stance = data.get("stance")
        if stance and stance != Stance.UNKNOWN and not (data.get("stance_reason") or "").strip():
            self.add_error("stance_reason", "Say why you record this stance.")
        name = data.get("name")
        if name and not data.get("not_a_duplicate"):
            self.duplicates = list(
                possible_duplicates(agency=self.agency, name=name, exclude=self.instance)[:5]
            )
            if self.duplicates:
                names = ", ".join(f"“{d.name}”" for d in self.duplicates)
                self.add_error(
                    "name",
                    f"This looks like {names}, already on the map. Open it instead, or tick "
                    "the box below if it is a different organization.",
                )
        return data


class QuickAddForm(forms.Form):
    """The few fields asked in a worksheet cell; the area and type come from the cell."""

    name = forms.CharField(max_length=200)
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.UNKNOWN)
    stance_reason = forms.CharField(label="Why this stance", required=False)
    not_a_duplicate = forms.BooleanField(required=False, label="It is a different organization")

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.duplicates = []

    def clean(self):
        data = super().clean()
        if data.get("stance") not in (None, Stance.UNKNOWN) and not data.get("stance_reason"):
            self.add_error("stance_reason", "Say why you record this stance.")
        if data.get("name") and not data.get("not_a_duplicate"):
            self.duplicates = list(possible_duplicates(agency=self.agency, name=data["name"])[:3])
            if self.duplicates:
                self.add_error("name", f"“{self.duplicates[0].name}” is already on the map.")
        return data


class StanceForm(forms.Form):
    stance = forms.ChoiceField(choices=Stance.choices)
    recorded_on = forms.DateField(label="As of", widget=DATE)
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 2}), help_text="What they said or did."
    )


class RepresentativeForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Someone already on the map",
        empty_label="— a new person —",
    )
    full_name = forms.CharField(label="Or a new person's name", required=False, max_length=150)
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=40)
    role_title = forms.CharField(label="Role", max_length=150, required=False)
    start_date = forms.DateField(required=False, widget=DATE)
    end_date = forms.DateField(
        label="Term ends", required=False, widget=DATE, help_text="Blank if open-ended."
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = agency.people.only("id", "full_name")

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("full_name") or "").strip():
            self.add_error("full_name", "Give the person's name or choose someone on the map.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The term cannot end before it starts.")
        return data


class AffiliationForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["role_title", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The term cannot end before it starts.")
        return data


class OutreachForm(forms.ModelForm):
    class Meta:
        model = OutreachEntry
        fields = ["kind", "happened_on", "staff", "person", "notes"]
        widgets = {"happened_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agency, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_of(agency)
        self.fields["staff"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["person"].queryset = agency.people.filter(
            affiliations__organization=organization
        ).distinct()


class PersonForm(ConflictCheckMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "email", "phone", "notes", "user"]
        labels = {"user": "CS360 login"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        taken = agency.people.exclude(pk=self.instance.pk).filter(user__isnull=False)
        self.fields["user"].queryset = User.objects.filter(memberships__agency=agency).exclude(
            pk__in=taken.values("user_id")
        )
        self.fields["user"].required = False


class ExamplesForm(forms.Form):
    text = forms.CharField(
        label="Whom to consider",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="One suggestion per line.",
    )


FLAG_CHOICES = [
    ("", "Any"),
    ("needs_new_contact", "Needs a new contact"),
    ("no_contact", "No contact yet"),
    ("follow_up_due", "Follow-up due"),
    ("no_owner", "No owner"),
]
SORT_CHOICES = [
    ("name", "Name"),
    ("-updated_at", "Recently changed"),
    ("next_follow_up", "Next follow-up"),
    ("stance", "Stance"),
    ("status", "Status"),
]


class OrganizationFilterForm(forms.Form):
    """The list's filters, read from the query string so a filtered list is a shareable URL."""

    q = forms.CharField(label="Search by name", required=False)
    area = forms.ChoiceField(choices=[("", "Any area"), *Area.choices], required=False)
    type = forms.ChoiceField(
        label="Partner type", choices=[("", "Any type"), *PartnerType.choices], required=False
    )
    stance = forms.ChoiceField(choices=[("", "Any stance"), *Stance.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *RelationshipStatus.choices], required=False
    )
    owner = forms.ChoiceField(required=False)
    flag = forms.ChoiceField(choices=FLAG_CHOICES, required=False)
    geography = forms.ChoiceField(choices=[("", "Anywhere"), *Geography.choices], required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        owners = [(str(u.pk), u.full_name or u.email) for u in staff_of(agency)]
        self.fields["owner"].choices = [("", "Anyone"), ("me", "Me"), *owners]

    def filter(self, queryset, user):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("area"):
            queryset = queryset.filter(areas__contains=[data["area"]])
        if data.get("type"):
            queryset = queryset.filter(partner_type=data["type"])
        if data.get("stance"):
            queryset = queryset.filter(stance=data["stance"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("geography"):
            queryset = queryset.filter(geography=data["geography"])
        owner = data.get("owner")
        if owner == "me":
            queryset = queryset.filter(owner=user)
        elif owner:
            queryset = queryset.filter(owner_id=owner)
        flag = data.get("flag")
        if flag == "needs_new_contact":
            queryset = queryset.needing_new_contact()
        elif flag == "no_contact":
            queryset = queryset.without_contacts()
        elif flag == "follow_up_due":
            queryset = queryset.follow_up_due()
        elif flag == "no_owner":
            queryset = queryset.filter(owner__isnull=True)
        sort = data.get("sort") or "name"
        if data.get("q"):
            queryset = queryset.search(data["q"])
            if not data.get("sort"):
                return queryset.order_by("-match_score", "name")
        return queryset.order_by(sort, "name") if sort != "name" else queryset.order_by("name")

    def active_filters(self):
        """The filters in use, e.g. to describe an export."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v and k != "sort"}
