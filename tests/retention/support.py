"""Test data for the retention tests: cases either side of each retention period, and
ways to read what the database holds about one case.

Each case is built by ``tests.victims.support.planted_case`` (a planted string in every
field that holds personal data), then moved back in time.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.roles import Role
from app.cases.models import Case, CaseStatus
from app.consent.models import ConsentCategory
from app.dates import add_months, age_on, today_in_london
from app.extensions import db
from app.referrals.models import Referral
from app.victims.models import VictimUpdate
from tests import factories
from tests.victims.support import PERSON_EMAIL, PERSON_PHONE, london_noon, planted_case, victim

# What the database must no longer hold about an erased case (the planted personal data).
PERSON_DATA = [
    "PLANTED-PERSON-GIVEN",
    "PLANTED-PERSON-FAMILY",
    "PLANTED-PERSON-ADDRESS",
    PERSON_PHONE,
    PERSON_EMAIL,
    "ZZ9 9ZZ",
    "PLANTED-OFFENCE-DETAIL",
    "PLANTED-NEEDS-NOTE",
    "PLANTED-HEALTH",
    "PLANTED-SUBSTANCE",
    "PLANTED-HOUSING",
    "PLANTED-FINANCES",
    "PLANTED-PREVIOUS-OFFENDING",
    "PLANTED-OFFENCE-CONTEXT",
    "PLANTED-GOALS",
    "PLANTED-STRENGTHS",
    "PLANTED-REHAB-CONDITION",
    "PLANTED-REHAB-VICTIM-FLAGGED",
    "PLANTED-RESTRICTIVE-OTHER",
    "Write a letter of apology to the shop owner",
    "PLANTED-REFERRAL-NEED",
    "PLANTED-REFERRAL-MESSAGE",
    "PLANTED-REFERRAL-UPDATE",
    "PLANTED-DECLINE-DETAILS",
    "PLANTED-APPOINTMENT-LOCATION",
    "PLANTED-ATTENDANCE-NOTE",
    "PLANTED-ATTENDANCE-CONCERN",
    "PLANTED-EVIDENCE-NOTE",
    "PLANTED-COMPLIANCE-SUMMARY",
    "PLANTED-DECISION-REASON",
    "PLANTED-OUTCOME-REASON",
    "PLANTED-TIMELINE-SUMMARY",
    "PLANTED-VICTIM-UPDATE",
    "CR/",  # the crime reference
]
VICTIM_NAME = "Vera Victim"
VICTIM_CONTACT = ["vera.victim@example.org", "07700 900111", "2 Victim Lane"]

# The columns erasure empties or coarsens (and the version counters and update times it
# moves on): every other column of these tables is a fact the reports may count, and
# must not change.
PERSONAL_COLUMNS = {
    "people": {
        "given_name",
        "family_name",
        "date_of_birth",
        "address",
        "postcode",
        "email",
        "phone",
        "gender",
        "search_name",  # the name as search compares it (app.text.search_key)
    },
    "cases": {"crime_reference", "offence_description", "version", "updated_at"},
    "case_allocations": {"reason"},
    "victims": {"name", "email", "phone", "address"},
    "victim_consultations": {"views", "requested_actions", "not_included_reason"},
    "victim_updates": {"summary"},
    "consents": {"withdrawal_reason"},
    "contracts": set(),
    "conditions": {"description", "variation_reason"},
    "condition_evidence": {"note"},
    "referrals": {
        "need",
        "message",
        "shared_snapshot",
        "decline_details",
        "version",
        "updated_at",
    },
    "referral_conditions": set(),
    "referral_transitions": {"reason"},
    "referral_updates": {"body"},
    "appointments": {"location", "reschedule_reason", "updated_at"},
    "attendance_records": {"notes", "concern", "correction_reason"},
    "compliance_concerns": {"summary"},
    "compliance_decisions": {"reason"},
    "needs_assessments": {"previous_offending", "offence_context", "goals", "strengths"},
    "need_scores": {"notes"},
    "outcome_proposals": {"reason", "decision_reason"},
    "surveys": {"comments"},
    "reoffending_checks": {"reoffence", "updated_at"},
}


@dataclass
class World:
    cases: dict[str, Case]
    keyworker: object
    admin: object
    partner: object
    liaison: object
    due: dict[str, str]  # name -> scope, for the cases due today


def _completed_on(planted, end: date) -> None:
    """Move a planted completed case back so that its contract ended on ``end``."""
    case, contract = planted.case, planted.case.contract
    contract.start_date = end - timedelta(days=112)
    contract.agreed_on = contract.start_date
    contract.end_date = end
    case.created_at = london_noon(end - timedelta(days=150))
    case.outcome_decided_at = london_noon(end + timedelta(days=7))
    db.session.commit()


def _victim_update(case: Case, on: date, keyworker) -> None:
    db.session.add(
        VictimUpdate(
            case_id=case.id,
            victim_id=case.victims[0].id,
            method="email",
            summary="PLANTED-VICTIM-UPDATE: the contract is complete",
            given_at=london_noon(on),
            given_by_id=keyworker.id,
        )
    )
    db.session.commit()


def _shares_contact_details(planted) -> Referral:
    """The planted referral shares the person's contact details and health, under a
    consent in force, as a real referral's snapshot holds them."""
    referral = db.session.scalar(sa.select(Referral).where(Referral.case_id == planted.case.id))
    factories.consent(
        planted.case,
        referral.organisation,
        categories=[ConsentCategory.CONTACT_DETAILS, ConsentCategory.HEALTH],
    )
    referral.shared_categories = ["contact_details", "health"]
    referral.shared_snapshot = {
        "contact_details": {
            "name": "PLANTED-PERSON-GIVEN PLANTED-PERSON-FAMILY",
            "address": "PLANTED-PERSON-ADDRESS, 1 Hidden Road",
            "postcode": "ZZ9 9ZZ",
            "phone": PERSON_PHONE,
            "email": PERSON_EMAIL,
        },
        "health": {
            "assessed_on": "2020-01-01",
            "domains": [
                {"domain": "mental_health_wellbeing", "level": 3, "notes": "PLANTED-HEALTH low"}
            ],
        },
    }
    db.session.commit()
    return referral


