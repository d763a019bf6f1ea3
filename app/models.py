"""Every feature's tables, imported in one place so that Alembic sees the whole schema."""

from app.assessments.models import NeedsAssessment, NeedScore
from app.audit.models import AuditEntry
from app.auth.models import ApiToken, User, UserSession
from app.cases.models import Case, CaseAllocation, CaseEvent, Person
from app.consent.models import Consent
from app.contracts.models import Condition, Contract
from app.partners.models import Organisation
from app.victims.models import Victim

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Case",
    "CaseAllocation",
    "CaseEvent",
    "Condition",
    "Consent",
    "Contract",
    "NeedScore",
    "NeedsAssessment",
    "Organisation",
    "Person",
    "User",
    "UserSession",
    "Victim",
]
