"""can_share(): the one rule that decides whether information may go to an organisation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.consent import services
from app.consent.models import ConsentCategory
from app.consent.rules import can_share, shared_categories
from app.database import utcnow
from tests import factories

HOUR = timedelta(hours=1)
TICK = timedelta(microseconds=1)


@pytest.fixture
def given(case, org):
    """A consent to share contact details and housing, given an hour ago, expiring in a day."""
    now = utcnow()
    return factories.consent(
        case,
        org,
        categories=[ConsentCategory.CONTACT_DETAILS, ConsentCategory.HOUSING],
        given_at=now - HOUR,
        expires_at=now + timedelta(days=1),
    )


def test_a_covered_category_may_be_shared(case, org, given):
    assert can_share(case.id, org.id, ConsentCategory.CONTACT_DETAILS) is True
    assert can_share(case.id, org.id, "housing") is True


def test_a_category_the_consent_does_not_cover_may_not(case, org, given):
    assert can_share(case.id, org.id, ConsentCategory.HEALTH) is False
    assert can_share(case.id, org.id, "finances") is False


def test_an_unknown_category_is_never_shareable(case, org, given):
    assert can_share(case.id, org.id, "everything") is False
    assert can_share(case.id, org.id, "") is False


def test_another_organisation_gets_nothing(case, org, given):
    other = factories.organisation()
    assert can_share(case.id, other.id, ConsentCategory.CONTACT_DETAILS) is False
    assert shared_categories(case.id, other.id) == set()


def test_another_case_of_the_same_person_or_keyworker_gets_nothing(case, org, given, keyworker):
    other_case = factories.case(keyworker)
    assert can_share(other_case.id, org.id, ConsentCategory.CONTACT_DETAILS) is False


def test_nothing_before_the_consent_was_given(case, org, given):
    assert can_share(case.id, org.id, "contact_details", at=given.given_at - TICK) is False
    assert can_share(case.id, org.id, "contact_details", at=given.given_at) is True


def test_nothing_from_the_instant_of_withdrawal(case, org, given, keyworker):
    withdrawn = services.withdraw_consent(keyworker, given.id, "The person asked us to stop")
    at = withdrawn.withdrawn_at
    assert can_share(case.id, org.id, "contact_details", at=at - TICK) is True
    assert can_share(case.id, org.id, "contact_details", at=at) is False
    assert can_share(case.id, org.id, "contact_details", at=at + HOUR) is False
    assert can_share(case.id, org.id, "contact_details") is False


def test_nothing_from_the_exact_expiry_instant(case, org, given):
    expires_at = given.expires_at
    assert can_share(case.id, org.id, "housing", at=expires_at - TICK) is True
    assert can_share(case.id, org.id, "housing", at=expires_at) is False
    assert can_share(case.id, org.id, "housing", at=expires_at + TICK) is False


def test_an_expired_consent_shares_nothing_now(case, org):
    now = utcnow()
    factories.consent(case, org, given_at=now - 2 * HOUR, expires_at=now - HOUR)
    assert can_share(case.id, org.id, "contact_details") is False
    assert shared_categories(case.id, org.id) == set()


def test_a_replaced_consent_no_longer_counts(case, org, keyworker):
    first = services.give_consent(
        keyworker, case.id, org.id, ["contact_details", "health"], "written", "2026-04"
    )
    second = services.give_consent(
        keyworker, case.id, org.id, ["contact_details"], "verbal", "2026-04"
    )
    assert shared_categories(case.id, org.id) == {"contact_details"}
    assert can_share(case.id, org.id, "health") is False
    # As it stood before the replacement, the first consent applied.
    assert can_share(case.id, org.id, "health", at=second.given_at - TICK) is True
    assert first.given_at < second.given_at


def test_consents_to_different_organisations_are_independent(case, org, keyworker):
    other = factories.organisation()
    services.give_consent(keyworker, case.id, org.id, ["housing"], "verbal", "2026-04")
    services.give_consent(keyworker, case.id, other.id, ["finances"], "verbal", "2026-04")
    assert shared_categories(case.id, org.id) == {"housing"}
    assert shared_categories(case.id, other.id) == {"finances"}


def test_shared_categories_is_one_query(case, org, given, count_queries):
    factories.consent(case, org, categories=["finances"])
    case_id, org_id = case.id, org.id
    with count_queries() as counter:
        categories = shared_categories(case_id, org_id)
    assert categories == {"contact_details", "housing", "finances"}
    assert counter.count == 1


def test_a_naive_time_is_refused(case, org, given):
    with pytest.raises(ValueError):
        can_share(case.id, org.id, "housing", at=datetime(2026, 11, 22, 12, 0))  # noqa: DTZ001


def test_the_rule_does_not_depend_on_the_case_status(org):
    """Sharing follows consent alone; the case's status is a separate matter."""
    closed = factories.case(status="completed")
    factories.consent(closed, org)
    assert can_share(closed.id, org.id, "contact_details") is True
