"""A URLconf for the CSP tests: one page that shows a map with an external tile source."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def map_page(request):
    request.csp_map_origins = ["https://tiles.example.org", "https://x.test; script-src *"]
    return HttpResponse("<p>map</p>")


urlpatterns = [path("map-test/", map_page), path("", include("cs360.urls"))]
