"""Request-wide rules that hold before any view runs."""

import re

from csp.middleware import CSPMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _

# PostgreSQL cannot store a NUL character in text, and UTF-8 has no encoding for a lone
# surrogate: either one reaching a query raises an error deep in a view.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# An origin, nothing more: a stray quote or semicolon could otherwise add a directive.
_ORIGIN = re.compile(r"https://[A-Za-z0-9.-]+(:\d+)?\Z")


def _unstorable(request):
    """The name of the first parameter (or path) PostgreSQL would reject, or None."""
    if _UNSTORABLE.search(request.path_info):
        return _("the address")
    sources = [request.GET, request.COOKIES]
    if request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key in source:
            values = source.getlist(key) if hasattr(source, "getlist") else [source[key]]
            if _UNSTORABLE.search(key) or any(_UNSTORABLE.search(v) for v in values):
                return _UNSTORABLE.sub("", key)
    if request.method == "POST":
        for upload in request.FILES.values():
            if _UNSTORABLE.search(upload.name or ""):
                return _("the file name")
    return None


class InputHygieneMiddleware:
    """Refuse (400) a request carrying characters no field can store, whatever the view.

    Refusing beats stripping: text is never silently changed, and a NUL byte in a form is
    never typed by a person, only sent by a tool, so a clear "Bad request" page is the right
    answer. Django's own form fields already reject NUL; this covers parameters that views
    read directly (search boxes, filters, cookies) and the URL path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _unstorable(request)
        if where is not None:
            message = _(
                "This request contains a character that cannot be stored (a NUL byte or an "
                "unpaired surrogate) in %(where)s. Remove it and try again."
            ) % {"where": where}
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the map tile origins a view asks for.

    A view that shows a map with an external tile source sets
    `request.csp_map_origins = ["https://tiles.example.org"]`; those origins are allowed as
    images and connections for that response only, so no other page can load from them.
    """

    def process_response(self, request, response):
        origins = [o for o in getattr(request, "csp_map_origins", None) or () if _ORIGIN.match(o)]
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            for directive in ("img-src", "connect-src"):
                update[directive] = [*update.get(directive, ()), *origins]
            response._csp_update = update
        return super().process_response(request, response)
