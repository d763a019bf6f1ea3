"""Cases: the person, the offence, the eligibility answers, allocation and the timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db
from app.text import search_key


class CaseStatus(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    ALLOCATED = "allocated"
    ACTIVE = "active"
    COMPLETED = "completed"
    BREACHED = "breached"
    OPTED_OUT = "opted_out"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# A case still being worked: referred, allocated or under contract.
OPEN_CASE_STATUSES = (
    CaseStatus.ELIGIBLE.value,
    CaseStatus.ALLOCATED.value,
    CaseStatus.ACTIVE.value,
)
# Ended by an outcome decision: the cases the outcome figures and reoffending checks count.
DECIDED_STATUSES = (
    CaseStatus.COMPLETED.value,
    CaseStatus.BREACHED.value,
    CaseStatus.OPTED_OUT.value,
)
# No longer worked: decided, or withdrawn.
CLOSED_STATUSES = frozenset({*DECIDED_STATUSES, CaseStatus.WITHDRAWN.value})


class OffenceClass(StrEnum):
    SUMMARY = "summary"
    EITHER_WAY = "either_way"
    INDICTABLE = "indictable"

    @property
    def label(self) -> str:
        return {
            "summary": "Summary only",
            "either_way": "Either way",
            "indictable": "Indictable only",
        }[self.value]


class Sex(StrEnum):
    """The person's sex, for the reports' cohorts (the free-text ``gender`` stays as it is)."""

    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not_stated"

    @property
    def label(self) -> str:
        return {"female": "Female", "male": "Male", "not_stated": "Not stated"}[self.value]


class Ethnicity(StrEnum):
    """Self-defined ethnic group: the five high-level groups of the 2021 census."""

    ASIAN = "asian"
    BLACK = "black"
    MIXED = "mixed"
    WHITE = "white"
    OTHER = "other"
    NOT_STATED = "not_stated"

    @property
    def label(self) -> str:
        return {
            "asian": "Asian, Asian British or Asian Welsh",
            "black": "Black, Black British, Black Welsh, Caribbean or African",
            "mixed": "Mixed or Multiple ethnic groups",
            "white": "White",
            "other": "Other ethnic group",
            "not_stated": "Not stated",
        }[self.value]


def _values(enum) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Person(UUIDPrimaryKey, db.Model):
    """The person on the scheme. Personal data: every read is audited by the services."""

    __tablename__ = "people"
    __table_args__ = (
        # Partial, accent-insensitive name search (app.search): LIKE '%...%' on the key,
        # answered on PostgreSQL by a trigram index.
        Index(
            "ix_people_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        # The caseloads' sort by name, read in order instead of sorting every case.
        Index("ix_people_family_name_given_name", "family_name", "given_name"),
        CheckConstraint(f"sex IN ({_values(Sex)})", name="sex_known"),
        CheckConstraint(f"ethnicity IN ({_values(Ethnicity)})", name="ethnicity_known"),
    )

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(30))
    lives_in_force_area: Mapped[bool] = mapped_column(Boolean)
    gender: Mapped[str | None] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(
        String(20), default=Sex.NOT_STATED.value, server_default=Sex.NOT_STATED.value
    )
    ethnicity: Mapped[str] = mapped_column(
        String(20), default=Ethnicity.NOT_STATED.value, server_default=Ethnicity.NOT_STATED.value
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The name as search compares it (app.text.search_key), kept by the listener below.
    search_name: Mapped[str] = mapped_column(String(400), default="", server_default="")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_search_name(_mapper, _connection, person: Person) -> None:
    person.search_name = search_key(person.full_name)


class Case(UUIDPrimaryKey, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(CaseStatus)})", name="status_known"),
        CheckConstraint(f"offence_class IN ({_values(OffenceClass)})", name="offence_class_known"),
        Index("ix_cases_keyworker_id_status", "keyworker_id", "status"),
        # The keyworker's caseload, newest first.
        Index("ix_cases_keyworker_id_created_at", "keyworker_id", "created_at"),
        # The API's list and sync (``updated_since``), newest change first, in index order.
        Index("ix_cases_updated_at_id", "updated_at", "id"),
        # Partial crime reference search (app.search): ILIKE '%...%', a trigram index on
        # PostgreSQL.
        Index(
            "ix_cases_crime_reference_trgm",
            "crime_reference",
            postgresql_using="gin",
            postgresql_ops={"crime_reference": "gin_trgm_ops"},
        ),
    )

    crime_reference: Mapped[str] = mapped_column(String(50), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("people.id"), index=True)
    keyworker_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)

    offence_description: Mapped[str] = mapped_column(Text)
    offence_class: Mapped[str] = mapped_column(String(20))
    offence_committed_on: Mapped[date] = mapped_column(Date)
    offence_in_force_area: Mapped[bool] = mapped_column(Boolean)

    # The eligibility answers, as recorded at intake.
    accepts_responsibility: Mapped[bool] = mapped_column(Boolean)
    agrees_to_participate: Mapped[bool] = mapped_column(Boolean)
    has_dvpn_or_dvpo: Mapped[bool] = mapped_column(Boolean)
    on_court_order_or_sentence: Mapped[bool] = mapped_column(Boolean)
    on_prison_licence: Mapped[bool] = mapped_column(Boolean)
    on_bail_or_rui_other_offence: Mapped[bool] = mapped_column(Boolean)
    offended_in_last_two_years: Mapped[bool] = mapped_column(Boolean)
    # The codes of the eligibility rules that failed (empty when eligible).
    eligibility_failed: Mapped[list[str]] = mapped_column(JSON, default=list)

    # The decided outcome: Home Office outcome "24" (adult) or "23" (child), or "charge".
    outcome_code: Mapped[str | None] = mapped_column(String(10))
    outcome_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A historic record brought in by the import (app.imports), not run in the hub. An
    # imported case keeps its milestones in the same columns as any other: ``created_at``
    # is the date of referral into the team (midnight UTC; the import itself is in the
    # audit log), the contract row holds the start and end, ``outcome_code`` and
    # ``outcome_decided_at`` the outcome, and the reoffending check its result.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    # When the case was referred into the team (for an imported case, its historic date).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
    keyworker = relationship("User", foreign_keys=[keyworker_id], lazy="select")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="select")
    victims = relationship(
        "Victim", back_populates="case", order_by="Victim.created_at", lazy="select"
    )
    contract = relationship("Contract", back_populates="case", uselist=False, lazy="select")
    consents = relationship(
        "Consent", back_populates="case", order_by="Consent.given_at", lazy="select"
    )
    assessments = relationship("NeedsAssessment", back_populates="case", lazy="select")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    @property
    def eligible(self) -> bool:
        return not self.eligibility_failed


class CaseAllocation(UUIDPrimaryKey, db.Model):
    """Each allocation of a case to a keyworker, kept as history."""

    __tablename__ = "case_allocations"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    keyworker_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    allocated_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    keyworker = relationship("User", foreign_keys=[keyworker_id], lazy="joined")
    allocated_by = relationship("User", foreign_keys=[allocated_by_id], lazy="joined")


class CaseEvent(db.Model):
    """One entry on a case's timeline, written by the service that made the change."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))

    actor = relationship("User", lazy="joined")
