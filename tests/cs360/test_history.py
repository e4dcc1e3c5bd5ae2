from cs360.models import Membership, Role


def test_role_change_is_recorded_with_who_and_what(client_for, dave, alice, riverton):
    membership = Membership.objects.get(user=alice)
    client = client_for(dave)
    client.post(f"/a/riverton-pd/members/{membership.pk}/role/", {"role": Role.ADMIN})
    latest = membership.history.latest()
    assert latest.history_user == dave
    assert latest.role == Role.ADMIN

    page = client.get(f"/a/riverton-pd/history/cs360/membership/{membership.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Changed" in text and "Dave Admin" in text


def test_history_of_a_deleted_record_is_still_readable(client_for, dave, bob, riverton):
    membership = Membership.objects.get(user=bob)
    client = client_for(dave)
    client.post(f"/a/riverton-pd/members/{membership.pk}/remove/")
    page = client.get(f"/a/riverton-pd/history/cs360/membership/{membership.pk}/")
    assert page.status_code == 200
    assert b"Deleted" in page.content


def test_history_of_another_agencys_record_is_not_found(client_for, dave, carol):
    membership = Membership.objects.get(user=carol)
    page = client_for(dave).get(f"/a/riverton-pd/history/cs360/membership/{membership.pk}/")
    assert page.status_code == 404


def test_history_of_unknown_kind_is_not_found(client_for, dave):
    assert client_for(dave).get("/a/riverton-pd/history/cs360/nothing/1/").status_code == 404
    assert client_for(dave).get("/a/riverton-pd/history/cs360/user/1/").status_code == 404


def test_a_replaced_invitation_records_its_revocation_and_who(dave, riverton, mailoutbox):
    from cs360 import services

    first = services.invite_member(
        agency=riverton, email="new@x.test", role=Role.STAFF, invited_by=dave, base_url="/"
    )
    services.invite_member(
        agency=riverton, email="new@x.test", role=Role.STAFF, invited_by=dave, base_url="/"
    )
    latest = first.history.latest()
    assert latest.revoked_at is not None and latest.history_user == dave


def test_replaced_boundaries_are_recorded_with_who(dave, riverton):
    from dashboard import services
    from dashboard.models import Boundary

    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    features = [{"type": "Feature", "properties": {"DIST": "1"}, "geometry": square}]
    for _ in range(2):
        services.replace_boundaries(
            agency=riverton,
            layer="district",
            features=features,
            code_property="DIST",
            name_property="DIST",
            uploaded_by=dave,
        )
    records = Boundary.history.filter(agency=riverton)
    assert [r.history_type for r in records.order_by("history_id")] == ["+", "-", "+"]
    assert {r.history_user for r in records} == {dave}
