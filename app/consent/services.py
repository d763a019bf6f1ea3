"""Consent use-cases: give and withdraw. The reads (the list, the case's consent page, the
summary the person takes away) are ``app.consent.queries``.

Each public function owns its transaction (one commit), checks the case through
``app.cases.policy`` (a case outside the caller's scope is "not found"), and raises a
domain error before anything is written when the input breaks a rule. Whether sharing is
allowed is decided in ``app.consent.rules`` alone; this module only records consents.

Decisions recorded here:

- **A new consent replaces the current one.** Giving consent for an organisation that
  already has a consent in force for the case withdraws the older one automatically, at
  the same instant, with the reason "Replaced by a new consent". So there is exactly one
  consent in force per organisation, and what may be shared is exactly what the person
  agreed to most recently (a narrower new consent really narrows). The older record stays
  as history: consents are never edited apart from being stamped withdrawn, and never
  deleted.
- **Default expiry**: the contract's end date plus three months; with no contract yet, the
  end a contract starting today would have (today in London + 112 days) plus three months.
  A consent expires at the end of its expiry date in UK time (``end_of_day_utc``). An
  expiry date entered by hand must be after today and no more than two years ahead (a
  consent for a 16-week scheme has no business lasting longer, and it keeps the
  arithmetic away from the end of the calendar).
- **Withdrawal takes effect at once** (``withdrawn_at`` is the moment of the request) and
  is told to the keyworker on the case's timeline. Every consent that stops (withdrawn or
  replaced) sends ``app.events.consent_withdrawn`` in the same transaction, before the
  commit; the referrals package answers it by putting the open referrals to the
  organisation on hold, so the withdrawal and its consequences commit together.
- **Consent is not eligibility**: nothing here changes the case's status or eligibility.
  Consent can only be recorded while the case is still open (not ineligible, completed,
  breached, opted out or withdrawn); withdrawing is always possible.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import events
from app.audit import services as audit
from app.cases.models import CLOSED_STATUSES, Case, CaseStatus
from app.cases.policy import get_case_for
from app.cases.timeline import add_event
from app.consent.models import (
    CATEGORY_LABELS,
    Consent,
    ConsentCategory,
    ConsentMethod,
    ConsentStatus,
)
from app.consent.rules import in_force_at
from app.database import utcnow
from app.dates import add_months, contract_end, end_of_day_utc, today_in_london
from app.errors import Conflict, InvalidInput, NotFound, StaleVersion
from app.extensions import db
from app.partners.models import Organisation
from app.text import and_list, as_uuid, long_date

PAGE_SIZE = 50
MAX_PER_PAGE = 200
MONTHS_AFTER_CONTRACT = 3
MAX_EXPIRY_MONTHS = 24
NOTICE_VERSION_MAX = 40
REASON_MAX = 1000
REPLACED_REASON = "Replaced by a new consent"

# Cases that can take no new consent: they have gone no further or have ended.
NO_NEW_CONSENT = frozenset({*CLOSED_STATUSES, CaseStatus.INELIGIBLE.value})

# What each category holds, for staff (form hints). Health and substance use are special
# category data, and finances are sensitive: the hints say so.
CATEGORY_HINTS = {
    ConsentCategory.CONTACT_DETAILS: "Address, phone number and email address",
    ConsentCategory.OFFENCE_SUMMARY: "A short description of the offence, without the "
    "victim's details",
    ConsentCategory.NEEDS_SUMMARY: "The needs found in the needs assessment and how high "
    "each one is",
    ConsentCategory.HEALTH: "Sensitive: physical and mental health. Ask about this "
    "category on its own",
    ConsentCategory.SUBSTANCE_USE: "Sensitive: use of drugs or alcohol. Ask about this "
    "category on its own",
    ConsentCategory.HOUSING: "Where the person lives and their housing situation",
    ConsentCategory.FINANCES: "Sensitive: income, benefits and debts",
}

# What each category holds, in plain English for the person (the printable summary).
CATEGORY_FOR_PERSON = {
    ConsentCategory.CONTACT_DETAILS: "your address, phone number and email address",
    ConsentCategory.OFFENCE_SUMMARY: "a short description of the offence",
    ConsentCategory.NEEDS_SUMMARY: "a summary of the help you need, from the conversation "
    "you had with your keyworker about your needs",
    ConsentCategory.HEALTH: "information about your physical and mental health",
    ConsentCategory.SUBSTANCE_USE: "information about your use of drugs or alcohol",
    ConsentCategory.HOUSING: "information about where you live and your housing",
    ConsentCategory.FINANCES: "information about your money, benefits and debts",
}


class CaseClosed(Conflict):
    code = "case_closed"


class AlreadyWithdrawn(Conflict):
    code = "already_withdrawn"


class ConsentExpired(Conflict):
    code = "consent_expired"


# Rules ------------------------------------------------------------------------------


def can_record_consent(case: Case) -> bool:
    return case.status not in NO_NEW_CONSENT


def closed_message(case: Case) -> str:
    status = CaseStatus(case.status).label.lower()
    return f"Consent cannot be recorded because the case is {status}"


def withdrawal_refusal(consent: Consent, at: datetime | None = None) -> Conflict | None:
    """Why ``consent`` cannot be withdrawn at ``at`` (now), or None: only a consent in
    force can be."""
    status = consent.status_at(at or utcnow())
    if status == ConsentStatus.WITHDRAWN:
        return AlreadyWithdrawn("This consent has already been withdrawn")
    if status == ConsentStatus.EXPIRED:
        return ConsentExpired("This consent has already expired")
    return None


def default_expiry(case: Case, *, today: date | None = None) -> date:
    """The contract's end plus three months; without a contract, the end of one starting
    today (UK date) plus three months."""
    base = case.contract.end_date if case.contract else contract_end(today or today_in_london())
    return add_months(base, MONTHS_AFTER_CONTRACT)


def latest_expiry(*, today: date | None = None) -> date:
    return add_months(today or today_in_london(), MAX_EXPIRY_MONTHS)


def ordered_categories(values: Iterable[str]) -> list[str]:
    """Known category values, without repeats, in the vocabulary's order."""
    wanted = set(values)
    return [c.value for c in ConsentCategory if c.value in wanted]


