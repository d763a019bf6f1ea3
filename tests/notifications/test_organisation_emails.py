"""An email to an organisation's referral address names the organisation it is for
(``Notification.organisation_id``); the migration that added the column fills it, for the
emails already queued, from the organisations' addresses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import select, text, update

from app.extensions import db
from app.notifications.models import Notification
from tests.referrals import support as referrals

MIGRATION = next(
    Path(__file__)
    .resolve()
    .parents[2]
    .glob("app/migrations/versions/0023_*notifications_organisation_id.py")
)


def test_the_migration_names_the_organisation_as_sending_does(app):
    org = referrals.organisation(contact_email="Referrals@Hillside.example")
    referrals.partner(org)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    db.session.expire_all()
    kept = dict(db.session.execute(select(Notification.id, Notification.organisation_id)).all())
    assert org.id in kept.values()  # the organisation's own address
    assert None in kept.values()  # the users' emails name no organisation

    spec = importlib.util.spec_from_file_location("organisation_id_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(update(Notification).values(organisation_id=None))
    db.session.execute(text(migration.FILL))
    db.session.commit()
    db.session.expire_all()
    assert (
        dict(db.session.execute(select(Notification.id, Notification.organisation_id)).all())
        == kept
    )
