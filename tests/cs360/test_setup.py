"""What a newcomer meets first: the printed address and the browser's first requests."""

import io

from django.contrib.staticfiles import finders
from django.core.management import call_command


def test_demo_logins_print_the_address_make_run_serves():
    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8101/", stdout=out)
    assert "Open http://127.0.0.1:8101/ and log in" in out.getvalue()
    assert "8000" not in out.getvalue()


def test_favicon_is_found_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")
