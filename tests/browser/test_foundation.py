"""The first minutes of a newcomer: log in, land on the agency, switch, accept an invitation."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cs360.models import Membership, Role
from tests.browser.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_logs_in_and_lands_on_their_agency_home(page, log_in, alice):
    log_in(page, alice)
    expect(page).to_have_url(re.compile(r"/a/riverton-pd/$"))
    expect(page.get_by_role("heading", name="Riverton Police Department")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()


def test_wrong_password_is_explained(page, alice):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(alice.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Please enter a correct e-mail address and password")).to_be_visible()


def test_person_in_two_agencies_switches_between_them(page, log_in, jordan, riverton, state_u):
    log_in(page, jordan)
    expect(page.get_by_role("heading", name="Choose an agency")).to_be_visible()
    page.get_by_role("link", name="Riverton Police Department").click()
    expect(page).to_have_url(re.compile(r"/a/riverton-pd/$"))
    page.get_by_role("button", name="Switch agency").click()
    page.get_by_role("link", name=re.compile("State University Police Department")).click()
    expect(page).to_have_url(re.compile(r"/a/state-u-pd/$"))
    expect(page.get_by_role("heading", name="State University Police Department")).to_be_visible()


def test_admin_invites_a_partner_who_accepts(page, browser, live_server, log_in, dave, riverton):
    log_in(page, dave)
    page.get_by_role("button", name=dave.get_short_name()).click()
    page.get_by_role("link", name="People and invitations").click()
    page.get_by_label("E-mail address").fill("new.partner@example.org")
    page.locator("#id_role").select_option(label="Partner")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.partner@example.org")).to_be_visible()
    shot(page, "foundation-member-list")

    link = re.search(r"http://[^/]+(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Riverton Police Department")).to_be_visible()
    newcomer.get_by_label("Your name").fill("Nia Partner")
    newcomer.get_by_label("Choose a password").fill("river-walk-2026")
    newcomer.get_by_label("Type the password again").fill("river-walk-2026")
    newcomer.get_by_role("button", name="Create my account and join").click()
    expect(newcomer).to_have_url(re.compile(r"/a/riverton-pd/$"))
    expect(newcomer.get_by_text("Welcome to Riverton Police Department")).to_be_visible()
    assert Membership.objects.get(user__email="new.partner@example.org").role == Role.PARTNER

    newcomer.context.clear_cookies()
    newcomer.goto(link)
    expect(newcomer.get_by_text("already been used")).to_be_visible()


def test_phone_navigation_opens_from_the_menu_button(phone_page, log_in, alice):
    log_in(phone_page, alice)
    menu = phone_page.get_by_role("button", name="Open the menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(phone_page.get_by_role("button", name=alice.get_short_name())).to_be_visible()