def category_labels(values: Iterable[str]) -> list[str]:
    return [CATEGORY_LABELS[ConsentCategory(v)] for v in ordered_categories(values)]


# Giving and withdrawing ---------------------------------------------------------------


def give_consent(
    actor,
    case_id: uuid.UUID,
    organisation_id: uuid.UUID | str | None,
    categories: Iterable[str] | None,
    method: str | None,
    notice_version: str | None,
    expires_on: date | None = None,
) -> Consent:
    """Record the person's consent to share ``categories`` with one organisation.

    Replaces (withdraws) any consent to that organisation still in force for the case.
    Raises NotFound (case out of scope), CaseClosed, or InvalidInput with field errors.
    """
    case = get_case_for(actor, case_id, for_update=True)
    if not can_record_consent(case):
        raise CaseClosed(closed_message(case))
    today = today_in_london()
    clean = _validated(case, organisation_id, categories, method, notice_version, expires_on, today)
    organisation: Organisation = clean["organisation"]

    now = utcnow()
    replaced = _in_force(case.id, organisation.id, now)
    consent = Consent(
        case_id=case.id,
        organisation_id=organisation.id,
        categories=clean["categories"],
        method=clean["method"],
        notice_version=clean["notice_version"],
        recorded_by_id=actor.id,
        given_at=now,
        expires_at=end_of_day_utc(clean["expires_on"]),
    )
    db.session.add(consent)
    db.session.flush()
    for old in replaced:
        old.withdrawn_at = now
        old.withdrawn_by_id = actor.id
        old.withdrawal_reason = REPLACED_REASON
        _write_or_stale()
        audit.record(
            "consent.withdrawn",
            "consent",
            old.id,
            actor=actor,
            reason=REPLACED_REASON,
            details={
                "case_id": str(case.id),
                "organisation_id": str(organisation.id),
                "replaced_by": str(consent.id),
            },
        )
        events.consent_withdrawn.send(old, replaced_by=consent)
    audit.record(
        "consent.given",
        "consent",
        consent.id,
        actor=actor,
        details={
            "case_id": str(case.id),
            "organisation_id": str(organisation.id),
            "categories": consent.categories,
            "method": consent.method,
            "notice_version": consent.notice_version,
            "expires_on": clean["expires_on"].isoformat(),
            "replaces": [str(old.id) for old in replaced],
        },
    )
    summary = (
        f"Consent recorded to share {and_list(category_labels(consent.categories)).lower()} "
        f"with {organisation.name} until {long_date(clean['expires_on'])} "
        f"({ConsentMethod(consent.method).label.lower()}, privacy notice "
        f"{consent.notice_version})."
    )
    if replaced:
        summary += " It replaces the earlier consent to this organisation."
    add_event(case, "consent.given", summary, actor=actor)
    db.session.commit()
    return consent


