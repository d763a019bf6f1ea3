"""The contract and its conditions. A variation adds a new condition row pointing at the
one it replaces; no condition's content is ever overwritten."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.dates import CONTRACT_DAYS  # noqa: F401  (re-exported: 112 days from the start)
from app.extensions import db


class ConditionType(StrEnum):
    RESTORATIVE = "restorative"
    REHABILITATIVE = "rehabilitative"
    REPARATIVE = "reparative"
    RESTRICTIVE = "restrictive"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AgreementMethod(StrEnum):
    SIGNED = "signed"
    VERBAL = "verbal"
    ELECTRONIC = "electronic"
    # Contracts of imported historic cases: how the person agreed was not brought in.
    # Never offered nor accepted when a contract is agreed in the hub.
    NOT_RECORDED = "not_recorded"

    @property
    def label(self) -> str:
        return {
            "signed": "Signed in person",
            "verbal": "Verbally",
            "electronic": "Electronically",
            "not_recorded": "Not recorded (imported historic record)",
        }[self.value]


# The ways a person can agree to a contract made in the hub.
RECORDABLE_METHODS = (AgreementMethod.SIGNED, AgreementMethod.VERBAL, AgreementMethod.ELECTRONIC)


class Contract(UUIDPrimaryKey, db.Model):
    __tablename__ = "contracts"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    agreed_on: Mapped[date] = mapped_column(Date)
    agreement_method: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case", back_populates="contract")
    conditions = relationship(
        "Condition", back_populates="contract", order_by="Condition.created_at", lazy="select"
    )

    @property
    def current_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.superseded_at is None]


class Condition(UUIDPrimaryKey, db.Model):
    __tablename__ = "conditions"
    __table_args__ = (
        CheckConstraint(
            "type IN ('restorative', 'rehabilitative', 'reparative', 'restrictive')",
            name="type_known",
        ),
        CheckConstraint(
            "required_sessions IS NULL OR required_sessions > 0", name="sessions_positive"
        ),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    required_sessions: Mapped[int | None] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    victim_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    # Variations: revision 1 is the original; each variation is a new row that supersedes one.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("conditions.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    variation_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract = relationship("Contract", back_populates="conditions")
    supersedes = relationship("Condition", remote_side="Condition.id", lazy="select")

    @property
    def type_enum(self) -> ConditionType:
        return ConditionType(self.type)
