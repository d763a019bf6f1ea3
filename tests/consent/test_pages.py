"""The consent pages: list, record, withdraw, and the printable summary."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.consent import services
from app.consent.models import Consent, ConsentStatus
from app.consent.rules import can_share
from app.database import utcnow
from app.dates import LONDON, add_months, contract_end, today_in_london
from app.extensions import db
from tests import factories
from tests.consent.conftest import audit_actions
from tests.dom import parse
from tests.helpers import assert_redirects, csrf_token, post_form, sign_in

ERROR_SUMMARY = 'class="govuk-error-summary"'
EXPIRED_TAG = re.compile(r">\s*Expired\s*<")


@pytest.fixture
def signed_in(client, keyworker):
    sign_in(client, keyworker)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def squash(html: str) -> str:
    """The page's text with tags removed and white space collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def consents_of(case) -> list[Consent]:
    db.session.expire_all()
    return list(db.session.scalars(select(Consent).where(Consent.case_id == case.id)))


def long(day) -> str:
    return f"{day.day} {day:%B %Y}"


# The list ----------------------------------------------------------------------------------


def test_an_empty_consent_page(signed_in, case):
    response = signed_in.get(f"/cases/{case.id}/consents")
    assert response.status_code == 200
    page = text(response)
    assert case.person.full_name in page
    assert 'aria-current="page"' in page and ">Consent<" in page  # the case sub-navigation
    assert "No consent is in force" in page
    assert "No consent has been withdrawn or has expired" in page
    assert f'href="/cases/{case.id}/consents/new"' in page and "Record consent" in page


def test_the_list_shows_current_consents_and_history(signed_in, keyworker, case, org):
    other = factories.organisation(name="Riverside Recovery")
    old = services.give_consent(
        keyworker, case.id, org.id, ["contact_details"], "verbal", "2026-01"
    )
    services.withdraw_consent(keyworker, old.id, "The person asked us to stop")
    current = services.give_consent(
        keyworker, case.id, other.id, ["health", "substance_use"], "written", "2026-04"
    )
    page = text(signed_in.get(f"/cases/{case.id}/consents"))
    current_table = page.split('data-testid="current-consents"')[1].split("</table>")[0]
    history_table = page.split('data-testid="consent-history"')[1].split("</table>")[0]
    assert "Riverside Recovery" in current_table
    assert "Health" in current_table and "Substance use" in current_table
    assert "Written" in current_table and "2026-04" in current_table
    assert "Kim Keyworker" in current_table
    assert long(current.expires_at.astimezone(LONDON).date()) in current_table
    assert f"/consents/{current.id}/withdraw" in current_table
    assert "Hillside Housing Trust" in history_table
    assert "Withdrawn" in history_table
    assert "The person asked us to stop" in history_table
    assert f"/consents/{old.id}/withdraw" not in page


def test_the_list_pages_its_history(signed_in, case):
    now = utcnow()
    for i in range(services.PAGE_SIZE + 3):
        factories.consent(
            case, given_at=now - timedelta(days=10, minutes=i), expires_at=now - timedelta(days=1)
        )
    first = text(signed_in.get(f"/cases/{case.id}/consents"))
    assert len(EXPIRED_TAG.findall(first)) == services.PAGE_SIZE
    assert 'class="govuk-pagination' in first
    second = text(signed_in.get(f"/cases/{case.id}/consents?page=2"))
    assert len(EXPIRED_TAG.findall(second)) == 3


def test_the_list_query_count_does_not_grow_with_consents(signed_in, case, count_queries):
    def queries() -> int:
        with count_queries() as counter:
            assert signed_in.get(f"/cases/{case.id}/consents").status_code == 200
        return counter.count

    def add_one_current_and_one_withdrawn():
        factories.consent(case)
        withdrawn = factories.consent(case)
        withdrawn.withdrawn_at = utcnow()
        withdrawn.withdrawn_by_id = factories.user("supervisor").id
        withdrawn.withdrawal_reason = "Stop"
        db.session.commit()

    add_one_current_and_one_withdrawn()
    few = queries()
    for _ in range(6):
        add_one_current_and_one_withdrawn()
    assert queries() == few


