"""Compliance: concerns raised on the cohort's cases and what was decided about them.

- concerns raised (from a missed session without an acceptable reason, or reported),
  the cases with at least one, and the concerns still waiting for a decision;
- decisions by kind: no action, warning, condition varied, breach proposed;
- variations: conditions varied (each new revision of a condition counts once);
- breaches: cases whose outcome was a breach.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.cases.models import Case, CaseStatus
from app.contracts.models import Condition, Contract
from app.evidence.models import ComplianceConcern, ComplianceDecision, ConcernDecision
from app.extensions import db
from app.reports.filters import DateBasis, ReportFilters
from app.reports.sql import count_where

DEFAULT_BASIS = DateBasis.REFERRAL
DECISION_LABELS = {
    ConcernDecision.NO_ACTION.value: "No action",
    ConcernDecision.WARNING.value: "Warning",
    ConcernDecision.VARIED_CONDITION.value: "Condition varied",
    ConcernDecision.PROPOSED_BREACH.value: "Breach proposed",
}


@dataclass(frozen=True)
class Compliance:
    concerns: int
    cases_with_concerns: int
    undecided: int
    decisions: dict[str, int]  # ConcernDecision value -> n, every kind present
    variations: int
    breaches: int
    contracts: int

    @property
    def warnings(self) -> int:
        return self.decisions.get(ConcernDecision.WARNING.value, 0)


def compliance(filters: ReportFilters) -> Compliance:
    cohort = filters.cohort()
    decided = select(ComplianceDecision.concern_id).distinct().subquery("decided")
    concerns = db.session.execute(
        select(
            func.count(ComplianceConcern.id).label("concerns"),
            func.count(func.distinct(ComplianceConcern.case_id)).label("cases"),
            count_where(decided.c.concern_id.is_(None)).label("undecided"),
        )
        .select_from(ComplianceConcern)
        .outerjoin(decided, decided.c.concern_id == ComplianceConcern.id)
        .where(ComplianceConcern.case_id.in_(cohort))
    ).one()
    decisions = dict(
        db.session.execute(
            select(ComplianceDecision.decision, func.count())
            .join(ComplianceConcern, ComplianceConcern.id == ComplianceDecision.concern_id)
            .where(ComplianceConcern.case_id.in_(cohort))
            .group_by(ComplianceDecision.decision)
        ).all()
    )
    cases = db.session.execute(
        select(
            func.count(func.distinct(Contract.id)).label("contracts"),
            count_where(Condition.supersedes_id.is_not(None)).label("variations"),
        )
        .select_from(Contract)
        .outerjoin(Condition, Condition.contract_id == Contract.id)
        .where(Contract.case_id.in_(cohort))
    ).one()
    breaches = db.session.scalar(
        select(func.count(Case.id)).where(
            Case.id.in_(cohort), Case.status == CaseStatus.BREACHED.value
        )
    )
    return Compliance(
        concerns=int(concerns.concerns),
        cases_with_concerns=int(concerns.cases),
        undecided=int(concerns.undecided),
        decisions={kind.value: int(decisions.get(kind.value, 0)) for kind in ConcernDecision},
        variations=int(cases.variations),
        breaches=int(breaches or 0),
        contracts=int(cases.contracts),
    )
