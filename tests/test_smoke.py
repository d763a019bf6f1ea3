from urllib.parse import parse_qs, urlsplit

from tests import factories
from tests.factories import PASSWORD, next_code
from tests.helpers import post_form, sign_in


def test_keyworker_signs_in_and_lands_on_caseload(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert "Your caseload" in response.get_data(as_text=True)


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for(client):
    admin = factories.user("admin")
    location = client.get("/audit/?page=2").headers["Location"]
    assert urlsplit(location).path == "/sign-in"
    next_path = parse_qs(urlsplit(location).query)["next"][0]
    assert next_path == "/audit/?page=2"
    post_form(client, location, {"email": admin.email, "password": PASSWORD})
    response = post_form(client, "/sign-in/code", {"code": next_code(admin)})
    assert response.headers["Location"] == "/audit/?page=2"
