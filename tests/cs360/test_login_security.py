"""Logging in holds up to guessing: throttled password forms, and a second factor."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def _wrong(client, url, email, times):
    for _ in range(times):
        client.post(url, {"username": email, "password": "not-the-password"})


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, alice):
    _wrong(client, "/accounts/login/", alice.email, 30)
    response = client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    html = response.content.decode()
    assert "Too many login attempts" in html and "Try again in" in html


def test_a_few_typos_do_not_lock_anyone_out(client, alice):
    _wrong(client, "/accounts/login/", alice.email, 3)
    response = client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(alice.pk)


def test_the_admin_login_is_throttled_too(client, db):
    from cs360.models import User

    root = User.objects.create_superuser("root@example.test", PASSWORD)
    _wrong(client, "/admin/login/", root.email, 10)
    response = client.post("/admin/login/", {"username": root.email, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_an_admin_can_lift_a_lockout(client, alice):
    _wrong(client, "/accounts/login/", alice.email, 10)
    call_command("axes_reset_username", alice.email)
    response = client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302


def _log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def _enrol(client):
    """Go through the set-up page; return the confirmed device and the recovery codes."""
    page = client.get("/accounts/two-factor/?next=/a/riverton-pd/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    device = TOTPDevice.objects.get(confirmed=False)
    secret = page.context["secret"]
    assert secret in html
    response = client.post(
        "/accounts/two-factor/", {"code": _code(device), "next": "/a/riverton-pd/"}
    )
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_an_agency_that_requires_two_factor_sends_staff_to_set_it_up(client, dave, alice):
    riverton = dave.memberships.get().agency
    client.force_login(dave)
    response = client.post("/a/riverton-pd/members/two-factor/", {"require_two_factor": "on"})
    assert response.status_code == 302
    riverton.refresh_from_db()
    assert riverton.require_two_factor

    client.logout()
    _log_in(client, alice)
    response = client.get("/a/riverton-pd/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    # Not even an htmx fragment or another agency page slips through.
    response = client.get("/a/riverton-pd/map/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/two-factor/")

    device, codes = _enrol(client)
    assert client.get("/a/riverton-pd/").status_code == 200

    # Next time: password, then the app's code.
    client.logout()
    _log_in(client, alice)
    response = client.get("/a/riverton-pd/map/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    response = client.post(
        "/accounts/two-factor/verify/", {"code": "000000", "next": "/a/riverton-pd/map/"}
    )
    assert "That code is not right" in response.content.decode()
    assert client.get("/a/riverton-pd/map/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong try above slows the next one down
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    response = client.post(
        "/accounts/two-factor/verify/", {"code": _code(device), "next": "/a/riverton-pd/map/"}
    )
    assert response.status_code == 302 and response["Location"] == "/a/riverton-pd/map/"
    assert client.get("/a/riverton-pd/map/").status_code == 200


def test_partners_are_not_asked_and_other_agencies_are_unaffected(client, riverton, bob, erin):
    riverton.require_two_factor = True
    riverton.save()
    for user, url in [(bob, "/a/riverton-pd/"), (erin, "/a/state-u-pd/")]:
        client.logout()
        _log_in(client, user)
        assert client.get(url).status_code == 200


def test_a_recovery_code_works_once(client, riverton, alice):
    riverton.require_two_factor = True
    riverton.save()
    _log_in(client, alice)
    _device, codes = _enrol(client)
    for attempt in range(2):
        client.logout()
        _log_in(client, alice)
        response = client.post(
            "/accounts/two-factor/verify/", {"code": codes[0].upper(), "next": "/a/riverton-pd/"}
        )
        if attempt == 0:
            assert response.status_code == 302
            assert client.get("/a/riverton-pd/").status_code == 200
        else:
            assert "That code is not right" in response.content.decode()
            assert client.get("/a/riverton-pd/").status_code == 302
    assert StaticDevice.objects.get(user=alice).token_set.count() == 9


def test_a_superuser_needs_two_factor_in_production_settings(client, settings):
    from cs360.models import User

    settings.SUPERUSER_REQUIRES_TWO_FACTOR = True
    root = User.objects.create_superuser("root@example.test", PASSWORD)
    client.post("/admin/login/", {"username": root.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=%2Fadmin%2F")


def test_production_settings_turn_the_superuser_rule_on():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SUPERUSER_REQUIRES_TWO_FACTOR)"
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_SETTINGS_MODULE": "cs360.settings",
        "DATABASE_URL": "postgres://unused/unused",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"


def test_an_agency_admin_needs_the_role_to_change_the_rule(client, alice, riverton):
    client.force_login(alice)
    response = client.post("/a/riverton-pd/members/two-factor/", {"require_two_factor": "on"})
    assert response.status_code == 403
    riverton.refresh_from_db()
    assert not riverton.require_two_factor
