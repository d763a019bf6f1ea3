"""The needs assessment form: a level and notes for every need domain, then the narrative."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.assessments.models import NeedDomain, NeedLevel
from app.assessments.services import (
    NARRATIVE_FIELDS,
    NARRATIVE_MAX,
    NOTES_MAX,
    domain_phrase,
)
from app.forms import HubForm, ServiceErrorsMixin, strip

LEVEL_CHOICES = [SelectChoice(str(level.value), level.label) for level in NeedLevel]
NARRATIVE_HINTS = {
    "previous_offending": "Any offending before this offence, as the person describes it",
    "offence_context": "What was going on in the person's life when the offence happened",
    "goals": "What the person wants to achieve, during the contract and after it",
    "strengths": "What the person has going for them: skills, support, interests",
}


def level_field(domain: NeedDomain) -> str:
    return f"{domain.value}_level"


def notes_field(domain: NeedDomain) -> str:
    return f"{domain.value}_notes"


class AssessmentForm(ServiceErrorsMixin, HubForm):
    """Fields are added below, one pair per need domain, in the order of NeedDomain."""

    def scores(self) -> dict[str, tuple[int, str | None]]:
        return {
            domain.value: (
                int(self[level_field(domain)].data),
                self[notes_field(domain)].data or None,
            )
            for domain in NeedDomain
        }

    def narrative(self) -> dict[str, str | None]:
        return {name: self[name].data or None for name in NARRATIVE_FIELDS}

    def service_field(self, key: str):
        """``scores.<domain>`` is the domain's level, ``scores.<domain>.notes`` its notes."""
        parts = key.split(".")
        if parts[0] == "scores" and len(parts) >= 2:
            key = f"{parts[1]}_{'notes' if parts[-1] == 'notes' else 'level'}"
        return super().service_field(key)


for _domain in NeedDomain:
    _phrase = domain_phrase(_domain)
    setattr(
        AssessmentForm,
        level_field(_domain),
        RadioField(
            _domain.label,
            widget=GovRadioInput(),
            choices=LEVEL_CHOICES,
            validators=[InputRequired(message=f"Select the level of need for {_phrase}")],
        ),
    )
    setattr(
        AssessmentForm,
        notes_field(_domain),
        TextAreaField(
            f"Notes on {_phrase} (optional)",
            widget=GovTextArea(),
            filters=[strip],
            validators=[
                Length(
                    max=NOTES_MAX,
                    message=f"Notes on {_phrase} must be {NOTES_MAX} characters or fewer",
                )
            ],
        ),
    )

for _name, _label in NARRATIVE_FIELDS.items():
    setattr(
        AssessmentForm,
        _name,
        TextAreaField(
            f"{_label} (optional)",
            widget=GovTextArea(),
            description=NARRATIVE_HINTS[_name],
            filters=[strip],
            validators=[
                Length(
                    max=NARRATIVE_MAX,
                    message=f"{_label} must be {NARRATIVE_MAX} characters or fewer",
                )
            ],
        ),
    )

AssessmentForm.submit = SubmitField("Save assessment", widget=GovSubmitInput())
