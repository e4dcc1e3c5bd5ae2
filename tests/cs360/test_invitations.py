import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cs360.models import Invitation, Membership, Role, User


def invite(client, agency, email="newcomer@example.org", role=Role.STAFF):
    response = client.post(
        f"/a/{agency.slug}/members/", {"email": email, "role": role}, follow=True
    )
    assert response.status_code == 200
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    return link


def test_admin_invites_and_the_link_creates_an_account_that_joins(
    client_for, dave, riverton, client
):
    link = invite(client_for(dave), riverton)
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    client.logout()

    page = client.get(link)
    assert page.status_code == 200 and b"Join Riverton Police Department" in page.content
    response = client.post(
        link,
        {
            "full_name": "New Comer",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/a/riverton-pd/"
    user = User.objects.get(email="newcomer@example.org")
    assert Membership.objects.get(user=user, agency=riverton).role == Role.STAFF
    assert client.get("/a/riverton-pd/").status_code == 200  # Logged in straight away.


def test_reused_link_grants_nothing_and_says_so(client_for, dave, riverton, client):
    link = invite(client_for(dave), riverton)
    client.logout()
    data = {"full_name": "N", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"}
    client.post(link, data)
    client.logout()
    again = client.post(link, data)
    assert again.status_code == 410
    assert b"already been used" in again.content
    assert User.objects.filter(email="newcomer@example.org").count() == 1


def test_expired_link_grants_nothing_and_says_so(client_for, dave, riverton, client):
    link = invite(client_for(dave), riverton)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.post(
        link,
        {"full_name": "N", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not User.objects.filter(email="newcomer@example.org").exists()


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x"]
)
def test_tampered_link_grants_nothing_and_says_so(client_for, dave, riverton, client, mangle):
    link = invite(client_for(dave), riverton)
    token = link.strip("/").split("/")[-1]
    client.logout()
    response = client.post(
        f"/invitations/{mangle(token)}/",
        {"full_name": "N", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 410
    assert b"not valid" in response.content
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_withdrawn_invitation_no_longer_works(client_for, dave, riverton, client):
    link = invite(client_for(dave), riverton)
    invitation = Invitation.objects.get()
    client_for(dave).post(f"/a/riverton-pd/invitations/{invitation.pk}/revoke/")
    client.logout()
    assert b"withdrawn" in client.get(link).content


def test_a_new_invitation_replaces_the_pending_one(client_for, dave, riverton, client):
    first = invite(client_for(dave), riverton)
    second = invite(client, riverton)
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_existing_account_joins_after_logging_in(client_for, dave, carol, riverton, client):
    link = invite(client_for(dave), riverton, email=carol.email, role=Role.PARTNER)
    client.logout()
    assert b"already exists" in client.get(link).content
    client.force_login(carol)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=carol, agency=riverton).role == Role.PARTNER


def test_logged_in_as_someone_else_is_refused(client_for, dave, riverton, alice):
    link = invite(client_for(dave), riverton, email="someone@example.org")
    client = client_for(alice)
    response = client.post(link)
    assert response.status_code == 410
    assert b"logged in as alice@riverton.test" in response.content
    assert not Membership.objects.filter(user__email="someone@example.org").exists()


def test_mismatched_passwords_are_explained(client_for, dave, riverton, client):
    link = invite(client_for(dave), riverton)
    client.logout()
    response = client.post(
        link,
        {"full_name": "N", "password1": "a-long-pass-phrase", "password2": "other-pass-phrase"},
    )
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_inviting_an_existing_member_is_refused(client_for, dave, alice, riverton):
    response = client_for(dave).post(
        "/a/riverton-pd/members/", {"email": alice.email, "role": Role.STAFF}
    )
    assert response.status_code == 200
    assert b"already a member" in response.content
    assert not Invitation.objects.exists()


def test_token_is_stored_only_as_a_hash(client_for, dave, riverton):
    link = invite(client_for(dave), riverton)
    token = link.strip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash != token
    assert invitation.token_hash == Invitation.hash_token(token)
