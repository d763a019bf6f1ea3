"""What the keyworker sees while making a referral: the directory of active
organisations with their capacity and information-sharing agreement, and, for one
organisation, what the form may offer (only the categories consent covers now)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.cases.models import Case
from app.cases.services import view_case
from app.consent import rules
from app.contracts.models import Condition, Contract
from app.errors import NotFound
from app.extensions import db
from app.pagination import Page
from app.partners.models import Capacity, Organisation, ServiceType
from app.referrals.services import case_refusal, isa_expired, london_today
from app.referrals.snapshot import ordered

PAGE_SIZE = 25


def refusal_for(case: Case, organisation: Organisation) -> str | None:
    """Why no referral can be made from this case to this organisation now, if so."""
    refused = case_refusal(case)
    if refused is not None:
        return refused
    if isa_expired(organisation, london_today()):
        return (
            f"{organisation.name}'s information-sharing agreement has expired: no new "
            "referrals can be sent to them"
        )
    if organisation.capacity == Capacity.NOT_ACCEPTING.value:
        return f"{organisation.name} is not accepting referrals at the moment"
    return None


@dataclass
class DirectoryRow:
    organisation: Organisation
    service_labels: list[str]
    capacity_label: str
    isa_expired: bool
    refusal: str | None


@dataclass
class Directory:
    case: Case
    rows: list[DirectoryRow]
    page: Page
    service_type: str | None


def directory_for_case(
    user, case_id: uuid.UUID, *, service_type: str | None = None, page: int = 1
) -> Directory:
    """Active organisations, by name, optionally of one service type (a force has tens
    of partners, not thousands: they are filtered and paged here)."""
    case = view_case(user, case_id, purpose="referral_directory")
    if service_type not in {s.value for s in ServiceType}:
        service_type = None
    organisations = [
        o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        )
        if service_type is None or service_type in (o.service_types or [])
    ]
    page_info = Page(page, PAGE_SIZE, len(organisations))
    today = london_today()
    rows = [
        DirectoryRow(
            organisation=o,
            service_labels=[
                ServiceType(s).label
                for s in o.service_types or []
                if s in {t.value for t in ServiceType}
            ],
            capacity_label=Capacity(o.capacity).label,
            isa_expired=isa_expired(o, today),
            refusal=refusal_for(case, o),
        )
        for o in organisations[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    return Directory(case, rows, page_info, service_type)


@dataclass
class FormContext:
    case: Case
    organisation: Organisation
    allowed: list[str]  # the categories consent covers now, in the vocabulary's order
    conditions: list[Condition]
    refusal: str | None


def form_context(user, case_id: uuid.UUID, organisation_id: uuid.UUID) -> FormContext:
    case = view_case(user, case_id, purpose="referral_form")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise NotFound("No such organisation")
    conditions = list(
        db.session.scalars(
            select(Condition)
            .join(Contract, Contract.id == Condition.contract_id)
            .where(Contract.case_id == case.id, Condition.superseded_at.is_(None))
            .order_by(Condition.created_at, Condition.id)
        )
    )
    return FormContext(
        case=case,
        organisation=organisation,
        allowed=ordered(rules.shared_categories(case.id, organisation.id)),
        conditions=conditions,
        refusal=refusal_for(case, organisation),
    )
