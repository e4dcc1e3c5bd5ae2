"""Every URL, every form field and query parameter, hostile values: never a 500.

The URLconf is walked as the isolation matrix walks it (parameters filled the same way, from
tests/url_params.py). For each page, the field names are read from its own HTML (every
input, select and textarea) and sent back, all at once, with each hostile value, by GET and
by POST, as an agency admin and as an anonymous visitor.
"""

import re

import pytest
from django.urls import get_resolver

from cs360.models import Role
from tests.conftest import member
from tests.cs360.test_isolation_matrix import _kwargs, _url, _walk
from tests.dashboard.public_data import finish_import, publish, records
from tests.factories import AgencyFactory

HOSTILE = {
    "nul": "\x00",
    "long": "x" * 20_000,
    "negative": "-1",
    "huge": "99999999999999999999",
    "wrong-type": "[]{}',;--",
    "unicode": "Ñandú 🚔 \u202e\ufeff مرحبا",
}
# Beside the page's own fields, the names views commonly read straight from the query string.
COMMON_PARAMS = ["q", "page", "sort", "next", "as", "kind", "theme", "status", "start", "end"]
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
PUBLIC_FILL = {
    "chart": "by-district",
    "dataset": "incidents",
    "fmt": "csv",
    "token": "not-a-token",
    "uidb64": "MQ",
}
SKIP = ("admin/",)  # Django's own admin is Django's to fuzz.


def _urls():
    for route, name, entry in _walk(get_resolver().url_patterns):
        if not route.startswith(SKIP):
            yield pytest.param(route, name, entry, id=name or route)


def _numeric(entry):
    return [k for k, c in entry.pattern.converters.items() if c.regex == "[0-9]+"]


ID_URLS = [p for p in _urls() if p.values[0].startswith("a/") and _numeric(p.values[2])]


def _fill(route, name, entry, agency, user):
    if route.startswith("a/<slug:agency_slug>/"):
        return _url(route, _kwargs(name, entry, agency, user))
    values = {"agency_slug": agency.slug, **PUBLIC_FILL}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def _hit(client, url, fields):
    for key, value in HOSTILE.items():
        data = dict.fromkeys(fields, value)
        for method in (client.get, client.post):
            status = method(url, data).status_code
            assert status < 500, f"{method.__name__.upper()} {url} with {key} values: {status}"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "entry"), list(_urls()))
def test_hostile_values_never_cause_a_500(client, route, name, entry):
    home = AgencyFactory(name="Home PD", slug="home-pd")
    publish(home)
    records(home, 12)
    finish_import(home)
    admin = member("admin@home.test", home, Role.ADMIN, "Home Admin")
    url = _fill(route, name, entry, home, admin)
    _hit(client, url, COMMON_PARAMS)  # anonymous
    client.force_login(admin)
    page = client.get(url)
    html = page.content.decode(errors="replace") if not page.streaming else ""
    fields = sorted({*FIELD.findall(html), *COMMON_PARAMS} - {"csrfmiddlewaretoken"})
    _hit(client, url, fields)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "entry"), ID_URLS)
def test_huge_ids_in_the_path_are_not_found_not_a_500(client, route, name, entry):
    ints = _numeric(entry)
    home = AgencyFactory(name="Home PD", slug="home-pd")
    admin = member("admin@home.test", home, Role.ADMIN, "Home Admin")
    kwargs = {**_kwargs(name, entry, home, admin), **dict.fromkeys(ints, 99999999999999999999)}
    url = _url(route, kwargs)
    client.force_login(admin)
    for method in (client.get, client.post):
        assert method(url).status_code in {404, 405}, url
