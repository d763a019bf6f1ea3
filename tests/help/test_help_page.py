"""The help page: the scheme, every status and code as the hub names them, the four Rs,
the timescales the hub keeps to, and who to contact; readable signed in or out, and
linked from every page's footer."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.contracts.models import ConditionType
from app.dates import CONTRACT_DAYS
from app.help import content
from app.outcomes.checks import REOFFENDING_CHECK_DAYS
from app.outcomes.services import CODE_TEXTS
from app.referrals.labels import OUTCOME_LABELS
from app.referrals.models import ReferralStatus
from app.victims.due import ENHANCED_WORKING_DAYS, STANDARD_WORKING_DAYS
from tests import factories
from tests.dom import parse
from tests.helpers import sign_in


def keys(doc, test_id: str) -> list[str]:
    return [dt.text for dt in doc.by_test_id(test_id).find_all("dt")]


def value(doc, test_id: str, key: str) -> str:
    listing = doc.by_test_id(test_id)
    [dt] = listing.find_all("dt", text=key)
    return dt.next_element.text


def test_anyone_can_read_it_signed_out(client):
    response = client.get("/help/")
    assert response.status_code == 200
    doc = parse(response)
    assert doc.find("h1").text == "Help using the Virtual offender hub"
    assert doc.find(cls="govuk-service-navigation") is None  # nobody is signed in
    assert parse(client.get("/sign-in")).by_test_id("footer-help").attrs["href"] == "/help/"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_signed_in_role_has_it_in_the_footer(client, role):
    sign_in(client, factories.user(role))
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    link = parse(home).by_test_id("footer-help")
    assert link.attrs["href"] == "/help/"
    assert client.get("/help/").status_code == 200


def test_every_case_and_referral_status_is_explained_as_the_hub_names_it(client):
    doc = parse(client.get("/help/"))
    assert keys(doc, "case-status") == [s.label for s in CaseStatus]
    assert keys(doc, "referral-status") == [s.label for s in ReferralStatus]
    assert value(doc, "case-status", "Active").startswith(
        f"The person agreed a contract. It lasts 16 weeks ({CONTRACT_DAYS} days)"
    )
    assert "Moved here by the hub, when consent is withdrawn or expires" in value(
        doc, "referral-status", "On hold"
    )
    assert value(doc, "referral-status", "Declined").endswith(
        "Moved here by the partner organisation"
    )
    outcomes = [li.text for li in doc.by_test_id("referral-outcomes").find_all("li")]
    assert outcomes == list(OUTCOME_LABELS.values())


def test_every_outcome_code_and_condition_type_is_explained(client):
    doc = parse(client.get("/help/"))
    assert keys(doc, "outcome-codes") == list(CODE_TEXTS.values())
    assert "18 or over" in value(doc, "outcome-codes", CODE_TEXTS["24"])
    assert keys(doc, "four-rs") == ["Restorative", "Rehabilitative", "Reparative", "Restrictive"]
    assert keys(doc, "four-rs") == [c.label for c in ConditionType]
    assert "letter of apology" in value(doc, "four-rs", "Restorative")


def test_every_member_of_each_vocabulary_has_a_meaning():
    # A status added to the code without words for it fails here, not on the page.
    assert set(content.CASE_STATUS_MEANINGS) == set(CaseStatus)
    assert set(content.REFERRAL_STATUS_MEANINGS) == set(ReferralStatus)
    assert set(content.OUTCOME_CODE_MEANINGS) == set(CODE_TEXTS)
    assert set(content.CONDITION_MEANINGS) == set(ConditionType)


def test_the_timescales_are_the_ones_the_hub_keeps_to(client):
    doc = parse(client.get("/help/"))
    victims = [li.text for li in doc.by_test_id("victims-code").find_all("li")]
    assert victims[0].endswith(f"within {STANDARD_WORKING_DAYS} working days.")
    assert victims[1].endswith(f"within {ENHANCED_WORKING_DAYS} working day.")
    others = " ".join(li.text for li in doc.by_test_id("timescales").find_all("li"))
    assert f"{CONTRACT_DAYS} days from its start date" in others
    assert f"due {REOFFENDING_CHECK_DAYS} days after the case ends" in others


def test_who_to_contact_comes_from_the_settings(app, client):
    doc = parse(client.get("/help/"))
    assert (
        doc.by_test_id("contact").find("a", where=lambda a: "mailto" in a.attrs.get("href", ""))
        is None
    )
    app.config.update(
        HELP_CONTACT_TEAM="The OoCR hub team",
        HELP_CONTACT_EMAIL="oocr.hub@force.example",
        HELP_CONTACT_PHONE="01234 567890",
        HELP_CONTACT_HOURS="Monday to Friday, 9am to 5pm",
    )
    contact = parse(client.get("/help/")).by_test_id("contact")
    assert contact.find("p").text == "The OoCR hub team:"
    assert contact.find("a").attrs["href"] == "mailto:oocr.hub@force.example"
    assert [li.text for li in contact.find("ul").find_all("li")] == [
        "Email: oocr.hub@force.example",
        "Telephone: 01234 567890",
        "Monday to Friday, 9am to 5pm",
    ]