def test_a_closed_case_offers_no_new_consent(signed_in, keyworker):
    closed = factories.case(keyworker, status="completed")
    page = text(signed_in.get(f"/cases/{closed.id}/consents"))
    assert "New consent cannot be recorded because the case is completed" in page
    assert f"/cases/{closed.id}/consents/new" not in page
    response = signed_in.get(f"/cases/{closed.id}/consents/new")
    assert_redirects(response, f"/cases/{closed.id}/consents")
    follow = text(signed_in.get(response.headers["Location"]))
    assert "Consent cannot be recorded because the case is completed" in follow


# Recording ---------------------------------------------------------------------------------


def form(org, **overrides) -> dict:
    data = {
        "organisation_id": str(org.id),
        "categories": ["contact_details", "housing"],
        "method": "written",
        "notice_version": "2026-04",
        "expires_on": ["", "", ""],
    }
    data.update(overrides)
    return data


def test_the_form_lists_active_organisations_and_explains_the_categories(signed_in, case, org):
    gone = factories.organisation(name="Closed Charity", active=False)
    page = text(signed_in.get(f"/cases/{case.id}/consents/new"))
    assert f'value="{org.id}"' in page and "Hillside Housing Trust" in page
    assert str(gone.id) not in page
    assert "Sensitive: physical and mental health" in page
    assert "Sensitive: use of drugs or alcohol" in page
    assert 'type="checkbox"' in page and 'type="radio"' in page
    expected = add_months(contract_end(today_in_london()), 3)
    assert f"Leave blank to use the usual expiry: {long(expected)}" in page


def test_recording_consent(signed_in, keyworker, case, org):
    response = post_form(signed_in, f"/cases/{case.id}/consents/new", form(org))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/consents"
    [consent] = consents_of(case)
    assert consent.categories == ["contact_details", "housing"]
    assert consent.method == "written"
    assert consent.recorded_by_id == keyworker.id
    page = text(signed_in.get(response.headers["Location"]))
    assert "Consent recorded for Hillside Housing Trust" in page
    assert "govuk-notification-banner--success" in page
    assert can_share(case.id, org.id, "housing") is True


def test_recording_consent_with_an_expiry_date(signed_in, case, org):
    day = today_in_london() + timedelta(days=30)
    data = form(org, expires_on=[str(day.day), str(day.month), str(day.year)])
    response = post_form(signed_in, f"/cases/{case.id}/consents/new", data)
    assert_redirects(response, f"/cases/{case.id}/consents")
    [consent] = consents_of(case)
    assert consent.expires_at.astimezone(LONDON).date() == day


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisation_id": ""}, "Select an organisation from the list"),
        ({"organisation_id": "not-a-uuid"}, "Select an organisation from the list"),
        ({"categories": []}, "Select the information the person agrees to share"),
        ({"categories": ["everything"]}, "Select information from the list"),
        ({"method": ""}, "Select how the person gave consent"),
        ({"method": "telepathy"}, "Select how the person gave consent"),
        ({"notice_version": "  "}, "Enter the version of the privacy notice you explained"),
        ({"notice_version": "x" * 41}, "Privacy notice version must be 40 characters or fewer"),
        ({"expires_on": ["31", "2", "2027"]}, "Expiry date must be a real date"),
        ({"expires_on": ["1", "", "2027"]}, "Expiry date must include a month"),
        ({"expires_on": ["1", "1", "2020"]}, "Expiry date must be in the future"),
        ({"expires_on": ["1", "1", "2099"]}, "Expiry date must be no more than 2 years"),
    ],
)
def test_bad_input_shows_field_errors(signed_in, case, org, overrides, message):
    response = post_form(signed_in, f"/cases/{case.id}/consents/new", form(org, **overrides))
    assert response.status_code == 400
    page = text(response)
    assert ERROR_SUMMARY in page
    assert "<title>Error: " in page
    assert message in page
    assert consents_of(case) == []


