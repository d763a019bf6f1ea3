"""Realistic referral data for the tests, built on tests/factories.py."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.assessments.models import NeedDomain, NeedLevel
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.cases.models import Case, CaseEvent
from app.consent.models import Consent, ConsentCategory
from app.database import utcnow
from app.dates import today_in_london
from app.extensions import db
from app.notifications.models import Notification
from app.partners.models import Organisation
from app.referrals import services
from app.referrals.lifecycle import hold_referrals_for_consent
from app.referrals.models import (
    IntroductionMethod,
    Referral,
    ReferralStatus,
    ReferralTransition,
)
from app.referrals.reference import reference
from tests import factories
from tests.helpers import api_headers

ALL_CATEGORIES = [c.value for c in ConsentCategory]
_names = itertools.count(1)


def organisation(name: str | None = None, **fields) -> Organisation:
    values = {
        "name": name or f"Hillside Housing Trust {next(_names)}",
        "contact_name": "Pat Partner",
        "contact_phone": "0161 496 0000",
        "contact_email": "referrals@hillside.example",
        "acknowledge_within_days": 2,
        "isa_reference": "ISA-2026-07",
        "isa_expires_on": today_in_london() + timedelta(days=365),
    }
    values.update(fields)
    return factories.organisation(**values)


def partner(org: Organisation, **fields):
    return factories.user(Role.PARTNER, organisation_id=org.id, **fields)


def active_case(keyworker=None, *, assessed: bool = True) -> Case:
    case = factories.case(keyworker, person_fields={"given_name": "Jordan", "family_name": "Ellis"})
    factories.contract(case)
    if assessed:
        factories.assessment(
            case,
            levels={
                NeedDomain.ACCOMMODATION: NeedLevel.HIGH,
                NeedDomain.MENTAL_HEALTH_WELLBEING: NeedLevel.MEDIUM,
                NeedDomain.DRUGS: NeedLevel.HIGH,
                NeedDomain.ALCOHOL: NeedLevel.NO_NEED,
                NeedDomain.FINANCE_DEBT: NeedLevel.LOW,
            },
        )
    db.session.refresh(case)
    return case


def consent(case: Case, org: Organisation, categories=None, **fields) -> Consent:
    return factories.consent(case, org, categories=categories or ALL_CATEGORIES, **fields)


def send(
    case: Case, org: Organisation, actor=None, *, categories=None, conditions=None, **fields
) -> Referral:
    """Send a referral through the real service."""
    actor = actor or case.keyworker
    values = {
        "need": "Help to find settled accommodation",
        "message": "They would prefer a morning appointment.",
        "introduction_method": IntroductionMethod.THREE_WAY_CALL.value,
        "introduction_at": utcnow() + timedelta(days=1),
    }
    values.update(fields)
    if conditions is None:
        conditions = [c.id for c in case.contract.current_conditions[:1]] if case.contract else []
    return services.send_referral(
        actor,
        case.id,
        org.id,
        conditions,
        values["need"],
        values["message"],
        values["introduction_method"],
        values["introduction_at"],
        categories or ["contact_details", "housing", "health"],
    )


def set_status(referral: Referral, status, *, held_from=None) -> Referral:
    """Put a referral in a status directly (for table tests), as if moved there."""
    referral = db.session.get(Referral, referral.id)
    referral.status = ReferralStatus(status).value
    referral.held_from_status = ReferralStatus(held_from).value if held_from else None
    db.session.commit()
    return referral


def withdraw(consent_record: Consent, actor) -> list[Referral]:
    """What the consent service does on withdrawal: stamp the consent, then hold the
    referrals in the same transaction."""
    consent_record = db.session.get(Consent, consent_record.id)
    consent_record.withdrawn_at = utcnow()
    consent_record.withdrawn_by_id = actor.id
    consent_record.withdrawal_reason = "The person changed their mind"
    held = hold_referrals_for_consent(consent_record, actor)
    db.session.commit()
    return held


def headers_for(user) -> dict:
    return api_headers(issue_token(user, days=1).secret)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, uuid.UUID(id_) if isinstance(id_, str) else id_)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def notifications_for(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.created_at)
        )
    )


def audit_actions(object_id) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id)
        )
    )


def transitions(referral) -> list[ReferralTransition]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ReferralTransition)
            .where(ReferralTransition.referral_id == referral.id)
            .order_by(ReferralTransition.id)
        )
    )


def events(case) -> list[CaseEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


@dataclass
class World:
    keyworker: object
    case: Case
    org: Organisation
    partner: object
    colleague: object
    consent: Consent
    referral: Referral

    @property
    def ref(self) -> str:
        return reference(self.referral.id)

    @classmethod
    def build(cls, *, org_name: str | None = None, categories=None) -> World:
        keyworker = factories.user(Role.KEYWORKER, name=f"Kim Keyworker {next(_names)}")
        case = active_case(keyworker)
        org = organisation(org_name)
        first = partner(org, name=f"Priya Partner {next(_names)}")
        second = partner(org, name=f"Chris Colleague {next(_names)}")
        given = consent(case, org)
        referral = send(case, org, keyworker, categories=categories)
        return cls(keyworker, case, org, first, second, given, referral)


def a_monday() -> date:
    return date(2026, 11, 23)
