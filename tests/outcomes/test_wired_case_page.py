import html

from app.outcomes import services
from tests.helpers import sign_in
from tests.outcomes import support


def test_case_page_shows_the_panel(app):
    world = support.active_case(conditions=[])
    client = app.test_client()
    sign_in(client, world.keyworker)
    text = html.unescape(client.get(f"/cases/{world.case.id}").get_data(as_text=True))
    assert "Propose the outcome" in text
    services.submit_outcome(world.supervisor, world.case.id, "completed")
    text = html.unescape(client.get(f"/cases/{world.case.id}").get_data(as_text=True))
    assert "Crime outcome 24 (deferred prosecution, adult)" in text
    assert "Outcome decided: completed" in text
    sup = app.test_client()
    sign_in(sup, world.supervisor)
    assert "Outcomes to decide" in sup.get("/outcomes/proposals").get_data(as_text=True)
