"""Content-Security-Policy on every response: no inline script, no eval, maps opt in."""

import re
from pathlib import Path

import plotly.offline
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _policy(response):
    parts = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in parts if words}


@pytest.mark.parametrize("debug", [False, True])
def test_every_kind_of_page_carries_the_policy(client, alice, riverton, settings, debug):
    settings.DEBUG = debug  # make serve runs with DEBUG off
    responses = [client.get("/accounts/login/"), client.get("/p/riverton-pd/")]
    responses.append(client.get("/a/riverton-pd/map/people/?q=%00"))  # the 400 page
    client.force_login(alice)
    responses += [client.get("/a/riverton-pd/"), client.get("/a/riverton-pd/map/")]
    for response in responses:
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], response.request["PATH_INFO"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_a_map_page_adds_only_its_tile_origin(client, settings):
    settings.ROOT_URLCONF = "tests.csp_urls"
    policy = _policy(client.get("/map-test/"))
    assert "https://tiles.example.org" in policy["img-src"]
    assert "https://tiles.example.org" in policy["connect-src"]
    assert not any("x.test" in value for values in policy.values() for value in values)
    assert policy["script-src"] == ["'self'"]
    other_page = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "https://tiles.example.org" not in other_page


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", re.I)
HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def _templates():
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            yield path.relative_to(ROOT), path.read_text()


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for name, text in _templates():
        found += [f"{name}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{name}: {m.group(0).strip()}" for m in HANDLER.finditer(text)]
        found += [f"{name}: javascript: URL" for _ in re.finditer(r"javascript:", text, re.I)]
    assert not found, "Move these into static/js (the CSP blocks them):\n" + "\n".join(found)


def test_the_plotly_bundle_is_the_strict_one_for_the_python_plotly_version():
    bundle = ROOT / "static/vendor/plotly/plotly-strict.min.js"
    head = bundle.read_text()[:200]
    assert "strict" in head
    assert f"v{plotly.offline.get_plotlyjs_version()}" in head
    assert (
        "vendor/plotly/plotly-strict.min.js"
        in (ROOT / "templates/dashboard/public_base.html").read_text()
    )
