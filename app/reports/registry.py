"""The report sections: name, title, the function that computes the figures, and the one
that presents them. Pages, downloads and the API all go through this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.reports import compliance, evaluation, funnel, outcomes, partners, progress, victims, voice
from app.reports.filters import DateBasis, ReportFilters
from app.reports.present_cases import (
    present_compliance,
    present_evaluation,
    present_funnel,
    present_outcomes,
    present_progress,
)
from app.reports.present_services import present_partners, present_victims, present_voice
from app.reports.presenting import Presentation


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    summary: str
    build: Callable[[ReportFilters], object]
    present: Callable[[object], Presentation]
    default_basis: DateBasis


SECTIONS: dict[str, Section] = {
    section.name: section
    for section in (
        Section(
            "funnel",
            "Funnel",
            "From referral into the team to an outcome, and each keyworker's cases",
            funnel.funnel,
            present_funnel,
            funnel.DEFAULT_BASIS,
        ),
        Section(
            "outcomes",
            "Outcomes",
            "Crime outcomes, the completion rate and the hub's part of Outcome+",
            outcomes.outcomes,
            present_outcomes,
            outcomes.DEFAULT_BASIS,
        ),
        Section(
            "progress",
            "Client progress",
            "Distance travelled in each need domain, from the start to the exit assessment",
            progress.progress,
            present_progress,
            progress.DEFAULT_BASIS,
        ),
        Section(
            "partners",
            "Partners",
            "Acknowledgement, acceptance and attendance by organisation and service type",
            partners.partners,
            present_partners,
            partners.DEFAULT_BASIS,
        ),
        Section(
            "compliance",
            "Compliance",
            "Concerns, decisions, warnings, variations and breaches",
            compliance.compliance,
            present_compliance,
            compliance.DEFAULT_BASIS,
        ),
        Section(
            "victims",
            "Victims",
            "Consultation, updates on time under the Victims' Code, and the victims' survey",
            victims.victims,
            present_victims,
            victims.DEFAULT_BASIS,
        ),
        Section(
            "voice",
            "People's voice",
            "The ending survey, including perceived police legitimacy",
            voice.voice,
            present_voice,
            voice.DEFAULT_BASIS,
        ),
        Section(
            "evaluation",
            "Reoffending and evaluation",
            "Reoffending within 365 days: completers against those who opted out",
            evaluation.evaluation,
            present_evaluation,
            evaluation.DEFAULT_BASIS,
        ),
    )
}
NAMES = tuple(SECTIONS)
