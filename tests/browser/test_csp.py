"""The main pages run under the Content-Security-Policy with 0 violations (the tab fixtures
fail a test on any), charts included, and plotly's MapLibre map draws under it too."""

import pytest
from playwright.sync_api import expect

from tests import url_params
from tests.dashboard.public_data import finish_import, publish, records

pytestmark = pytest.mark.django_db(transaction=True)


def test_main_pages_load_with_no_csp_violation(page, log_in, alice, riverton):
    publish(riverton)
    records(riverton, 200)
    finish_import(riverton)
    team = url_params._team(riverton, alice)
    round_ = url_params._scanning_round(riverton, alice)
    for path in ["/p/riverton-pd/", "/p/riverton-pd/open-data/", "/p/riverton-pd/data/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    # plotly (the strict bundle) drew the explorer's charts.
    expect(page.locator(".chart-box.is-drawn svg").first).to_be_attached(timeout=30_000)

    log_in(page, alice)
    for path in [
        "/a/riverton-pd/",
        "/a/riverton-pd/map/",
        team.get_absolute_url(),
        round_.get_absolute_url(),
        "/a/riverton-pd/scanning/synthesis/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")


def test_inline_script_is_blocked_and_reported(page, riverton):
    """The net the fixture relies on works: an injected inline script is refused and seen."""
    from tests.browser.conftest import csp_violations

    page.goto("/p/riverton-pd/")
    page.evaluate(
        """() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ran === undefined")
    assert any("script-src" in v for v in csp_violations(page))
    csp_violations(page).clear()  # expected here; any other would fail the test


def test_plotly_map_traces_draw_under_the_policy(page, riverton):
    publish(riverton)
    records(riverton, 50)
    finish_import(riverton)
    page.goto("/p/riverton-pd/data/")
    page.wait_for_function("() => window.Plotly !== undefined")
    page.evaluate(
        """() => {
        const div = document.createElement('div');
        div.id = 'csp-map'; div.style.width = '600px'; div.style.height = '400px';
        document.querySelector('main').appendChild(div);
        const trace = {type: 'scattermap', lat: [41.88, 41.89], lon: [-87.63, -87.62]};
        const map = {style: 'white-bg', center: {lat: 41.88, lon: -87.63}, zoom: 11};
        return Plotly.newPlot(div, [trace], {map: map});
        }"""
    )
    expect(page.locator("#csp-map canvas").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(1000)
