from cs360.models import Membership, Role


def test_admin_changes_a_role(client_for, dave, alice, riverton):
    membership = Membership.objects.get(user=alice)
    client_for(dave).post(f"/a/riverton-pd/members/{membership.pk}/role/", {"role": Role.ADMIN})
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_the_last_admin_cannot_step_down(client_for, dave, riverton):
    membership = Membership.objects.get(user=dave)
    response = client_for(dave).post(
        f"/a/riverton-pd/members/{membership.pk}/role/", {"role": Role.STAFF}, follow=True
    )
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert b"last admin" in response.content


def test_the_last_admin_cannot_be_removed(client_for, dave, riverton):
    membership = Membership.objects.get(user=dave)
    response = client_for(dave).post(f"/a/riverton-pd/members/{membership.pk}/remove/", follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert b"last admin" in response.content


def test_admin_removes_a_member(client_for, dave, bob, riverton):
    membership = Membership.objects.get(user=bob)
    client_for(dave).post(f"/a/riverton-pd/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert client_for(bob).get("/a/riverton-pd/").status_code == 404


def test_admin_cannot_touch_another_agencys_member(client_for, dave, carol):
    membership = Membership.objects.get(user=carol)
    response = client_for(dave).post(f"/a/riverton-pd/members/{membership.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_bad_role_value_is_refused_clearly(client_for, dave, alice):
    membership = Membership.objects.get(user=alice)
    response = client_for(dave).post(
        f"/a/riverton-pd/members/{membership.pk}/role/", {"role": "99"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.role == Role.STAFF
    assert b"Choose one of the listed roles" in response.content


def test_staff_and_partners_cannot_manage_people(client_for, alice, bob, dave, riverton):
    target = Membership.objects.get(user=dave)
    for user in (alice, bob):
        client = client_for(user)
        assert client.get("/a/riverton-pd/members/").status_code == 403
        invite = client.post("/a/riverton-pd/members/", {"email": "x@example.org", "role": 30})
        assert invite.status_code == 403
        remove = client.post(f"/a/riverton-pd/members/{target.pk}/remove/")
        assert remove.status_code == 403
        promote = client.post(f"/a/riverton-pd/members/{target.pk}/role/", {"role": Role.PARTNER})
        assert promote.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.ADMIN
    assert not riverton.invitations.exists()
