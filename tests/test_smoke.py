from tests import factories
from tests.helpers import sign_in


def test_keyworker_signs_in_and_lands_on_caseload(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert "Your caseload" in response.get_data(as_text=True)
