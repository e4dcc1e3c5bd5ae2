"""Two-factor login with django-otp: an authenticator app (TOTP) plus single-use recovery codes.

The password form stays Django's own; after it, a person who has turned two-factor on (or
must have it: a superuser in production, staff and admins of an agency that requires it) is
sent by `TwoFactorMiddleware` to enter a code, or to set up an app, before any other page.
"""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cs360.forms import TwoFactorCodeForm
from cs360.models import Membership, Role

RECOVERY_CODE_COUNT = 10
# Pages a person who still owes a second factor may open (besides public, login-free ones).
EXEMPT_URL_NAMES = {"two-factor-setup", "two-factor-verify", "logout"}


def two_factor_state(user):
    """(has a confirmed device, must have one), in one query."""
    confirmed = {"user": OuterRef("pk"), "confirmed": True}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(TOTPDevice.objects.filter(**confirmed)),
            Exists(StaticDevice.objects.filter(**confirmed, token_set__isnull=False)),
            Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), role__gte=Role.STAFF, agency__require_two_factor=True
                )
            ),
        )
        .get()
    )
    has_app, has_codes, agency_requires = row
    required = agency_requires or (user.is_superuser and settings.SUPERUSER_REQUIRES_TWO_FACTOR)
    return has_app or has_codes, required


class TwoFactorMiddleware:
    """Send a logged-in person who owes a second factor to enter it (or to set it up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # public pages, the login form, password reset
        if request.resolver_match.url_name in EXEMPT_URL_NAMES:
            return None
        has_device, required = two_factor_state(user)
        if not (has_device or required):
            return None
        name = "two-factor-verify" if has_device else "two-factor-setup"
        url = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("home")


def _qr_svg(device):
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


@transaction.atomic
def _issue_recovery_codes(user):
    """Replace the person's recovery codes with new ones and return them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_setup(request):
    """Set up an authenticator app: QR code and secret, one code to confirm, recovery codes."""
    user = request.user
    has_device, required = two_factor_state(user)
    if has_device and not user.is_verified():
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
    if has_device and request.method == "POST" and request.POST.get("action") == "new-codes":
        codes = _issue_recovery_codes(user)
        return render(request, "registration/two_factor_codes.html", {"codes": codes})
    if has_device:
        return render(request, "registration/two_factor_setup.html", {"enabled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = _issue_recovery_codes(user)
            context = {"codes": codes, "next": _next_url(request), "just_enabled": True}
            return render(request, "registration/two_factor_codes.html", context)
        form.add_error("code", _("That code is not right. Check the app's clock and try again."))
    context = {
        "form": form,
        "required": required,
        "qr_svg": _qr_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


def _check_code(user, code):
    """The device that accepts `code`, or an error message.

    Six digits are an app code, anything else a recovery code; trying one only against its
    own kind keeps a recovery code from counting as a wrong app code (which slows the next try).
    """
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in kind.objects.filter(user=user, confirmed=True):
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            return None, _("Too many wrong codes. Wait a minute, then try again.")
        if device.verify_token(code):
            return device, None
    return None, _(
        "That code is not right. Enter the 6 digits the app shows now, or a recovery code."
    )


def two_factor_verify(request):
    """The second step of logging in: a code from the app or one recovery code."""
    form = TwoFactorCodeForm(request.POST or None)
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if request.method == "POST" and form.is_valid():
        device, error = _check_code(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(n)d is left. Make new ones soon.",
                        "You used a recovery code; %(n)d are left. Make new ones soon.",
                        left,
                    )
                    % {"n": left},
                )
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", error)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context)
