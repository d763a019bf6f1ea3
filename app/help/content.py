"""What the help page says, built from the hub's own vocabularies and rules so it cannot
drift from them: every case and referral status, outcome code and condition type is read
from its enum or label table here, and every number (days, ages) from the constant the
hub itself uses. Only the plain-English meanings are written here, one per member; a test
checks that every member has one, so a new status cannot appear without an explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.cases.models import CaseStatus
from app.consent.models import EXPIRY_WARNING
from app.contracts.models import ConditionType
from app.dates import CONTRACT_DAYS
from app.outcomes.checks import REOFFENDING_CHECK_DAYS
from app.outcomes.codes import ADULT_AGE, OUTCOME_24_FROM
from app.outcomes.services import CODE_TEXTS, RESULT_LABELS
from app.partners.models import Organisation
from app.referrals.labels import OUTCOME_LABELS
from app.referrals.models import ReferralStatus
from app.referrals.moves import MOVES
from app.referrals.policy import Actor
from app.tasks.rules import CONTRACT_ENDING_DAYS
from app.text import long_date
from app.victims.due import ENHANCED_WORKING_DAYS, STANDARD_WORKING_DAYS


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    meaning: str
    who: str = ""  # who (or what) moves a record to this status


CASE_STATUS_MEANINGS = {
    CaseStatus.ELIGIBLE: "Referred into the team and passed the eligibility check. "
    "Waiting for a supervisor to allocate a keyworker.",
    CaseStatus.INELIGIBLE: "Failed one or more eligibility rules. The case is dealt with "
    "another way; the rules it failed are listed on the case.",
    CaseStatus.ALLOCATED: "A keyworker holds the case and is agreeing a contract with the person.",
    CaseStatus.ACTIVE: f"The person agreed a contract. It lasts {CONTRACT_DAYS // 7} weeks "
    f"({CONTRACT_DAYS} days) from its start date.",
    CaseStatus.COMPLETED: "The person kept to their contract and a supervisor decided the "
    "outcome: they will not be prosecuted for this offence.",
    CaseStatus.BREACHED: "The person did not keep to their contract. The case goes back "
    "for charge.",
    CaseStatus.OPTED_OUT: "The person chose to leave the scheme. The case goes back for charge.",
    CaseStatus.WITHDRAWN: "The case is no longer dealt with by deferred prosecution.",
}

REFERRAL_STATUS_MEANINGS = {
    ReferralStatus.SENT: "The keyworker sent the warm introduction. The partner "
    "organisation has not acknowledged it yet.",
    ReferralStatus.ACKNOWLEDGED: "The partner organisation has seen the referral and is "
    "deciding whether to accept it.",
    ReferralStatus.ACCEPTED: "The partner organisation will work with the person.",
    ReferralStatus.DECLINED: "The partner organisation cannot work with the person. The "
    "reason is recorded on the referral.",
    ReferralStatus.IN_PROGRESS: "The person is taking part: appointments are booked or attended.",
    ReferralStatus.COMPLETED: "The work with the partner organisation has ended. Its "
    "result is recorded as an outcome (below).",
    ReferralStatus.CANCELLED: "The keyworker or a supervisor stopped the referral. The "
    "reason is recorded.",
    ReferralStatus.ON_HOLD: "The person's consent to share with this organisation was "
    "withdrawn or has expired: the organisation sees nothing shared until it is given "
    "again and the referral resumed.",
}

ACTOR_WORDS = {
    Actor.PARTNER: "the partner organisation",
    Actor.CASE_STAFF: "the keyworker or a supervisor",
}
# The hub moves a referral itself for one reason per status it moves it to.
SYSTEM_WORDS = {
    ReferralStatus.ON_HOLD: "the hub, when consent is withdrawn or expires",
    ReferralStatus.IN_PROGRESS: "the hub, when the first session that took place is recorded",
}

OUTCOME_CODE_MEANINGS = {
    "24": f"The person was {ADULT_AGE} or over on the date of the offence and completed their "
    "contract. Recorded with the Home Office as crime outcome 24 (from "
    f"{long_date(OUTCOME_24_FROM)}).",
    "23": f"The person was under {ADULT_AGE} on the date of the offence and completed their "
    f"contract. Recorded as crime outcome 23 (from {long_date(OUTCOME_24_FROM)}).",
    "charge": "The person breached their contract or opted out. The prosecution resumes.",
}

CONDITION_MEANINGS = {
    ConditionType.RESTORATIVE: (
        "Puts right the harm done to the victim.",
        "a letter of apology, a restorative meeting",
    ),
    ConditionType.REHABILITATIVE: (
        "Tackles the reasons for the offending.",
        "attending a substance misuse service, mental health support",
    ),
    ConditionType.REPARATIVE: (
        "Makes amends to the victim or the community.",
        "paying compensation, unpaid work for the community",
    ),
    ConditionType.RESTRICTIVE: (
        "Limits what the person may do, to protect the victim or others.",
        "not to contact the victim, not to enter an area",
    ),
}


def _movers(status: ReferralStatus) -> str:
    # Resuming a held referral returns it to where it was: not how it first gets there.
    moves = [m for m in MOVES if m.target == status and m.action != "resume"]
    actors = [actor for actor in Actor if any(m.actor == actor for m in moves)]
    if status == ReferralStatus.SENT:
        return "the keyworker, sending it"
    words = [SYSTEM_WORDS[status] if a == Actor.SYSTEM else ACTOR_WORDS[a] for a in actors]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def case_statuses() -> list[Term]:
    return [Term(s.value, s.label, CASE_STATUS_MEANINGS[s]) for s in CaseStatus]


def referral_statuses() -> list[Term]:
    return [Term(s.value, s.label, REFERRAL_STATUS_MEANINGS[s], _movers(s)) for s in ReferralStatus]


def referral_outcomes() -> list[Term]:
    return [Term(o.value, label, "") for o, label in OUTCOME_LABELS.items()]


OUTCOME_22_NOTE = (
    f"Before {long_date(OUTCOME_24_FROM)}, completed cases were recorded as crime outcome 22 "
    "(diversionary, educational or intervention activity). Imported historic cases keep that "
    "code."
)


def outcome_codes() -> list[Term]:
    return [Term(code, text, OUTCOME_CODE_MEANINGS[code]) for code, text in CODE_TEXTS.items()]


def outcome_results() -> list[Term]:
    return [Term(code, label, "") for code, label in RESULT_LABELS.items()]


def condition_types() -> list[Term]:
    return [
        Term(
            c.value, c.label, f"{CONDITION_MEANINGS[c][0]} For example, {CONDITION_MEANINGS[c][1]}."
        )
        for c in ConditionType
    ]


@dataclass(frozen=True)
class Timescales:
    contract_days: int
    contract_weeks: int
    victim_working_days: int
    enhanced_working_days: int
    acknowledge_default_days: int
    contract_ending_days: int
    consent_warning_days: int
    reoffending_check_days: int
    minimum_age: int


def timescales() -> Timescales:
    default_acknowledge = Organisation.__table__.c.acknowledge_within_days.default.arg
    return Timescales(
        contract_days=CONTRACT_DAYS,
        contract_weeks=CONTRACT_DAYS // 7,
        victim_working_days=STANDARD_WORKING_DAYS,
        enhanced_working_days=ENHANCED_WORKING_DAYS,
        acknowledge_default_days=default_acknowledge,
        contract_ending_days=CONTRACT_ENDING_DAYS,
        consent_warning_days=EXPIRY_WARNING.days,
        reoffending_check_days=REOFFENDING_CHECK_DAYS,
        minimum_age=current_app.config["MINIMUM_AGE"],
    )


@dataclass(frozen=True)
class Contact:
    team: str
    email: str | None
    phone: str | None
    hours: str | None


def contact() -> Contact:
    config = current_app.config
    return Contact(
        team=config["HELP_CONTACT_TEAM"],
        email=config["HELP_CONTACT_EMAIL"] or None,
        phone=config["HELP_CONTACT_PHONE"] or None,
        hours=config["HELP_CONTACT_HOURS"] or None,
    )
