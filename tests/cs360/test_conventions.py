"""House rules that are easy to forget, checked on every run."""

import ast
import inspect
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
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


def url_view_modules():
    """Every module that holds a view of the URLconf, found from the URLs, not file names."""
    modules = set()
    for _route, _name, entry in _walk(get_resolver().url_patterns):
        view = inspect.unwrap(entry.callback)
        module = getattr(view, "__module__", "")
        if module.split(".")[0] in PROJECT_APPS:
            modules.add(module)
    return sorted(modules)


LOOKUPS = {"get_object_or_404", "get_list_or_404"}
MODELS_BY_NAME = {model.__name__: model for model in apps.get_models()}


def model_lookups(module_name):
    """`get_object_or_404(<Model>, ...)` calls in a module, the model resolved by name."""
    module = sys.modules[module_name]
    tree = ast.parse(inspect.getsource(module))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called not in LOOKUPS:
            continue
        target = node.args[0]
        value = None
        if isinstance(target, ast.Name):
            # A name the module does not define yet is judged by the models' class names.
            value = getattr(module, target.id, None) or MODELS_BY_NAME.get(target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            value = getattr(getattr(module, target.value.id, None), target.attr, None)
        if isinstance(value, type) and issubclass(value, models.Model):
            found.append(f"{module_name}:{node.lineno} get_object_or_404({value.__name__}, ...)")
    return found


VIEW_MODULES = url_view_modules()


def test_view_modules_are_found_from_the_urlconf():
    assert {m.split(".")[0] for m in VIEW_MODULES} >= {"communitymap", "teams", "scanning"}


@pytest.mark.parametrize("module_name", VIEW_MODULES)
def test_views_look_objects_up_through_the_tenant(module_name):
    """`get_object_or_404(request.agency.teams, pk=...)`, never `get_object_or_404(Team, ...)`:
    a lookup by model class finds any agency's object."""
    offenders = model_lookups(module_name)
    assert not offenders, f"Lookups by model class in views: {offenders}; start from request.agency"


def test_the_lookup_check_catches_a_model_class(tmp_path, monkeypatch):
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "from cs360.models import Agency\n"
        "def view(request, pk):\n"
        "    return get_object_or_404(Agency, pk=pk)\n"
        "def fine(request, pk):\n"
        "    return get_object_or_404(request.agency.memberships, pk=pk)\n"
    )
    (tmp_path / "lookup_probe.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("lookup_probe")
    try:
        assert model_lookups("lookup_probe") == ["lookup_probe:4 get_object_or_404(Agency, ...)"]
    finally:
        sys.modules.pop("lookup_probe", None)


# --- History without holes -----------------------------------------------------------------

BULK_WRITES = {"update", "bulk_create", "bulk_update"}

# Functions allowed a bulk write of a history-tracked model, each because it records the
# history itself or writes only fields history leaves out.
HISTORY_RECORDED_ELSEWHERE: dict[str, str] = {}


def tracked_names():
    """Model class names and relation accessors that lead to a history-tracked model."""
    names = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        if not hasattr(model, "history"):
            continue
        label = f"{model._meta.app_label}.{model.__name__}"
        names[model.__name__] = label
        for field in model._meta.get_fields():
            if field.many_to_one and field.remote_field and field.concrete:
                names[field.remote_field.get_accessor_name()] = label
    return names


def service_modules():
    """Every module of the apps that may write (services wherever they live), but not
    migrations or the demo data builders."""
    for app in PROJECT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if (
                "migrations" in path.parts
                or path.stem.startswith("demo")
                or "public_demo" in path.stem
            ):
                continue
            yield path


def receiver_names(node):
    """The names along `a.b(...).c.filter(...)`, outermost last, stopping at `.history`."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def untracked_bulk_writes(path, names):
    tree = ast.parse(path.read_text())
    parts = (
        path.relative_to(ROOT).with_suffix("").parts if path.is_relative_to(ROOT) else [path.stem]
    )
    module = ".".join(parts)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in BULK_WRITES:
                continue
            chain = receiver_names(node.func.value)
            if "history" in chain:
                continue  # Writing to the history tables themselves (redaction).
            models_hit = [names[n] for n in chain if n in names]
            if models_hit:
                found.append(
                    (f"{module}:{function.name}", f"{path.name}:{node.lineno} {models_hit[0]}")
                )
    return found


def test_service_writes_keep_history():
    """`.update()`, `bulk_create()` and `bulk_update()` skip django-simple-history: a
    service that uses them on a tracked model must record history itself (allow-listed)."""
    names = tracked_names()
    allowed = set(HISTORY_RECORDED_ELSEWHERE)
    offenders = [
        f"{where} in {function}"
        for path in service_modules()
        for function, where in untracked_bulk_writes(path, names)
        if function not in allowed
    ]
    assert not offenders, f"Bulk writes that leave no history: {offenders}"


def test_the_history_check_sees_a_bulk_write(tmp_path):
    probe = tmp_path / "services.py"
    probe.write_text(
        "def rename(*, agency):\n"
        "    agency.organizations.filter(name='x').update(name='y')\n"
        "def fine(*, agency):\n"
        "    agency.organizations.history.filter(name='x').update(name='')\n"
    )
    found = untracked_bulk_writes(probe, tracked_names())
    assert [w.split(" ")[-1] for _f, w in found] == ["communitymap.Organization"]
