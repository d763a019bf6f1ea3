"""The retention schedule, proven with cases either side of each period: what is due,
what erasure removes, what it keeps, that the reports' figures do not change, that the
audit log is only appended to, and that a partner's and the victim view no longer show
what was erased."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.extensions import db
from app.referrals.models import Referral
from app.retention import services
from app.retention.models import Rule, Scope
from tests.helpers import assert_redirects, csrf_token, sign_in
from tests.retention import support
from tests.retention.support import PERSON_DATA, VICTIM_CONTACT, VICTIM_NAME


@pytest.fixture
def world(app):
    return support.build_world()


def _due(world) -> dict[str, str]:
    names = {case.id: name for name, case in world.cases.items()}
    listing = services.review_list(world.admin)
    return {names[item.case_id]: item.scope.value for item in listing.items}


def test_exactly_the_records_past_their_period_are_due(world):
    assert _due(world) == world.due
    assert services.due_counts() == {Rule.ENDED: 2, Rule.INELIGIBLE: 1, Rule.VICTIM_CONTACT: 3}


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _partner_page(client, case) -> str:
    referral_id = db.session.scalar(sa.select(Referral.id).where(Referral.case_id == case.id))
    return _page(client, f"/referrals/{referral_id}") + _page(client, "/referrals/inbox?tab=all")


def _victim_page(client, case) -> str:
    return _page(client, f"/victims/cases/{case.id}")


def test_approved_erasure_removes_personal_data_and_keeps_every_fact(app, world):
    cases = world.cases
    before_facts, before_figures = support.facts(), support.figures()
    log_before = db.session.execute(sa.select(AuditEntry.id, AuditEntry.entry_hash)).all()
    partner, liaison = _signed_in(app, world.partner), _signed_in(app, world.liaison)
    partner_before = _partner_page(partner, cases["ended_on_cutoff"])
    victim_before = _victim_page(liaison, cases["ended_on_cutoff"])
    assert "PLANTED-PERSON-GIVEN" in partner_before and "PLANTED-REFERRAL-NEED" in partner_before
    assert VICTIM_NAME in victim_before and "Write a letter of apology" in victim_before

    admin = _signed_in(app, world.admin)
    items = [f"{cases[name].id}:{scope}" for name, scope in world.due.items()]
    response = admin.post(
        "/retention/erase", data={"item": items, "confirm": "y", "csrf_token": _token(admin)}
    )
    assert_redirects(response, "/retention/")
    assert "Erased the personal data of 6 record(s)" in _page(admin, "/retention/")
    assert _due(world) == {}

    # Erased: nothing planted is left of the fully erased cases, in any row of theirs.
    for name in ("ended_on_cutoff", "breached_long_ago", "ineligible_on_cutoff"):
        text = support.case_text(cases[name].id)
        assert [s for s in PERSON_DATA if s in text] == [], name
        assert [s for s in [VICTIM_NAME, *VICTIM_CONTACT] if s in text] == [], name
    # Victims' contact details only: their name and the case's other data stay.
    for name in [n for n, scope in world.due.items() if scope == "victim_contact"]:
        text = support.case_text(cases[name].id)
        assert [s for s in VICTIM_CONTACT if s in text] == [], name
        assert VICTIM_NAME in text and "PLANTED-PERSON-GIVEN" in text, name
    # Not due: untouched.
    for name in set(cases) - set(world.due):
        text = support.case_text(cases[name].id)
        assert "PLANTED-PERSON-GIVEN" in text and VICTIM_CONTACT[0] in text, name

    # Kept: every fact the reports count, and so every figure.
    assert support.facts() == before_facts
    assert support.figures() == before_figures

    # The audit log was appended to, never changed, and its new entries name no one.
    log_after = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.id, e.entry_hash) for e in log_after[: len(log_before)]] == log_before
    assert audit.verify().ok
    erased = [e for e in log_after if e.action == "retention.erased"]
    assert sorted((e.object_id, e.details["scope"]) for e in erased) == sorted(
        (str(cases[name].id), scope) for name, scope in world.due.items()
    )
    new_text = repr([(e.reason, e.details) for e in log_after[len(log_before) :]])
    assert [s for s in PERSON_DATA + [VICTIM_NAME, *VICTIM_CONTACT] if s in new_text] == []

    # A partner's view and the victim view no longer show what was erased.
    partner_after = _partner_page(partner, cases["ended_on_cutoff"])
    assert [s for s in PERSON_DATA if s in partner_after] == []
    victim_after = _victim_page(liaison, cases["ended_on_cutoff"])
    assert [s for s in PERSON_DATA + [VICTIM_NAME, *VICTIM_CONTACT] if s in victim_after] == []
    contact_only = _victim_page(liaison, cases["victim_updated_on_cutoff"])
    assert VICTIM_NAME in contact_only
    assert [s for s in VICTIM_CONTACT if s in contact_only] == []


def _token(client) -> str:
    return csrf_token(client, "/retention/")


def test_erasure_is_idempotent_and_only_for_what_is_due(world):
    case = world.cases["ended_on_cutoff"]
    first = services.erase(world.admin, case.id, Scope.CASE)
    assert first.erased and first.rows["people"] == 1 and first.rows["victims"] == 1
    text, facts = support.case_text(case.id), support.facts()
    entries = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))

    again = services.erase(world.admin, case.id, Scope.CASE)
    assert not again.erased
    also = services.erase(world.admin, case.id, Scope.VICTIM_CONTACT)
    assert not also.erased  # the whole case went already
    assert support.case_text(case.id) == text and support.facts() == facts
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == entries

    from app.errors import InvalidState

    for name in ("ended_a_day_later", "ineligible_a_day_later", "active_for_years"):
        with pytest.raises(InvalidState):
            services.erase(world.admin, world.cases[name].id, Scope.CASE)
    with pytest.raises(InvalidState):
        services.erase(world.admin, world.cases["victim_updated_a_day_later"].id, "victim_contact")
    assert "PLANTED-PERSON-GIVEN" in support.case_text(world.cases["ended_a_day_later"].id)


def test_an_erased_person_is_no_longer_found_by_their_name(app, world):
    from app.cases.models import Person

    erased, kept = world.cases["ended_on_cutoff"], world.cases["ended_a_day_later"]
    keyworker = _signed_in(app, world.keyworker)
    before = _page(keyworker, "/search/?q=Planted-Person-Given")
    assert f"/cases/{erased.id}" in before and f"/cases/{kept.id}" in before

    services.erase(world.admin, erased.id, Scope.CASE)

    db.session.expire_all()
    assert db.session.get(Person, erased.person_id).search_name == ""
    after = _page(keyworker, "/search/?q=Planted-Person-Given")
    assert f"/cases/{erased.id}" not in after and f"/cases/{kept.id}" in after


def test_the_coarsened_birth_date_and_postcode_keep_the_age_band_and_district(world):
    from app.cases.models import Person
    from app.dates import age_on

    case = world.cases["breached_long_ago"]
    person = db.session.get(Person, case.person_id)
    age, postcode = age_on(person.date_of_birth, case.offence_committed_on), person.postcode
    born = person.date_of_birth
    services.erase(world.admin, case.id, Scope.CASE)
    db.session.expire_all()
    person = db.session.get(Person, case.person_id)
    assert person.date_of_birth != born
    assert age_on(person.date_of_birth, case.offence_committed_on) == age
    assert person.postcode == postcode[:5] and person.postcode.split(" ")[0] == "ZZ9"
    assert person.full_name == "Personal data erased"