def build_world() -> World:
    today = today_in_london()
    case_cutoff = add_months(today, -72)
    ineligible_cutoff = add_months(today, -24)
    victim_cutoff = add_months(today, -12)
    keyworker = factories.user(Role.KEYWORKER)
    cases: dict[str, Case] = {}

    for name, end in (("ended_on_cutoff", case_cutoff), ("ended_a_day_later", case_cutoff)):
        planted = planted_case("completed", keyworker)
        _completed_on(planted, end if name == "ended_on_cutoff" else end + timedelta(days=1))
        _victim_update(planted.case, end + timedelta(days=10), keyworker)
        cases[name] = planted.case
    referral = _shares_contact_details(_planted_of(cases["ended_on_cutoff"], keyworker))

    breached = planted_case("breached", keyworker)
    breached.case.outcome_decided_at = london_noon(case_cutoff - timedelta(days=30))
    breached.case.created_at = london_noon(case_cutoff - timedelta(days=200))
    db.session.commit()
    cases["breached_long_ago"] = breached.case

    for name, day in (
        ("ineligible_on_cutoff", ineligible_cutoff),
        ("ineligible_a_day_later", ineligible_cutoff + timedelta(days=1)),
    ):
        ineligible = factories.case(
            keyworker,
            status=CaseStatus.INELIGIBLE,
            created_at=london_noon(day),
            offence_description="PLANTED-OFFENCE-DETAIL: ineligible",
            person_fields={"given_name": "PLANTED-PERSON-GIVEN", "postcode": "ZZ9 9ZZ"},
        )
        victim(ineligible)
        cases[name] = ineligible

    for name, day in (
        ("victim_updated_on_cutoff", victim_cutoff),
        ("victim_updated_a_day_later", victim_cutoff + timedelta(days=1)),
    ):
        planted = planted_case("completed", keyworker)
        _completed_on(planted, add_months(today, -24))
        _victim_update(planted.case, day, keyworker)
        cases[name] = planted.case

    active = planted_case("active", keyworker)
    active.case.created_at = london_noon(add_months(today, -96))
    db.session.commit()
    cases["active_for_years"] = active.case

    return World(
        cases=cases,
        keyworker=keyworker,
        admin=factories.user(Role.ADMIN),
        partner=factories.user(Role.PARTNER, organisation_id=referral.organisation_id),
        liaison=factories.user(Role.VICTIM_LIAISON),
        due={
            "ended_on_cutoff": "case",
            "breached_long_ago": "case",
            "ineligible_on_cutoff": "case",
            "victim_updated_on_cutoff": "victim_contact",
            # Not yet due for full erasure, but a year past their end and last update:
            "ended_a_day_later": "victim_contact",
            "ineligible_a_day_later": "victim_contact",
        },
    )


