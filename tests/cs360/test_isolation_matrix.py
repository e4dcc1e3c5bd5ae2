"""Walk the URLconf and check every agency URL against every kind of visitor.

For each URL under /a/<agency_slug>/:
- an anonymous visitor is sent to log in;
- a member of another agency gets 404 (the slug does not even leak);
- a member below the view's role gets 403 (on reads, and on writes where writes need more);
- a member with the right role is let through.
New URLs are picked up without touching this file.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cs360.models import Role
from tests import url_params
from tests.conftest import member
from tests.factories import AgencyFactory


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else None, entry


def agency_urls():
    return [
        (route, name, entry)
        for route, name, entry in _walk(get_resolver().url_patterns)
        if route.startswith("a/<slug:agency_slug>/")
    ]


AGENCY_URLS = agency_urls()
IDS = [name or route for route, name, _ in AGENCY_URLS]


def _kwargs(name, entry, agency, user):
    kwargs = {"agency_slug": agency.slug}
    extra = [p for p in entry.pattern.converters if p != "agency_slug"]
    if not extra:
        return kwargs
    short_name = name.split(":")[-1] if name else None
    if name in url_params.BY_URL_NAME or short_name in url_params.BY_URL_NAME:
        maker = url_params.BY_URL_NAME.get(name) or url_params.BY_URL_NAME[short_name]
        kwargs.update(maker(agency, user))
        return kwargs
    for param in extra:
        if param not in url_params.BY_PARAM:
            pytest.fail(
                f"URL {name!r} has a parameter {param!r} the matrix cannot fill: "
                "add it to tests/url_params.py"
            )
        kwargs[param] = url_params.BY_PARAM[param](agency, user)
    return kwargs


def _url(route, kwargs):
    path = "/" + route
    for key, value in kwargs.items():
        for converter in ("slug", "int", "str", "uuid", "path"):
            path = path.replace(f"<{converter}:{key}>", str(value))
    assert "<" not in path, f"Could not fill every parameter of {route}"
    return path.replace("^", "").replace("$", "")


def test_there_are_agency_urls_to_check():
    assert len(AGENCY_URLS) >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "entry"), AGENCY_URLS, ids=IDS)
def test_every_agency_url_is_guarded(client, route, name, entry):
    view = entry.callback
    min_role = getattr(view, "agency_min_role", None)
    assert min_role is not None, f"{name} is an agency URL without @agency_view"
    write_role = view.agency_write_role

    home = AgencyFactory(name="Home PD", slug="home-pd")
    other = AgencyFactory(name="Other PD", slug="other-pd")
    right = member("right@home.test", home, min_role, "Right Role")
    url = _url(route, _kwargs(name, entry, home, right))

    # Anonymous: sent to the login page, for reads and writes.
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url

    # A member of another agency, even its admin: 404 for reads and writes.
    outsider = member("outsider@other.test", other, Role.ADMIN, "Other Admin")
    client.force_login(outsider)
    assert client.get(url).status_code == 404, url
    assert client.post(url).status_code == 404, url

    # Below the role: 403.
    lower_roles = [role for role in Role if role < min_role]
    if lower_roles:
        low = member("low@home.test", home, lower_roles[-1], "Low Role")
        client.force_login(low)
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    write_lower = [role for role in Role if min_role <= role < write_role]
    if write_lower:
        reader = member("reader@home.test", home, write_lower[-1], "Reader")
        client.force_login(reader)
        assert client.post(url).status_code == 403, f"write to {url} by a reader"

    # The right role is let through (405 is a POST-only URL answering a GET).
    client.force_login(right)
    status = client.get(url).status_code
    assert status in {200, 302, 405}, f"{url} answered {status} to a {min_role.label}"
    if status == 405 or write_role == min_role:
        status = client.post(url).status_code
        assert status not in {403, 404} and status < 500, f"{url} POST answered {status}"


# --- Object-level isolation ----------------------------------------------------------------

OBJECT_URLS = [
    (route, name, entry)
    for route, name, entry in AGENCY_URLS
    if set(entry.pattern.converters) - {"agency_slug"}
    and not (
        name in url_params.NOT_OBJECTS or (name or "").split(":")[-1] in url_params.NOT_OBJECTS
    )
]


def test_there_are_object_urls_to_check():
    assert len(OBJECT_URLS) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "name", "entry"), OBJECT_URLS, ids=[n or r for r, n, _ in OBJECT_URLS]
)
def test_another_agencys_objects_are_not_found(client, route, name, entry):
    """An admin of the home agency, at the home agency's URL, with the id of one of the other
    agency's objects (one parameter at a time, the others the home agency's own): 404,
    for reads and writes, full page and htmx."""
    view = entry.callback
    home = AgencyFactory(name="Home PD", slug="home-pd")
    other = AgencyFactory(name="Other PD", slug="other-pd")
    right = member("right@home.test", home, Role.ADMIN, "Home Admin")
    theirs = member("theirs@other.test", other, Role.ADMIN, "Other Admin")
    own = _kwargs(name, entry, home, right)
    foreign = _kwargs(name, entry, other, theirs)
    client.force_login(right)
    assert view.agency_min_role <= Role.ADMIN
    params = [p for p in own if p != "agency_slug"]
    for param in params:
        if own[param] == foreign[param]:
            continue  # Not an object (a model name, an area): nothing of theirs to try.
        url = _url(route, {**own, param: foreign[param]})
        for headers in ({}, {"HX-Request": "true"}):
            for method in (client.get, client.post):
                status = method(url, headers=headers).status_code
                assert status in {404, 405}, (
                    f"{method.__name__.upper()} {url} ({param} of Other PD"
                    f"{', htmx' if headers else ''}) answered {status}, not 404"
                )
        # The same URL with the home agency's own object is found: the 404 above is
        # isolation, not a broken URL.
        own_status = client.get(_url(route, own)).status_code
        assert own_status in {200, 302, 405}, f"{_url(route, own)} answered {own_status}"
