"""Characters PostgreSQL cannot store are refused with a clear 400, wherever they come in."""

import pytest

pytestmark = pytest.mark.django_db

MESSAGE = "contains a character that cannot be stored"


@pytest.mark.parametrize(
    "url", ["/a/riverton-pd/map/people/?q=%00", "/a/riverton-pd/scanning/synthesis/?q=a%00b"]
)
def test_a_nul_byte_in_a_search_box_is_a_400_not_a_500(client_for, alice, url):
    response = client_for(alice).get(url)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_nul_byte_in_a_form_post_path_or_cookie_is_refused(client_for, alice):
    client = client_for(alice)
    response = client.post("/a/riverton-pd/map/organizations/new/", {"name": "Tenants\x00"})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    response = client.get("/a/riverton-pd/map/cell/%00/ngo/add/")
    assert response.status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/a/riverton-pd/").status_code == 400


def test_a_nul_byte_on_a_public_page_is_refused_too(client, riverton):
    response = client.get("/p/riverton-pd/data/?district=%00")
    assert response.status_code == 400 and MESSAGE in response.content.decode()


def test_ordinary_text_passes_untouched(client_for, alice):
    response = client_for(alice).get("/a/riverton-pd/map/people/?q=Ñandú+🚔+O'Brien")
    assert response.status_code == 200