def _planted_of(case: Case, keyworker):
    return type("Planted", (), {"case": case, "keyworker": keyworker})


# Reading the database -------------------------------------------------------------------


def case_rows(case_id: uuid.UUID) -> dict[str, list[dict]]:
    """Every row the database holds for one case: the case, its person, and every row that
    points at them, directly or through another (users, organisations and the audit log
    aside, which belong to no case)."""
    metadata = db.metadata
    person_id = db.session.scalar(sa.select(Case.person_id).where(Case.id == case_id))
    found: dict[str, dict] = {"cases": {case_id: None}, "people": {person_id: None}}
    changed = True
    while changed:
        changed = False
        for table in metadata.sorted_tables:
            if table.name in {"audit_entries", "users", "organisations"}:
                continue
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if target not in found or fk.column.name != "id":
                    continue
                ids = list(found[target])
                rows = db.session.execute(sa.select(table).where(fk.parent.in_(ids))).mappings()
                for row in rows:
                    key = row.get("id", tuple(row.values()))
                    if key not in found.setdefault(table.name, {}):
                        found[table.name][key] = dict(row)
                        changed = True
    found["cases"][case_id] = dict(
        db.session.execute(sa.select(Case.__table__).where(Case.id == case_id)).mappings().one()
    )
    people = db.metadata.tables["people"]
    found["people"][person_id] = dict(
        db.session.execute(sa.select(people).where(people.c.id == person_id)).mappings().one()
    )
    return {name: list(rows.values()) for name, rows in found.items()}


def case_text(case_id: uuid.UUID) -> str:
    """Every value the database holds for one case, as one text."""
    return "\n".join(
        repr(value)
        for rows in case_rows(case_id).values()
        for row in rows
        for value in row.values()
    )


def facts() -> dict[str, list[str]]:
    """Every row of the case tables without its personal columns, sorted: what the
    reports can count. Equal before and after erasure means no fact changed."""
    result = {}
    for name, personal in PERSONAL_COLUMNS.items():
        table = db.metadata.tables[name]
        columns = [c for c in table.columns if c.name not in personal]
        rows = db.session.execute(sa.select(*columns)).all()
        result[name] = sorted(repr(tuple(row)) for row in rows)
    return result


def figures() -> dict[str, Counter]:
    """Aggregates the reports count, computed as a report would."""
    people = db.metadata.tables["people"]
    cases = db.metadata.tables["cases"]
    attendance = db.metadata.tables["attendance_records"]
    scores = db.metadata.tables["need_scores"]
    assessments = db.metadata.tables["needs_assessments"]

    def count(statement) -> Counter:
        return Counter({tuple(row[:-1]): row[-1] for row in db.session.execute(statement)})

    by_person = db.session.execute(
        sa.select(cases.c.offence_committed_on, people.c.date_of_birth, people.c.postcode).join(
            people, people.c.id == cases.c.person_id
        )
    ).all()
    return {
        "cases by status and outcome": count(
            sa.select(cases.c.status, cases.c.outcome_code, sa.func.count()).group_by(
                cases.c.status, cases.c.outcome_code
            )
        ),
        "attendance by status": count(
            sa.select(attendance.c.status, sa.func.count()).group_by(attendance.c.status)
        ),
        "need scores by stage and domain": count(
            sa.select(assessments.c.stage, scores.c.domain, sa.func.sum(scores.c.level))
            .join(assessments, assessments.c.id == scores.c.assessment_id)
            .group_by(assessments.c.stage, scores.c.domain)
        ),
        "age bands at the offence": Counter(
            _band(age_on(born, offence)) for offence, born, _ in by_person
        ),
        "postcode districts": Counter(
            (postcode or "").split(" ")[0] or None for _, _, postcode in by_person
        ),
    }


def _band(age: int) -> str:
    return "under 18" if age < 18 else "18 to 25" if age <= 25 else "26 and over"
