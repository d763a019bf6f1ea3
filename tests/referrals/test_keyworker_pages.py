"""The keyworker's side: the case's referrals, making a referral (only consented categories
are offered), and the referral page with its history, updates, cancel and resume."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.dates import today_in_london
from app.extensions import db
from app.notifications.models import Notification
from app.partners.models import Capacity
from app.referrals import lifecycle, services
from app.referrals.models import Referral
from tests import factories
from tests.dom import parse
from tests.helpers import assert_landed_on, assert_redirects, csrf_token, post_form, sign_in
from tests.referrals import support


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def checkbox_values(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]+)"', page)


@pytest.fixture
def keyworker_client(client, world):
    sign_in(client, world.keyworker)
    return client


def test_the_case_lists_its_referrals(keyworker_client, world, other_org):
    page = text(keyworker_client.get(f"/cases/{world.case.id}/referrals"))
    assert world.ref in page and world.org.name in page
    assert other_org.ref not in page
    assert "Make a referral" in page


def test_an_empty_case_says_so(client, app):
    keyworker = factories.user(Role.KEYWORKER)
    case = support.active_case(keyworker)
    sign_in(client, keyworker)
    page = text(client.get(f"/cases/{case.id}/referrals"))
    assert 'data-testid="empty-state"' in page


def test_another_keyworkers_case_and_referral_are_not_found(keyworker_client, other_org):
    assert keyworker_client.get(f"/cases/{other_org.case.id}/referrals").status_code == 404
    assert keyworker_client.get(f"/cases/{other_org.case.id}/referrals/new").status_code == 404
    assert (
        keyworker_client.get(
            f"/cases/{other_org.case.id}/referrals/new/{other_org.org.id}"
        ).status_code
        == 404
    )
    assert keyworker_client.get(f"/referrals/{other_org.referral.id}").status_code == 404


def test_the_directory_shows_capacity_and_the_agreement(keyworker_client, world):
    full = support.organisation("Full House Project", capacity=Capacity.NOT_ACCEPTING.value)
    lapsed = support.organisation(
        "Lapsed Agreement Trust", isa_expires_on=today_in_london() - timedelta(days=1)
    )
    page = text(keyworker_client.get(f"/cases/{world.case.id}/referrals/new"))
    assert "Full House Project is not accepting referrals" in page
    assert "Lapsed Agreement Trust's information-sharing agreement has expired" in page
    assert f"/cases/{world.case.id}/referrals/new/{world.org.id}" in page
    assert f"/referrals/new/{full.id}" not in page and f"/referrals/new/{lapsed.id}" not in page
    followed = keyworker_client.get(
        f"/cases/{world.case.id}/referrals/new/{full.id}", follow_redirects=True
    )
    assert_landed_on(followed, f"/cases/{world.case.id}/referrals/new")
    assert "is not accepting referrals at the moment" in text(followed)


def _directory_row(doc, org):
    return doc.by_test_id("organisations").one("tr", data_testid=f"organisation-{org.id}")


def test_the_directory_shows_what_consent_covers_for_each_organisation(keyworker_client, world):
    narrow = support.organisation("Narrow Consent Trust")
    support.consent(world.case, narrow, categories=["housing", "contact_details"])
    unconsented = support.organisation("No Consent Yet")
    withdrawn = support.organisation("Withdrawn Consent Project")
    support.withdraw(support.consent(world.case, withdrawn), world.keyworker)
    db.session.commit()
    doc = parse(keyworker_client.get(f"/cases/{world.case.id}/referrals/new"))

    narrow_row = _directory_row(doc, narrow)
    assert narrow_row.one(data_testid="consent").lines == [
        "Consent in force",
        "Covers: Contact details, housing",
    ]
    assert narrow_row.link("Refer to Narrow Consent Trust") is not None

    for org in (unconsented, withdrawn):
        row = _directory_row(doc, org)
        assert row.one(data_testid="consent").text == "No consent"
        assert row.link(f"Refer to {org.name}") is None
        told = row.one(data_testid="consent-first")
        assert told.text.startswith(f"Nothing can be shared with {org.name} yet")
        assert told.find("a").attrs["href"] == f"/cases/{world.case.id}/consents/new"


def test_the_directory_reads_consent_in_one_query(keyworker_client, world, count_queries):
    def queries() -> int:
        with count_queries() as counter:
            keyworker_client.get(f"/cases/{world.case.id}/referrals/new")
        return counter.count

    before = queries()
    for n in range(4):
        org = support.organisation(f"Another Partner {n}")
        support.consent(world.case, org)
    assert queries() == before


def test_the_form_offers_only_the_consented_categories(keyworker_client, world):
    narrow = support.organisation("Narrow Consent Trust")
    support.consent(world.case, narrow, categories=["contact_details", "housing"])
    page = text(keyworker_client.get(f"/cases/{world.case.id}/referrals/new/{narrow.id}"))
    assert checkbox_values(page, "shared_categories") == ["contact_details", "housing"]
    conditions = checkbox_values(page, "condition_ids")
    assert len(conditions) == 2


def test_without_consent_the_form_explains_and_links_to_record_it(keyworker_client, world):
    unconsented = support.organisation("No Consent Yet")
    page = text(keyworker_client.get(f"/cases/{world.case.id}/referrals/new/{unconsented.id}"))
    assert 'data-testid="consent-needed"' in page
    assert f'href="/cases/{world.case.id}/consents/new"' in page
    assert "Send referral" not in page


def test_making_a_referral(keyworker_client, world, monkeypatch):
    from datetime import date

    monkeypatch.setattr(services, "london_today", lambda: date(2026, 12, 23))
    org = support.organisation("Safe Harbour Housing", isa_expires_on=date(2030, 1, 1))
    colleague = support.partner(org)
    support.consent(world.case, org, categories=["contact_details", "housing"])
    condition = world.case.contract.current_conditions[0]
    path = f"/cases/{world.case.id}/referrals/new/{org.id}"
    response = post_form(
        keyworker_client,
        path,
        {
            "need": "Somewhere settled to live",
            "condition_ids": [str(condition.id)],
            "message": "Mornings are best.",
            "introduction_method": "joint_meeting",
            "introduction_date": ["29", "12", "2026"],
            "introduction_time": "2:30pm",
            "shared_categories": ["housing"],
        },
        follow_redirects=True,
    )
    page = text(response)
    assert "sent to Safe Harbour Housing" in page
    assert "They should acknowledge it by 29 December 2026" in page
    referral = db.session.query(Referral).filter_by(organisation_id=org.id).one()
    assert_landed_on(response, f"/referrals/{referral.id}")
    assert referral.shared_categories == ["housing"]
    assert referral.introduction_at.isoformat() == "2026-12-29T14:30:00+00:00"
    assert [n.kind for n in support.notifications_for(colleague)] == ["referral.sent"]


def test_the_form_shows_errors(keyworker_client, world):
    path = f"/cases/{world.case.id}/referrals/new/{world.org.id}"
    response = post_form(
        keyworker_client,
        path,
        {"need": "", "introduction_date": ["29", "12", ""], "introduction_time": "lunchtime"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Enter what the person needs from the organisation" in page
    assert "Select how you will make the warm introduction" in page
    assert "Select the information to share with the organisation" in page
    assert "must include a year" in page


def test_a_bad_date_and_a_bad_time_show_together(keyworker_client, world):
    path = f"/cases/{world.case.id}/referrals/new/{world.org.id}"
    response = post_form(
        keyworker_client,
        path,
        {"need": "", "introduction_date": ["31", "2", "2027"], "introduction_time": "lunchtime"},
    )
    doc = parse(response)
    assert doc.field_error("introduction_date") == (
        "Date of the warm introduction must be a real date"
    )
    assert doc.field_error("introduction_time") == "Enter a real time, like 2:30pm or 14:30"
    assert "Enter what the person needs from the organisation" in doc.error_summary()


def test_a_date_without_a_time_is_shown_with_the_other_errors(keyworker_client, world):
    path = f"/cases/{world.case.id}/referrals/new/{world.org.id}"
    response = post_form(
        keyworker_client, path, {"need": "", "introduction_date": ["1", "12", "2027"]}
    )
    doc = parse(response)
    assert doc.field_error("introduction_time") == "Enter the time of the warm introduction"
    assert doc.field_error("need") == "Enter what the person needs from the organisation"


def test_a_bad_time_is_a_field_error(keyworker_client, world):
    path = f"/cases/{world.case.id}/referrals/new/{world.org.id}"
    response = post_form(
        keyworker_client,
        path,
        {
            "need": "Housing",
            "introduction_method": "three_way_call",
            "introduction_date": ["1", "12", "2026"],
            "introduction_time": "25:00",
            "shared_categories": ["housing"],
        },
    )
    assert response.status_code == 400
    assert "Enter a real time, like 2:30pm or 14:30" in text(response)
    assert support.count(Referral) == 1


def test_a_category_that_lost_consent_meanwhile_is_refused(keyworker_client, world):
    path = f"/cases/{world.case.id}/referrals/new/{world.org.id}"
    token = csrf_token(keyworker_client, path)
    support.withdraw(world.consent, world.keyworker)
    support.consent(world.case, world.org, categories=["housing"])
    response = keyworker_client.post(
        path,
        data={
            "csrf_token": token,
            "need": "Housing",
            "introduction_method": "three_way_call",
            "shared_categories": ["housing", "health"],
        },
    )
    assert response.status_code == 400
    assert "has not given consent, in force now, to share health" in text(response)
    assert support.count(Referral) == 1


def test_the_referral_page_shows_history_updates_and_cancel(keyworker_client, world):
    lifecycle.transition(world.partner, world.referral.id, "acknowledged")
    from app.referrals.services import post_update

    post_update(world.partner, world.referral.id, "Assessment booked for Tuesday")
    page = text(keyworker_client.get(f"/referrals/{world.referral.id}"))
    assert 'class="moj-timeline"' in page
    assert "Acknowledged" in page and world.partner.name in page
    assert "Assessment booked for Tuesday" in page
    assert "Cancel this referral" in page
    assert world.org.contact_phone in page  # the warm-introduction contact


def test_cancelling_needs_a_reason(keyworker_client, world):
    path = f"/referrals/{world.referral.id}"
    version = str(support.fresh(Referral, world.referral.id).version)
    missing = post_form(keyworker_client, f"{path}/cancel", {"cancel-version": version})
    assert missing.status_code == 400
    assert "Enter why you are cancelling the referral" in text(missing)
    done = post_form(
        keyworker_client,
        f"{path}/cancel",
        {"cancel-version": version, "cancel-reason": "The person has moved away"},
        follow_redirects=True,
    )
    assert_landed_on(done, path)
    assert f"Referral {world.ref} cancelled" in text(done)
    assert support.fresh(Referral, world.referral.id).status == "cancelled"
    assert "Cancel this referral" not in text(keyworker_client.get(path))


def test_resume_is_offered_only_when_consent_covers_again(keyworker_client, world):
    support.withdraw(world.consent, world.keyworker)
    path = f"/referrals/{world.referral.id}"
    page = text(keyworker_client.get(path))
    assert 'data-testid="on-hold"' in page
    assert "Resume referral" not in page
    assert f'href="/cases/{world.case.id}/consents/new"' in page
    support.consent(world.case, world.org)
    page = text(keyworker_client.get(path))
    assert "Resume referral" in page
    version = str(support.fresh(Referral, world.referral.id).version)
    done = post_form(
        keyworker_client, f"{path}/resume", {"resume-version": version}, follow_redirects=True
    )
    assert_landed_on(done, path)
    assert f"Referral {world.ref} resumed" in text(done)
    assert support.fresh(Referral, world.referral.id).status == "sent"


def test_resume_on_a_referral_not_on_hold_says_so(keyworker_client, world):
    response = post_form(
        keyworker_client, f"/referrals/{world.referral.id}/resume", {}, follow_redirects=True
    )
    assert_landed_on(response, f"/referrals/{world.referral.id}")
    assert "not on hold" in text(response)


def test_a_supervisor_sees_every_case_s_referrals(client, world, supervisor):
    sign_in(client, supervisor)
    assert client.get(f"/cases/{world.case.id}/referrals").status_code == 200
    assert client.get(f"/referrals/{world.referral.id}").status_code == 200


def test_the_keyworker_page_read_is_audited_as_a_case_view(keyworker_client, world):
    keyworker_client.get(f"/referrals/{world.referral.id}")
    assert "case.viewed" in support.audit_actions(world.case.id)
    assert support.count(Notification) >= 2


@pytest.mark.parametrize("status", ["completed", "breached", "opted_out", "withdrawn"])
def test_a_closed_case_offers_no_referral(keyworker_client, world, status):
    world.case.status = status
    db.session.commit()

    listing = text(keyworker_client.get(f"/cases/{world.case.id}/referrals"))
    form = keyworker_client.get(f"/cases/{world.case.id}/referrals/new/{world.org.id}")

    assert "Make a referral" not in listing
    assert_redirects(form, f"/cases/{world.case.id}/referrals/new")
    shown = text(keyworker_client.get(form.headers["Location"]))
    assert "A referral cannot be made because the case is" in shown
    assert services.case_refusal(world.case) is not None
