"""Two staff edit the same thing: the second save is refused, naming who changed what.

Each case opens the edit page as two people, saves a change as the first, then submits the
second person's stale form. The form data is read off the page's own form, as a browser
would send it, so every field (hidden token included) goes through the client.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cs360.models import Role
from tests import url_params
from tests.conftest import member

# (URL name, context name of the form, extra POST keys, field, first value, second value).
CASES = [
    ("communitymap:affiliation-edit", "form", {}, "role_title", "Chair", "Treasurer"),
    ("communitymap:person-detail", "form", {}, "phone", "555-0101", "555-0202"),
    ("teams:team-edit", "form", {}, "name", "Green St PST", "Elm St PST"),
    ("teams:member-edit", "form", {}, "sector", "community", "government"),
    ("teams:goal-edit", "form", {}, "statement", "Fewer burglaries", "Safer nights"),
    ("teams:metric-edit", "form", {}, "name", "Burglaries a month", "Break-ins"),
    ("teams:meeting-detail", "record_form", {"form": "record"}, "minutes", "We met.", "We sat."),
    (
        "teams:sara-detail",
        "scanning_form",
        {"section": "scanning"},
        "problem_statement",
        "Night burglaries on Green St",
        "Thefts from cars on Elm St",
    ),
    (
        "teams:sara-detail",
        "analysis_form",
        {"section": "analysis"},
        "offender",
        "Two known burglars",
        "Juveniles after school",
    ),
    ("scanning:activity-edit", "form", {}, "title", "Block meeting", "Focus group"),
    ("scanning:input-edit", "form", {}, "text", "Too dark at night.", "Cars speed here."),
    ("scanning:candidate-edit", "form", {}, "title", "Dark streets", "Speeding"),
]


def form_data(form):
    """What a browser submits for an unbound form as rendered."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, datetime.datetime):
            value = value.isoformat()[:16]
        data[bound.html_name] = value
    return data


def kwargs_for(name, agency, user):
    """The URL's parameters, filled the way the permission matrix fills them."""
    from tests.cs360.test_isolation_matrix import AGENCY_URLS, _kwargs

    entry = next(e for _r, n, e in AGENCY_URLS if n == name)
    return _kwargs(name, entry, agency, user)


@pytest.mark.parametrize(
    ("name", "context_name", "extra", "field", "first", "second"),
    CASES,
    ids=[f"{case[0]}-{case[3]}" for case in CASES],
)
def test_second_save_is_refused_with_what_changed(
    riverton, name, context_name, extra, field, first, second
):
    ann = member("ann@riverton.test", riverton, Role.ADMIN, "Ann First")
    ben = member("ben@riverton.test", riverton, Role.ADMIN, "Ben Second")
    url = reverse(name, kwargs=kwargs_for(name, riverton, ann))
    if name.startswith("teams:"):
        url_params._team(riverton, ben)  # Ben sits on the team too.
    ann_client, ben_client = Client(), Client()
    ann_client.force_login(ann)
    ben_client.force_login(ben)
    ann_form = ann_client.get(url).context[context_name]
    ben_form = ben_client.get(url).context[context_name]
    key = ann_form[field].html_name

    ann_data = {**form_data(ann_form), **extra, key: first}
    response = ann_client.post(url, ann_data)
    assert response.status_code == 302 or not response.context[context_name].errors, (
        response.context[context_name].errors
    )
    ben_data = {**form_data(ben_form), **extra, key: second}
    assert ben_data["seen_version" if "-" not in key else key.split("-")[0] + "-seen_version"]

    refused = ben_client.post(url, ben_data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Ann First saved this" in text and "your changes were not saved" in text
    assert first in text, "the conflict message shows what the first person saved"
    assert getattr(ann_form.instance.__class__.objects.get(pk=ann_form.instance.pk), field) == first

    # Having seen the conflict, Ben saves again on purpose: now it goes through.
    again = refused.context[context_name]
    token_key = again.add_prefix("seen_version")
    ben_data[token_key] = again.data[token_key]
    assert ben_client.post(url, ben_data).status_code in {200, 302}
    assert (
        getattr(ann_form.instance.__class__.objects.get(pk=ann_form.instance.pk), field) == second
    )


def test_a_tampered_token_is_refused(client_for, riverton):
    ann = member("ann@riverton.test", riverton, Role.ADMIN, "Ann First")
    url = reverse("teams:goal-edit", kwargs=kwargs_for("teams:goal-edit", riverton, ann))
    client = client_for(ann)
    data = {**form_data(client.get(url).context["form"]), "seen_version": "forged"}
    response = client.post(url, data)
    assert response.status_code == 200 and "tampered" in response.content.decode()


def test_saving_twice_through_htmx_is_not_a_conflict_with_oneself(riverton):
    ann = member("ann@riverton.test", riverton, Role.ADMIN, "Ann First")
    url = reverse("teams:sara-detail", kwargs=kwargs_for("teams:sara-detail", riverton, ann))
    client = Client()
    client.force_login(ann)
    htmx = {"HX-Request": "true"}
    form = client.get(url).context["scanning_form"]
    key = form["problem_statement"].html_name
    data = {**form_data(form), "section": "scanning", key: "Burglaries at night"}
    response = client.post(url, data, headers=htmx)
    again = response.context["scanning_form"]
    data = {**form_data(again), "section": "scanning", key: "Burglaries after dark"}
    data.update({k: v for k, v in again.data.items() if k.endswith("seen_version")})
    response = client.post(url, data, headers=htmx)
    assert "were not saved" not in response.content.decode()
    assert again.instance.__class__.objects.get(pk=again.instance.pk).problem_statement == (
        "Burglaries after dark"
    )