def test_error_messages_never_say_optional(signed_in, case, org):
    data = form(org, expires_on=["31", "2", "2027"])
    doc = parse(post_form(signed_in, f"/cases/{case.id}/consents/new", data))
    assert doc.error_summary() == ["Expiry date must be a real date"]
    assert doc.field_error("expires_on") == "Expiry date must be a real date"
    assert doc.find("legend", text="Expiry date (optional)") is not None  # the label still says so


def test_an_inactive_organisation_is_refused(signed_in, case):
    gone = factories.organisation(active=False)
    response = post_form(signed_in, f"/cases/{case.id}/consents/new", form(gone))
    assert response.status_code == 400
    assert "Select an organisation from the list" in text(response)


def test_the_form_keeps_what_was_entered(signed_in, case, org):
    response = post_form(signed_in, f"/cases/{case.id}/consents/new", form(org, notice_version=""))
    page = text(response)
    assert re.search(r'value="housing"\s+checked', page)
    assert re.search(rf'value="{org.id}"\s+selected', page)


# Withdrawing ---------------------------------------------------------------------------------


@pytest.fixture
def consent(keyworker, case, org):
    return services.give_consent(
        keyworker, case.id, org.id, ["contact_details", "housing"], "verbal", "2026-04"
    )


def test_the_withdrawal_page_confirms_what_stops(signed_in, consent):
    response = signed_in.get(f"/consents/{consent.id}/withdraw")
    assert response.status_code == 200
    page = squash(text(response))
    assert "Withdraw consent for Hillside Housing Trust" in page
    assert "Contact details, Housing" in page
    assert "takes effect at once" in page
    assert "does not affect the person's place on the scheme" in page


def test_withdrawing_on_the_page_takes_effect_at_once(signed_in, keyworker, case, org, consent):
    assert can_share(case.id, org.id, "housing") is True
    response = post_form(
        signed_in,
        f"/consents/{consent.id}/withdraw",
        {"reason": "The person phoned to withdraw", "version": "1"},
    )
    assert_redirects(response, f"/cases/{case.id}/consents")
    assert can_share(case.id, org.id, "housing") is False
    page = text(signed_in.get(response.headers["Location"]))
    assert "govuk-notification-banner--success" in page
    assert "Consent withdrawn" in page
    history = page.split('data-testid="consent-history"')[1]
    assert "Hillside Housing Trust" in history and "Withdrawn" in history
    assert "No consent is in force" in page
    assert audit_actions(consent.id)[-1] == "consent.withdrawn"


def test_withdrawing_needs_a_reason(signed_in, consent):
    response = post_form(signed_in, f"/consents/{consent.id}/withdraw", {"reason": " "})
    assert response.status_code == 400
    page = text(response)
    assert ERROR_SUMMARY in page
    assert "Enter the reason for withdrawing consent" in page
    assert consents_of_case_status(consent) == ConsentStatus.GIVEN


def consents_of_case_status(consent) -> ConsentStatus:
    db.session.expire_all()
    return db.session.get(Consent, consent.id).status


def test_a_stale_version_on_the_page_is_a_conflict(signed_in, consent):
    response = post_form(
        signed_in, f"/consents/{consent.id}/withdraw", {"reason": "Stop", "version": "7"}
    )
    assert response.status_code == 409
    assert "Someone else changed this" in text(response)
    assert consents_of_case_status(consent) == ConsentStatus.GIVEN


