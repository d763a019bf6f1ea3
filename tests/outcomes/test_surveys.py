"""The person's ending survey through its service: every problem in the answers at
once and nothing written; then the survey, its audit entry and its timeline event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases.models import CaseEvent
from app.errors import AlreadyRecorded, InvalidInput
from app.extensions import db
from app.outcomes import followup, services
from app.outcomes.models import Survey
from tests.outcomes import support


def test_the_person_survey_reports_every_problem_then_records_once(app):
    world = support.active_case(conditions=[])
    services.submit_outcome(world.supervisor, world.case.id, "completed")

    with pytest.raises(InvalidInput) as refused:
        followup.record_person_survey(
            world.keyworker,
            world.case.id,
            satisfaction=6,
            police_legitimacy=None,
            comments="x" * 2001,
        )
    assert refused.value.errors == {
        "satisfaction": "Select how satisfied they are with the scheme, from 1 to 5",
        "police_legitimacy": "Select how far they agree that the police act fairly, from 1 to 5",
        "comments": "Comments must be 2000 characters or fewer",
    }
    assert db.session.scalars(select(Survey)).all() == []

    survey = followup.record_person_survey(
        world.keyworker, world.case.id, satisfaction="4", police_legitimacy=5, comments="  "
    )
    db.session.expire_all()
    [stored] = db.session.scalars(select(Survey)).all()
    assert (stored.id, stored.respondent, stored.victim_id) == (survey.id, "person", None)
    assert (stored.satisfaction, stored.police_legitimacy, stored.kept_informed) == (4, 5, None)
    assert stored.comments is None
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "survey.recorded")
    ).all()
    assert entry.details == {"case_id": str(world.case.id), "respondent": "person"}
    [event] = db.session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id == world.case.id, CaseEvent.kind == "survey.person"
        )
    ).all()
    assert event.summary == "The person's ending survey recorded"
    with pytest.raises(AlreadyRecorded):
        followup.record_person_survey(
            world.keyworker, world.case.id, satisfaction=1, police_legitimacy=1
        )
