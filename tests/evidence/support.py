"""An evidence world: a keyworker's active case whose contract has a rehabilitative
condition needing four sessions and a restorative one needing none, a partner
organisation with consent and a referral serving the rehabilitative condition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.auth.roles import Role
from app.cases.models import Case
from app.contracts.models import Condition, ConditionType
from app.database import utcnow
from app.evidence import attendance, services
from app.extensions import db
from app.partners.models import Organisation
from app.referrals.models import Referral
from tests import factories
from tests.referrals import support as referral_support

REHAB = {
    "type": ConditionType.REHABILITATIVE,
    "description": "Attend 4 sessions with a substance misuse service",
    "required_sessions": 4,
}
APOLOGY = {"type": ConditionType.RESTORATIVE, "description": "Write a letter of apology"}


def past(days: int = 1, hours: int = 0):
    return utcnow() - timedelta(days=days, hours=hours)


@dataclass
class World:
    keyworker: object
    case: Case
    org: Organisation
    partner: object
    referral: Referral
    rehab: Condition
    apology: Condition

    @classmethod
    def build(cls, org_name: str | None = None) -> World:
        keyworker = factories.user(Role.KEYWORKER)
        case = factories.case(keyworker)
        contract = factories.contract(case, conditions=[REHAB, APOLOGY])
        rehab = next(c for c in contract.conditions if c.type == "rehabilitative")
        apology = next(c for c in contract.conditions if c.type == "restorative")
        org = referral_support.organisation(org_name)
        partner = referral_support.partner(org)
        referral_support.consent(case, org)
        db.session.refresh(case)
        referral = referral_support.send(case, org, keyworker, conditions=[rehab.id])
        return cls(keyworker, case, org, partner, referral, rehab, apology)

    def book(self, starts_at=None, mode="in_person", location="Hope Street clinic"):
        return services.book_appointment(
            self.partner,
            self.referral.id,
            starts_at=starts_at or past(),
            mode=mode,
            location=location,
        )

    def attend(self, appointment, status="attended", **answer):
        return attendance.record_attendance(
            self.partner,
            appointment.id,
            attendance.AttendanceAnswer(
                status=status, **{k: v for k, v in answer.items() if k != "correction_reason"}
            ),
            correction_reason=answer.get("correction_reason"),
        )