def test_a_consent_withdrawn_meanwhile(signed_in, keyworker, consent):
    path = f"/consents/{consent.id}/withdraw"
    token = csrf_token(signed_in, path)
    services.withdraw_consent(keyworker, consent.id, "Someone else did it")
    response = signed_in.post(path, data={"reason": "Stop", "csrf_token": token})
    assert_redirects(response, f"/cases/{consent.case_id}/consents")
    assert "This consent has already been withdrawn" in text(
        signed_in.get(response.headers["Location"])
    )
    again = signed_in.get(path)
    assert_redirects(again, f"/cases/{consent.case_id}/consents")


def test_an_unknown_consent_is_not_found(signed_in):
    import uuid

    assert signed_in.get(f"/consents/{uuid.uuid4()}/withdraw").status_code == 404


# The printable summary ---------------------------------------------------------------------


def test_the_summary_for_the_person(signed_in, keyworker, case, org):
    other = factories.organisation(name="Meadow Mental Health")
    stopped = factories.organisation(name="Withdrawn Services Ltd")
    housing = services.give_consent(
        keyworker, case.id, org.id, ["contact_details", "housing"], "verbal", "2026-04"
    )
    health = services.give_consent(
        keyworker, case.id, other.id, ["health", "substance_use"], "written", "2026-04"
    )
    gone = services.give_consent(keyworker, case.id, stopped.id, ["finances"], "verbal", "2026-04")
    services.withdraw_consent(keyworker, gone.id, "Stop")
    response = signed_in.get(f"/cases/{case.id}/consents/summary")
    assert response.status_code == 200
    page = squash(text(response))
    assert case.person.full_name in page
    for consent in (housing, health):
        assert consent.organisation.name in page
        assert long(consent.expires_at.astimezone(LONDON).date()) in page
    assert "your address, phone number and email address" in page
    assert "information about where you live and your housing" in page
    assert "information about your physical and mental health" in page
    assert "information about your use of drugs or alcohol" in page
    assert "Withdrawn Services Ltd" not in page
    assert "money, benefits and debts" not in page
    # How to withdraw: whom to tell, at once, no effect on the scheme.
    assert "How to withdraw your consent" in page
    assert "Kim Keyworker" in page and keyworker.email in page
    assert "It takes effect at once" in page
    assert "does not affect your place on the scheme" in page
    assert "print this page" in page
    # On paper: no service header, navigation or footer, and no note to the keyworker.
    html = text(response)
    assert re.search(r'<div class="govuk-!-display-none-print">\s*<header', html)
    assert re.search(r'<div class="govuk-!-display-none-print">\s*<footer', html)
    assert html.count("govuk-!-display-none-print") >= 4  # header, footer, back link, note
    assert "<script" not in text(response).split("</main>")[0].split("<main")[1]


def test_the_summary_when_nothing_is_shared(signed_in, case):
    page = squash(text(signed_in.get(f"/cases/{case.id}/consents/summary")))
    assert "You have not agreed to share any information" in page
    assert "How to withdraw your consent" in page


def test_a_consent_expiring_within_30_days_is_flagged(signed_in, case):
    now = utcnow()
    factories.consent(
        case, factories.organisation(name="Soon Trust"), expires_at=now + timedelta(days=29)
    )
    factories.consent(
        case, factories.organisation(name="Later Trust"), expires_at=now + timedelta(days=31)
    )

    page = squash(text(signed_in.get(f"/cases/{case.id}/consents")))

    assert re.search(r"Soon Trust .*? Expires soon ", page)
    assert re.search(r"Later Trust .*? Given ", page)
    assert page.count("Expires soon") == 1


def test_an_expired_consent_cannot_be_withdrawn(signed_in, keyworker, case):
    expired = factories.consent(case, expires_at=utcnow() - timedelta(minutes=1))
    path = f"/consents/{expired.id}/withdraw"

    response = signed_in.get(path)

    assert_redirects(response, f"/cases/{case.id}/consents")
    assert "This consent has already expired" in text(signed_in.get(response.headers["Location"]))
    with pytest.raises(services.ConsentExpired):
        services.withdraw_consent(keyworker, expired.id, "Stop")
    assert consents_of_case_status(expired) == ConsentStatus.EXPIRED
