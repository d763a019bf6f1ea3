"""Plain-English labels and tag colours for the referral vocabulary."""

from __future__ import annotations

from app.referrals.models import DeclineReason, IntroductionMethod, ReferralOutcome, ReferralStatus

S = ReferralStatus

DECLINE_REASON_LABELS = {
    DeclineReason.NO_CAPACITY: "No capacity",
    DeclineReason.NOT_ELIGIBLE: "Not eligible for the service",
    DeclineReason.OUTSIDE_AREA: "Outside the area the organisation covers",
    DeclineReason.PERSON_DECLINED: "The person declined",
    DeclineReason.OTHER: "Other",
}
OUTCOME_LABELS = {
    ReferralOutcome.ACHIEVED: "Achieved",
    ReferralOutcome.PARTIALLY_ACHIEVED: "Partially achieved",
    ReferralOutcome.NOT_ACHIEVED: "Not achieved",
}
INTRODUCTION_LABELS = {
    IntroductionMethod.THREE_WAY_CALL: "Three-way call",
    IntroductionMethod.JOINT_MEETING: "Joint meeting",
    IntroductionMethod.ACCOMPANIED_FIRST_VISIT: "Accompanied first visit",
    IntroductionMethod.INTRODUCTION_EMAIL: "Introduction email",
}
STATUS_TAGS = {
    S.SENT: "govuk-tag--blue",
    S.ACKNOWLEDGED: "govuk-tag--light-blue",
    S.ACCEPTED: "govuk-tag--turquoise",
    S.DECLINED: "govuk-tag--red",
    S.IN_PROGRESS: "govuk-tag--purple",
    S.COMPLETED: "govuk-tag--green",
    S.CANCELLED: "govuk-tag--grey",
    S.ON_HOLD: "govuk-tag--orange",
}


def status_label(status) -> str:
    return ReferralStatus(status).label


def status_tag(status) -> str:
    return STATUS_TAGS.get(ReferralStatus(status), "govuk-tag--grey")


def decline_reason_label(value) -> str:
    return DECLINE_REASON_LABELS[DeclineReason(value)] if value else ""


def outcome_label(value) -> str:
    return OUTCOME_LABELS[ReferralOutcome(value)] if value else ""


def introduction_label(value) -> str:
    return INTRODUCTION_LABELS[IntroductionMethod(value)] if value else ""
