"""Pre-render the default public views after an import, so no visitor pays for the first view.

The worker that finished the import renders the overview and the explorer as an anonymous
visitor would see them. The results land in the shared cache under the new data version
(dashboard.queries keys everything by it), so every web process and host serves them from
there. Filters nobody has asked for yet are still computed on first request.
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

logger = logging.getLogger(__name__)

DEFAULT_VIEWS = ["public:overview", "public:explorer"]


def _anonymous_get(path):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.htmx = HtmxDetails(request)
    return request


def warm_public_views(agency) -> list[str]:
    """Render each default public view of `agency` once; return the paths that rendered.

    A failure is logged and skipped: the import it follows has already succeeded, and the
    page will simply be computed on its first visit.
    """
    from dashboard.views import public

    views = {"public:overview": public.overview, "public:explorer": public.explorer}
    warmed = []
    for name in DEFAULT_VIEWS:
        path = reverse(name, kwargs={"agency_slug": agency.slug})
        try:
            response = views[name](_anonymous_get(path), agency_slug=agency.slug)
        except Exception:
            logger.exception("Pre-rendering %s failed", path)
            continue
        if response.status_code == 200:
            warmed.append(path)
    return warmed