def withdraw_consent(
    actor, consent_id: uuid.UUID, reason: str | None, version: int | None = None
) -> Consent:
    """Withdraw a consent, with effect from this moment. Nothing more of the person's
    information may go to the organisation (``rules.can_share`` answers no at once).

    Raises NotFound (no such consent, or its case is out of scope), StaleVersion (the
    consent changed since ``version`` was read), AlreadyWithdrawn, ConsentExpired, or
    InvalidInput (no reason).
    """
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("No such consent")
    case = get_case_for(actor, consent.case_id, for_update=True)
    db.session.refresh(consent)  # after the case lock: the latest state, not a cached one
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Enter the reason for withdrawing consent"})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Reason must be {REASON_MAX} characters or fewer"})
    if version is not None and version != consent.version:
        raise StaleVersion(
            "This consent changed since you read it. Reload it and try again", field="version"
        )
    now = utcnow()
    refused = withdrawal_refusal(consent, now)
    if refused is not None:
        raise refused

    consent.withdrawn_at = now
    consent.withdrawn_by_id = actor.id
    consent.withdrawal_reason = reason
    _write_or_stale()  # the UPDATE checks the version read (version_id_col)
    audit.record(
        "consent.withdrawn",
        "consent",
        consent.id,
        actor=actor,
        details={"case_id": str(case.id), "organisation_id": str(consent.organisation_id)},
    )
    add_event(
        case,
        "consent.withdrawn",
        f"Consent to share information with {consent.organisation.name} was withdrawn by "
        f"{actor.name}, with effect at once. Nothing more of the person's information may be "
        "shown or sent to them.",
        actor=actor,
    )
    events.consent_withdrawn.send(consent, replaced_by=None)
    db.session.commit()
    return consent


def _write_or_stale() -> None:
    """Flush; a row changed by someone else since it was read becomes StaleVersion."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(
            "This consent changed since you read it. Reload it and try again", field="version"
        ) from None


def _in_force(case_id: uuid.UUID, organisation_id: uuid.UUID, at: datetime) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent).where(
                Consent.case_id == case_id,
                Consent.organisation_id == organisation_id,
                in_force_at(at),
            )
        )
    )


# Input --------------------------------------------------------------------------------


def _validated(
    case: Case,
    organisation_id,
    categories,
    method,
    notice_version,
    expires_on: date | None,
    today: date,
) -> dict:
    errors: dict[str, str] = {}

    organisation = None
    org_uuid = as_uuid(organisation_id)
    if org_uuid is not None:
        organisation = db.session.get(Organisation, org_uuid)
    if organisation is None or not organisation.active:
        errors["organisation_id"] = "Select an organisation from the list"

    values = [categories] if isinstance(categories, str) else list(categories or [])
    known = {c.value for c in ConsentCategory}
    if not values:
        errors["categories"] = "Select the information the person agrees to share"
    elif any(not isinstance(v, str) or v not in known for v in values):
        errors["categories"] = "Select information from the list"

    if method not in {m.value for m in ConsentMethod}:
        errors["method"] = "Select how the person gave consent"

    notice = (notice_version or "").strip() if isinstance(notice_version, str) else ""
    if not notice:
        errors["notice_version"] = "Enter the version of the privacy notice you explained"
    elif len(notice) > NOTICE_VERSION_MAX:
        errors["notice_version"] = (
            f"Privacy notice version must be {NOTICE_VERSION_MAX} characters or fewer"
        )

    if expires_on is not None:
        if expires_on <= today:
            errors["expires_on"] = "Expiry date must be in the future"
        elif expires_on > latest_expiry(today=today):
            errors["expires_on"] = (
                f"Expiry date must be no more than {MAX_EXPIRY_MONTHS // 12} years from today"
            )
        expiry = expires_on
    else:
        expiry = default_expiry(case, today=today)
        if expiry <= today:
            errors["expires_on"] = (
                "The usual expiry, 3 months after the contract ended, has passed: "
                "enter an expiry date"
            )

    if errors:
        raise InvalidInput(errors, "The consent details are not valid")
    return {
        "organisation": organisation,
        "categories": ordered_categories(values),
        "method": method,
        "notice_version": notice,
        "expires_on": expiry,
    }
