"""An email to an organisation's referral address names the organisation it is for
(``Notification.organisation_id``); the migration that added the column fills it, for the
emails already queued, from the organisations' addresses."""

from __future__ import annotations

from app.notifications.models import Notification
from tests.helpers import refilled_by_migration, stored_by_id
from tests.referrals import support as referrals


def test_the_migration_names_the_organisation_as_sending_does(app):
    org = referrals.organisation(contact_email="Referrals@Hillside.example")
    referrals.partner(org)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    kept = stored_by_id(Notification.organisation_id)
    assert org.id in kept.values()  # the organisation's own address
    assert None in kept.values()  # the users' emails name no organisation

    assert refilled_by_migration("0023", Notification.organisation_id) == kept
