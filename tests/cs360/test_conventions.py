"""House rules that are easy to forget, checked on every run."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import get_resolver

from tests.cs360.test_isolation_matrix import _walk

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ["cs360", "communitymap", "teams", "scanning", "dashboard"]
# Models that belong to an agency but are bulk data, not edits by a person; their imports
# are recorded as import batches instead of row-by-row history.
HISTORY_EXEMPT: set[str] = {"scanning.Ballot", "cs360.Invitation", "dashboard.PoliceRecord"}


def view_files():
    for app in PROJECT_APPS:
        single = ROOT / app / "views.py"
        if single.exists():
            yield single
        yield from sorted((ROOT / app / "views").glob("*.py"))


@pytest.mark.parametrize("path", list(view_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_start_queries_from_the_tenant(path):
    """Views never write `Model.objects`: every query starts from request.agency."""
    tree = ast.parse(path.read_text())
    offenders = [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert not offenders, f"`.objects` used in views: {offenders}; start from request.agency"


def test_every_agency_url_uses_the_gatekeeper():
    missing = [
        route
        for route, _name, entry in _walk(get_resolver().url_patterns)
        if route.startswith("a/<slug:agency_slug>/")
        and not hasattr(entry.callback, "agency_min_role")
    ]
    assert not missing, f"Agency URLs without @agency_view: {missing}"


def test_public_urls_are_explicitly_public():
    """Public pages opt out of login on purpose, and never sit under /a/."""
    for route, _name, entry in _walk(get_resolver().url_patterns):
        if route.startswith("p/<slug:agency_slug>/"):
            assert getattr(entry.callback, "login_required", True) is False, (
                f"{route} is a public URL without @login_not_required"
            )
            assert not hasattr(entry.callback, "agency_min_role"), route


def test_every_agency_model_keeps_history():
    """Who changed what: every model that belongs to an agency records its history."""
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if model._meta.app_label not in PROJECT_APPS or label in HISTORY_EXEMPT:
            continue
        if model.__name__.startswith("Historical"):
            continue
        has_agency = any(f.name == "agency" for f in model._meta.fields)
        if has_agency and not hasattr(model, "history"):
            missing.append(label)
    assert not missing, f"Agency models without history = HistoricalRecords(): {missing}"


def test_lower_apps_never_import_higher_apps():
    """Dependencies point one way: cs360 <- communitymap <- teams <- scanning <- dashboard."""
    problems = []
    for index, app in enumerate(PROJECT_APPS):
        higher = set(PROJECT_APPS[index + 1 :])
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] in higher:
                        problems.append(f"{path.relative_to(ROOT)} imports {name}")
    # The root URLconf includes every app by dotted string, which is not an import.
    assert not problems, problems
