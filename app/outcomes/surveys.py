"""The ending survey's one code path, for the person (``app.outcomes.followup``) and for
each victim (``app.victims.liaison``).

Each caller decides who may record a survey, when, and that it is not recorded already;
then ``record`` checks the answers and writes the survey. What differs between the two
surveys is data (``Respondent``): the 1-to-5 questions asked, with the message when one
is not answered from 1 to 5, and the case timeline event. The rest is shared: optional
comments of at most ``COMMENTS_MAX`` characters, every problem reported at once as
``InvalidInput`` before anything is written, and then in one transaction the survey,
its audit entry (``survey.recorded``) and its timeline event.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audit import services as audit
from app.cases.models import Case
from app.cases.timeline import add_event
from app.errors import InvalidInput
from app.extensions import db
from app.outcomes.models import Survey

COMMENTS_MAX = 2000


@dataclass(frozen=True)
class Respondent:
    name: str  # Survey.respondent
    questions: dict[str, str]  # Survey column -> message when not answered from 1 to 5
    event_kind: str
    event_summary: str  # on the case timeline: no personal data


PERSON = Respondent(
    "person",
    {
        "satisfaction": "Select how satisfied they are with the scheme, from 1 to 5",
        "police_legitimacy": "Select how far they agree that the police act fairly, from 1 to 5",
    },
    "survey.person",
    "The person's ending survey recorded",
)
VICTIM = Respondent(
    "victim",
    {
        "satisfaction": "Select how satisfied they are with the outcome, from 1 to 5",
        "kept_informed": "Select how satisfied they are with being kept informed, from 1 to 5",
    },
    "victim.survey",
    "Victim's ending survey recorded",
)


def record(
    actor,
    case: Case,
    respondent: Respondent,
    answers: dict[str, object],
    comments,
    *,
    victim_id=None,
    errors: dict[str, str] | None = None,
) -> Survey:
    """Check ``answers`` (one per question of ``respondent``) and ``comments``, then
    write the survey, its audit entry and its timeline event, and commit.

    ``errors`` are the caller's own findings (e.g. no victim chosen), reported first and
    together with any in the answers as one InvalidInput, after a rollback.
    """
    errors = dict(errors or {})
    scores = {
        field: _score(answers.get(field), field, message, errors)
        for field, message in respondent.questions.items()
    }
    text = _comments(comments, errors)
    if errors:
        db.session.rollback()
        raise InvalidInput(errors, "The survey answers are not valid")
    survey = Survey(
        case_id=case.id,
        respondent=respondent.name,
        victim_id=victim_id,
        comments=text,
        recorded_by_id=actor.id,
        **scores,
    )
    db.session.add(survey)
    db.session.flush()
    details = {"case_id": str(case.id), "respondent": respondent.name}
    if victim_id is not None:
        details["victim_id"] = str(victim_id)
    audit.record("survey.recorded", "survey", survey.id, actor=actor, details=details)
    add_event(case, respondent.event_kind, respondent.event_summary, actor=actor)
    db.session.commit()
    return survey


def _score(value, field: str, message: str, errors: dict[str, str]) -> int | None:
    """A whole number from 1 to 5 (a form's "3" is 3)."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors[field] = message
        return None
    return value


def _comments(value, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors["comments"] = "Enter the comments as text"
        return None
    value = value.strip()
    if len(value) > COMMENTS_MAX:
        errors["comments"] = f"Comments must be {COMMENTS_MAX} characters or fewer"
    return value or None
