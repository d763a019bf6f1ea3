"""Needs assessments: one at the start and one at exit, each scoring every need domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum, StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, UUIDPrimaryKey, utcnow
from app.extensions import db


class NeedDomain(StrEnum):
    ACCOMMODATION = "accommodation"
    EDUCATION_TRAINING_EMPLOYMENT = "education_training_employment"
    FINANCE_DEBT = "finance_debt"
    RELATIONSHIPS = "relationships"
    LIFESTYLE_ASSOCIATES = "lifestyle_associates"
    DRUGS = "drugs"
    ALCOHOL = "alcohol"
    MENTAL_HEALTH_WELLBEING = "mental_health_wellbeing"
    THINKING_BEHAVIOUR = "thinking_behaviour"
    ATTITUDES = "attitudes"

    @property
    def label(self) -> str:
        return DOMAIN_LABELS[self]


DOMAIN_LABELS = {
    NeedDomain.ACCOMMODATION: "Accommodation",
    NeedDomain.EDUCATION_TRAINING_EMPLOYMENT: "Education, training and employment",
    NeedDomain.FINANCE_DEBT: "Finance and debt",
    NeedDomain.RELATIONSHIPS: "Relationships",
    NeedDomain.LIFESTYLE_ASSOCIATES: "Lifestyle and associates",
    NeedDomain.DRUGS: "Drugs",
    NeedDomain.ALCOHOL: "Alcohol",
    NeedDomain.MENTAL_HEALTH_WELLBEING: "Mental health and emotional wellbeing",
    NeedDomain.THINKING_BEHAVIOUR: "Thinking and behaviour",
    NeedDomain.ATTITUDES: "Attitudes",
}


class NeedLevel(IntEnum):
    NO_NEED = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return {0: "No need", 1: "Low", 2: "Medium", 3: "High"}[self.value]


class AssessmentStage(StrEnum):
    INITIAL = "initial"
    EXIT = "exit"


class NeedsAssessment(UUIDPrimaryKey, db.Model):
    __tablename__ = "needs_assessments"
    __table_args__ = (UniqueConstraint("case_id", "stage", name="uq_needs_assessments_case_stage"),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    previous_offending: Mapped[str | None] = mapped_column(Text)
    offence_context: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case", back_populates="assessments")
    scores = relationship("NeedScore", back_populates="assessment", lazy="selectin")
    assessed_by = relationship("User", lazy="select")


class NeedScore(UUIDPrimaryKey, db.Model):
    __tablename__ = "need_scores"
    __table_args__ = (
        UniqueConstraint("assessment_id", "domain", name="uq_need_scores_assessment_domain"),
    )

    assessment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("needs_assessments.id"))
    domain: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    assessment = relationship("NeedsAssessment", back_populates="scores")
