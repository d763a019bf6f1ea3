"""Partners' emails, sent over a real SMTP server: the organisation's referral address and
the referral's named worker (everyone in the organisation until one is named) hear of a
new referral, a cancellation, a hold (consent withdrawn) and the keyworker's updates; each
links to the referral's own page and says nothing about the person; and each user may
turn any of them off."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from app.auth.roles import Role
from app.notifications import preferences
from app.notifications.sender import SmtpTransport, sweep
from app.referrals import lifecycle, messages, services
from app.referrals.reference import reference
from tests import factories
from tests.dom import parse
from tests.helpers import csrf_token, sign_in
from tests.partners.support import audit_entries
from tests.referrals import support

BASE_URL = "https://hub.force.example"
ADDRESS = "referrals@hillside.example"


@pytest.fixture
def world(app):
    app.config["BASE_URL"] = BASE_URL
    org = support.organisation(contact_email=ADDRESS)
    worker = support.partner(org, name="Wendy Worker")
    colleague = support.partner(org, name="Colin Colleague")
    elsewhere = support.partner(support.organisation(contact_email="other@example.org"))
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(
        keyworker,
        crime_reference="CR/55555/26",
        person_fields={"given_name": "Ottoline", "family_name": "Pemberton-Sqwire"},
    )
    factories.contract(case)
    consent = support.consent(case, org)
    return {
        "org": org,
        "worker": worker,
        "colleague": colleague,
        "elsewhere": elsewhere,
        "keyworker": keyworker,
        "case": case,
        "consent": consent,
    }


def _deliver(smtp_server) -> list:
    inbox, port = smtp_server
    before = len(inbox.messages)
    sweep(SmtpTransport("127.0.0.1", port))
    return [
        message_from_bytes(envelope.content, policy=policy.default)
        for envelope in inbox.messages[before:]
    ]


def _by_recipient(emails) -> dict[str, object]:
    return {email["To"]: email for email in emails}


def _assert_leads_to_the_referral(email, referral, world):
    body = email.get_content()
    assert f"{BASE_URL}/referrals/{referral.id}" in body
    text = email["Subject"] + body
    for personal in (
        "Ottoline",
        "Pemberton",
        "CR/55555/26",
        world["org"].name,
        referral.need,
        "morning appointment",
    ):
        assert personal not in text


def test_the_four_emails_reach_the_address_and_the_named_worker(world, smtp_server):
    case, org, worker, colleague = world["case"], world["org"], world["worker"], world["colleague"]
    referral = support.send(case, org, world["keyworker"])

    # New referral: no worker named yet, so everyone in the organisation, and the address.
    sent = _by_recipient(_deliver(smtp_server))
    assert set(sent) == {ADDRESS, worker.email, colleague.email}
    for email in sent.values():
        assert email["Subject"] == f"New referral {reference(referral.id)}"
        _assert_leads_to_the_referral(email, referral, world)

    services.assign_worker(worker, referral.id, str(worker.id))
    services.post_update(world["keyworker"], referral.id, "Ottoline now works mornings")
    update = _by_recipient(_deliver(smtp_server))
    assert set(update) == {ADDRESS, worker.email}
    assert update[worker.email]["Subject"].startswith("Update from the keyworker on referral")
    _assert_leads_to_the_referral(update[worker.email], referral, world)

    support.withdraw(world["consent"], world["keyworker"])
    held = _deliver(smtp_server)
    partner_side = _by_recipient(e for e in held if e["To"] != world["keyworker"].email)
    assert set(partner_side) == {ADDRESS, worker.email}
    assert "is on hold" in partner_side[ADDRESS]["Subject"]
    _assert_leads_to_the_referral(partner_side[ADDRESS], referral, world)

    lifecycle.transition(world["keyworker"], referral.id, "cancelled", reason="Not needed now")
    cancelled = _by_recipient(_deliver(smtp_server))
    assert set(cancelled) == {ADDRESS, worker.email}
    assert "was cancelled" in cancelled[worker.email]["Subject"]
    _assert_leads_to_the_referral(cancelled[worker.email], referral, world)
    assert world["elsewhere"].email not in set(sent) | set(update) | set(cancelled)


def test_a_user_who_turns_an_email_off_no_longer_gets_it(world, smtp_server):
    preferences.save(world["colleague"], {messages.SENT: False})
    support.send(world["case"], world["org"], world["keyworker"])
    assert set(_by_recipient(_deliver(smtp_server))) == {ADDRESS, world["worker"].email}


def test_the_preferences_page_starts_all_on_saves_choices_and_audits_them(client, world):
    colleague = world["colleague"]
    sign_in(client, colleague)
    doc = parse(client.get("/notifications/preferences"))
    boxes = doc.find_all("input", type="checkbox", name="kinds")
    assert [b.attrs["value"] for b in boxes] == list(messages.PARTNER_CHOICES)
    assert all("checked" in b.attrs for b in boxes)
    assert doc.label_for(boxes[0].attrs["id"]) == messages.PARTNER_CHOICES[messages.SENT]

    keep = [messages.SENT, messages.ON_HOLD, messages.KEYWORKER_UPDATE]
    response = client.post(
        "/notifications/preferences",
        data={"csrf_token": csrf_token(client, "/notifications/preferences"), "kinds": keep},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications/preferences"
    doc = parse(client.get("/notifications/preferences"))
    checked = {
        b.attrs["value"] for b in doc.find_all("input", name="kinds") if "checked" in b.attrs
    }
    assert checked == set(keep)
    assert preferences.chosen(colleague, messages.PARTNER_CHOICES)[messages.CANCELLED] is False
    [entry] = audit_entries("notification_preferences.changed", colleague.id)
    assert entry.details == {"turned_on": [], "turned_off": [messages.CANCELLED]}
    # Another user's choices are untouched.
    assert preferences.chosen(world["worker"], [messages.CANCELLED]) == {messages.CANCELLED: True}


def test_an_unknown_choice_is_refused_with_a_message(client, world):
    sign_in(client, world["colleague"])
    response = client.post(
        "/notifications/preferences",
        data={
            "csrf_token": csrf_token(client, "/notifications/preferences"),
            "kinds": ["referral.sent", "everything"],
        },
    )
    assert response.status_code == 400
    assert parse(response).error_summary() == ["Select only emails from the list"]
    assert audit_entries("notification_preferences.changed") == []
