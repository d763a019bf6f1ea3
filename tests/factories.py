"""The one place that makes test data."""

from __future__ import annotations

import itertools
import time
from datetime import date, timedelta
from functools import cache

from app.assessments.models import (
    AssessmentStage,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    NeedScore,
)
from app.auth import mfa
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.cases.models import Case, CaseStatus, OffenceClass, Person
from app.consent.models import Consent, ConsentCategory, ConsentMethod
from app.contracts.models import AgreementMethod, Condition, ConditionType, Contract
from app.database import utcnow
from app.dates import add_months, contract_end, end_of_day_utc, today_in_london
from app.extensions import db
from app.partners.models import Organisation, ServiceType
from app.victims.models import Victim

PASSWORD = "correct horse battery staple"  # noqa: S105
_sequence = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def organisation(**fields) -> Organisation:
    n = next(_sequence)
    values = {
        "name": f"Partner organisation {n}",
        "service_types": [ServiceType.HOUSING.value],
        "areas": ["North"],
    }
    values.update(fields)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def user(role: Role | str = Role.KEYWORKER, *, enrolled: bool = True, **fields) -> User:
    role = Role(role)
    n = next(_sequence)
    values = {
        "email": f"user{n}@hub.example",
        "name": f"Test {role.label} {n}",
        "role": role.value,
        "password_hash": _password_hash(),
        "totp_secret": mfa.new_secret() if enrolled else None,
    }
    if role == Role.PARTNER and "organisation_id" not in fields and "organisation" not in fields:
        values["organisation_id"] = organisation().id
    values.update(fields)
    account = User(**values)
    db.session.add(account)
    db.session.commit()
    return account


def next_code(account: User) -> str:
    """A valid code that has not been used yet (the current step, or the next if used)."""
    db.session.refresh(account)
    now = time.time()
    step = int(now // mfa.TOTP_INTERVAL)
    if account.totp_last_step is not None and account.totp_last_step >= step:
        step = account.totp_last_step + 1
    return mfa.code_for(account.totp_secret, at=step * mfa.TOTP_INTERVAL)


def person(**fields) -> Person:
    n = next(_sequence)
    values = {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "date_of_birth": date(1990, 5, 17),
        "address": f"{n} Example Street, Exampletown",
        "postcode": "EX1 1AA",
        "email": f"person{n}@example.org",
        "phone": "07700 900123",
        "lives_in_force_area": True,
    }
    values.update(fields)
    return Person(**values)


def case(
    keyworker: User | None = None,
    *,
    status: CaseStatus | str = CaseStatus.ELIGIBLE,
    victims: int = 0,
    person_fields: dict | None = None,
    **fields,
) -> Case:
    """A case, allocated to ``keyworker`` (made if not given; pass keyworker=False for none)."""
    if keyworker is None:
        keyworker = user(Role.KEYWORKER)
    n = next(_sequence)
    creator = keyworker or user(Role.SUPERVISOR)
    values = {
        "crime_reference": f"CR/{n:05d}/26",
        "person": person(**(person_fields or {})),
        "keyworker_id": keyworker.id if keyworker else None,
        "status": CaseStatus(status).value,
        "offence_description": "Theft of goods worth under 200 pounds from a shop",
        "offence_class": OffenceClass.SUMMARY.value,
        "offence_committed_on": date(2026, 10, 1),
        "offence_in_force_area": True,
        "accepts_responsibility": True,
        "agrees_to_participate": True,
        "has_dvpn_or_dvpo": False,
        "on_court_order_or_sentence": False,
        "on_prison_licence": False,
        "on_bail_or_rui_other_offence": False,
        "offended_in_last_two_years": False,
        "eligibility_failed": [] if CaseStatus(status) != CaseStatus.INELIGIBLE else ["age"],
        "created_by_id": creator.id,
    }
    values.update(fields)
    new_case = Case(**values)
    db.session.add(new_case)
    db.session.flush()
    for i in range(victims):
        db.session.add(
            Victim(
                case_id=new_case.id,
                name=f"Victim {n}-{i}",
                email=f"victim{n}{i}@example.org",
                preferred_contact="email",
            )
        )
    db.session.commit()
    return new_case


def contract(
    for_case: Case, *, start_date: date | None = None, conditions: list[dict] | None = None
) -> Contract:
    """A contract with conditions; the case becomes active."""
    start = start_date or today_in_london() - timedelta(days=35)
    new_contract = Contract(
        case_id=for_case.id,
        start_date=start,
        end_date=contract_end(start),
        agreed_on=start,
        agreement_method=AgreementMethod.SIGNED.value,
        created_by_id=for_case.keyworker_id or for_case.created_by_id,
    )
    db.session.add(new_contract)
    db.session.flush()
    for spec in (
        conditions
        if conditions is not None
        else [
            {
                "type": ConditionType.REHABILITATIVE,
                "description": "Attend 4 sessions with a substance misuse service",
                "required_sessions": 4,
            },
            {
                "type": ConditionType.RESTORATIVE,
                "description": "Write a letter of apology to the victim",
            },
        ]
    ):
        db.session.add(
            Condition(
                contract_id=new_contract.id,
                created_by_id=new_contract.created_by_id,
                **{**spec, "type": ConditionType(spec["type"]).value},
            )
        )
    for_case.status = CaseStatus.ACTIVE.value
    db.session.commit()
    return new_contract


def consent(
    for_case: Case,
    org: Organisation | None = None,
    *,
    categories: list[ConsentCategory | str] | None = None,
    **fields,
) -> Consent:
    org = org or organisation()
    values = {
        "case_id": for_case.id,
        "organisation_id": org.id,
        "categories": [
            ConsentCategory(c).value for c in (categories or [ConsentCategory.CONTACT_DETAILS])
        ],
        "method": ConsentMethod.VERBAL.value,
        "notice_version": "2026-04",
        "recorded_by_id": for_case.keyworker_id or for_case.created_by_id,
        "given_at": utcnow(),
        "expires_at": end_of_day_utc(add_months(today_in_london(), 6)),
    }
    values.update(fields)
    record = Consent(**values)
    db.session.add(record)
    db.session.commit()
    return record


def assessment(
    for_case: Case,
    stage: AssessmentStage | str = AssessmentStage.INITIAL,
    levels: dict[NeedDomain, NeedLevel] | None = None,
) -> NeedsAssessment:
    record = NeedsAssessment(
        case_id=for_case.id,
        stage=AssessmentStage(stage).value,
        previous_offending="None recorded",
        offence_context="Context of the offence",
        goals="Find steady work",
        strengths="Supportive family",
        assessed_by_id=for_case.keyworker_id or for_case.created_by_id,
    )
    db.session.add(record)
    db.session.flush()
    for domain in NeedDomain:
        level = (levels or {}).get(domain, NeedLevel.LOW)
        db.session.add(
            NeedScore(
                assessment_id=record.id,
                domain=domain.value,
                level=int(level),
                notes=f"Notes on {domain.label}",
            )
        )
    db.session.commit()
    return record
