"""Every feature's tables, imported in one place so that Alembic sees the whole schema."""

from app.assessments.models import NeedsAssessment, NeedScore
from app.audit.models import AuditEntry
from app.auth.models import (
    ApiToken,
    PendingSignIn,
    SetUpLink,
    SignInThrottle,
    User,
    UserSession,
)
from app.cases.models import Case, CaseAllocation, CaseEvent, Person
from app.consent.models import Consent
from app.contracts.models import Condition, Contract
from app.evidence import decided as concern_decisions  # its mapper event
from app.evidence.models import (
    Appointment,
    AttendanceRecord,
    ComplianceConcern,
    ComplianceDecision,
    ConditionEvidence,
)
from app.notifications.models import Notification, NotificationPreference
from app.outcomes.models import OutcomeProposal, ReoffendingCheck, Survey
from app.partners.models import Organisation
from app.referrals import news as partner_news  # its mapper events
from app.referrals.models import Referral, ReferralTransition, ReferralUpdate
from app.retention.models import RetentionDecision
from app.tasks.models import ReferralRead
from app.victims import consulted as victim_consultations  # its mapper event
from app.victims.models import Victim, VictimConsultation, VictimUpdate
from app.victims.owed import refresh as refresh_owed_updates  # and its flush listener
from app.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Appointment",
    "AttendanceRecord",
    "ComplianceConcern",
    "ComplianceDecision",
    "ConditionEvidence",
    "OutcomeProposal",
    "ReoffendingCheck",
    "Survey",
    "VictimConsultation",
    "VictimUpdate",
    "ApiToken",
    "AuditEntry",
    "Case",
    "CaseAllocation",
    "CaseEvent",
    "Condition",
    "Consent",
    "Contract",
    "NeedScore",
    "Notification",
    "NotificationPreference",
    "NeedsAssessment",
    "Organisation",
    "PendingSignIn",
    "Person",
    "Referral",
    "ReferralRead",
    "ReferralTransition",
    "ReferralUpdate",
    "RetentionDecision",
    "SetUpLink",
    "SignInThrottle",
    "User",
    "UserSession",
    "Victim",
    "WebhookDelivery",
    "WebhookEndpoint",
    "concern_decisions",
    "partner_news",
    "refresh_owed_updates",
    "victim_consultations",
]
