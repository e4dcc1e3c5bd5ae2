from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cs360.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.TypedChoiceField(choices=Role.choices, coerce=int, initial=Role.PARTNER)


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


class TwoFactorRequirementForm(forms.Form):
    require_two_factor = forms.BooleanField(
        required=False, label="Require two-factor login for staff and admins"
    )


class RoleForm(forms.Form):
    role = forms.TypedChoiceField(choices=Role.choices, coerce=int)


class AcceptInvitationForm(forms.Form):
    """Sets up a new account from an invitation; the e-mail comes from the invitation."""

    full_name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(label="Choose a password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Type the password again", widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            from cs360.models import User

            try:
                validate_password(
                    first, user=User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EditConflict(Exception):
    """Someone else saved the object after this person opened the form."""


class ConflictCheckMixin:
    """The one rule for every edit form: a second save over someone else's is refused.

    The form carries, in a signed hidden field, the values of its fields as the person saw
    them. `save_if_unchanged` locks the row (select_for_update), compares it with what was
    seen in the same transaction, and runs the save only if nothing changed meanwhile;
    otherwise it adds an error naming who changed what, and the next submit (made knowing
    that) saves. List it first among the bases so its clean() runs after the form's.
    """

    SEEN = "seen_version"
    SALT = "cs360.edit-conflict"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.SEEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk and not self.is_bound:
            self.initial[self.SEEN] = self._snapshot_token(self.instance)

    def clean(self):
        data = super().clean()
        self.seen_token = (data or self.cleaned_data).pop(self.SEEN, "")
        return data

    def _tracked(self, instance):
        names = {f.name for f in instance._meta.get_fields() if getattr(f, "concrete", False)}
        names |= {f.name for f in instance._meta.many_to_many}
        return [n for n in self.fields if n in names]

    def _raw(self, instance, name):
        field = instance._meta.get_field(name)
        if field.many_to_many:
            return sorted(str(pk) for pk in getattr(instance, name).values_list("pk", flat=True))
        value = field.value_from_object(instance)
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return None if value in (None, "") else str(value)

    def _shown(self, instance, name):
        field = instance._meta.get_field(name)
        if field.many_to_many:
            return ", ".join(str(o) for o in getattr(instance, name).all())
        if field.choices and not isinstance(field.value_from_object(instance), list):
            return str(getattr(instance, f"get_{name}_display")())
        if field.is_relation:
            return str(getattr(instance, name) or "")
        value = field.value_from_object(instance)
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")

    def _snapshot_token(self, instance):
        names = self._tracked(instance)
        return signing.dumps(
            {
                "raw": {n: self._raw(instance, n) for n in names},
                "shown": {n: self._shown(instance, n) for n in names},
            },
            salt=self.SALT,
            compress=True,
        )

    def changes_since_seen(self, current):
        if not self.seen_token:
            return []  # A client that never saw the form's token (scripts, old tests).
        try:
            seen = signing.loads(self.seen_token, salt=self.SALT)
        except signing.BadSignature as error:
            raise EditConflict(_("This form was tampered with; reload the page.")) from error
        changes = []
        for name, raw in seen["raw"].items():
            if self._raw(current, name) != raw:
                label = current._meta.get_field(name).verbose_name
                changes.append(
                    (
                        str(label)[:1].upper() + str(label)[1:],
                        seen["shown"][name],
                        self._shown(current, name),
                    )
                )
        return changes

    def save_if_unchanged(self, save) -> bool:
        """Run `save()` in one transaction with the row locked, unless someone else changed
        it since the form was shown. Returns whether it saved."""
        model = type(self.instance)
        try:
            with transaction.atomic():
                current = model._base_manager.select_for_update().get(pk=self.instance.pk)
                changes = self.changes_since_seen(current)
                if changes:
                    raise EditConflict(self._message(current, changes))
                save()
        except EditConflict as conflict:
            self._refuse(str(conflict), model._base_manager.get(pk=self.instance.pk))
            return False
        # A page that re-renders this bound form (htmx) must carry what is now saved, or the
        # person's next save would collide with their own.
        self._set_token(model._base_manager.get(pk=self.instance.pk))
        return True

    def _message(self, current, changes):
        last = (
            current.history.select_related("history_user").first()
            if hasattr(current, "history")
            else None
        )
        who = str(last.history_user) if last and last.history_user else _("Someone else")
        when = date_format(timezone.localtime(last.history_date), "j M Y H:i") if last else ""
        what = "; ".join(f"{label}: “{was or '—'}” → “{now or '—'}”" for label, was, now in changes)
        return _(
            "%(who)s saved this %(thing)s%(when)s while you were editing it, so your changes "
            "were not saved. What they changed: %(what)s. Check the form below (it still has "
            "your changes) and save again to keep yours."
        ) % {
            "who": who,
            "thing": current._meta.verbose_name,
            "when": f" at {when}" if when else "",
            "what": what,
        }

    def _refuse(self, message, current):
        self.add_error(None, message)
        self._set_token(current)

    def _set_token(self, current):
        self.data = self.data.copy()
        self.data[self.add_prefix(self.SEEN)] = self._snapshot_token(current)
