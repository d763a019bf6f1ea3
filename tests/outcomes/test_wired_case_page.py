import html

from app.outcomes import services
from tests.dom import parse
from tests.helpers import sign_in
from tests.outcomes import support


def test_case_page_shows_the_panel(app):
    world = support.active_case(conditions=[], exit_steps_done=True)
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


def test_a_pending_proposal_reads_as_text_on_the_case_page(app):
    world = support.active_case(conditions=[], exit_steps_done=True)
    services.submit_outcome(world.keyworker, world.case.id, "completed", "All done")
    client = app.test_client()
    sign_in(client, world.keyworker)
    doc = parse(client.get(f"/cases/{world.case.id}"))
    pending = doc.by_test_id("outcome-panel").by_test_id("outcome-pending")
    assert pending.text.startswith("Completed proposed by Kim Keyworker on ")
    assert pending.text.endswith("Waiting for a supervisor's decision.")
    assert "<" not in doc.by_test_id("outcome-panel").text
