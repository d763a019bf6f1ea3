"""The needs assessment pages, as a keyworker uses them."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from app.assessments.models import NeedDomain, NeedLevel, NeedsAssessment
from app.cases.models import CaseStatus
from app.extensions import db
from tests import factories
from tests.helpers import assert_redirects, post_form


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def assessment_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(NeedsAssessment))


def assessment_form(level: str = "1", **fields) -> dict:
    data = {}
    for domain in NeedDomain:
        data[f"{domain.value}_level"] = level
        data[f"{domain.value}_notes"] = ""
    data.update(
        previous_offending="A caution in 2019",
        offence_context="Had just lost their job",
        goals="Get back into work",
        strengths="Close to their sister",
    )
    data.update(fields)
    return data


def test_the_empty_state_offers_the_initial_assessment(keyworker_client, eligible_case):
    response = keyworker_client.get(f"/cases/{eligible_case.id}/assessments")
    assert response.status_code == 200
    page = text(response)
    assert "No needs assessment has been recorded yet" in page
    assert "Record the initial assessment" in page
    assert "Record the exit assessment" not in page
    assert 'aria-current="page">Needs assessment' in response.get_data(as_text=True)


def test_an_ineligible_case_can_go_no_further(keyworker_client, keyworker):
    case = factories.case(keyworker, status=CaseStatus.INELIGIBLE)
    page = text(keyworker_client.get(f"/cases/{case.id}/assessments"))
    assert "can go no further" in page
    assert "Record the initial assessment" not in page
    response = keyworker_client.get(f"/cases/{case.id}/assessments/initial/new")
    assert_redirects(response, f"/cases/{case.id}/assessments")


def test_recording_the_initial_assessment(keyworker_client, eligible_case):
    path = f"/cases/{eligible_case.id}/assessments/initial/new"
    form = keyworker_client.get(path)
    assert form.status_code == 200
    page = text(form)
    assert "Initial needs assessment" in page
    for domain in NeedDomain:
        assert domain.label in page
    assert "No need" in page and "Medium" in page

    response = post_form(
        keyworker_client,
        path,
        assessment_form(accommodation_level="3", accommodation_notes="Sofa surfing since May"),
    )
    assert_redirects(response, f"/cases/{eligible_case.id}/assessments")
    shown = text(keyworker_client.get(response.headers["Location"]))
    assert "Initial needs assessment recorded" in shown
    assert "Sofa surfing since May" in shown
    assert "High" in shown
    assert "Had just lost their job" in shown
    assert "Record the exit assessment" in shown
    assert assessment_count() == 1


def test_a_missing_level_shows_the_error_summary_and_nothing_is_written(
    keyworker_client, eligible_case
):
    path = f"/cases/{eligible_case.id}/assessments/initial/new"
    data = assessment_form()
    del data["drugs_level"]
    data["alcohol_level"] = "9"
    data["goals"] = "x" * 5001
    response = post_form(keyworker_client, path, data)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "<title>Error:" in response.get_data(as_text=True)
    assert "Select the level of need for drugs" in page
    assert "Not a valid choice" in page or "Select the level of need for alcohol" in page
    assert "Goals must be 5000 characters or fewer" in page
    assert assessment_count() == 0


def test_the_exit_assessment_shows_the_distance_travelled(keyworker_client, eligible_case):
    factories.assessment(eligible_case, "initial", {NeedDomain.ACCOMMODATION: NeedLevel.HIGH})
    path = f"/cases/{eligible_case.id}/assessments/exit/new"
    form = text(keyworker_client.get(path))
    assert "At the initial assessment: High" in form
    assert "At the initial assessment: Low" in form

    data = assessment_form(level="1", accommodation_level="1", alcohol_level="2")
    assert_redirects(
        post_form(keyworker_client, path, data), f"/cases/{eligible_case.id}/assessments"
    )
    response = keyworker_client.get(f"/cases/{eligible_case.id}/assessments")
    body = response.get_data(as_text=True)
    assert re.search(r'data-testid="change-accommodation">\s*Reduced by 2', body)
    assert re.search(r'data-testid="change-alcohol">\s*Increased by 1', body)
    assert re.search(r'data-testid="change-drugs">\s*No change', body)
    assert re.search(r'data-testid="change-total">\s*<strong>Reduced by 1', body)
    page = text(response)
    assert "Record the exit assessment" not in page
    assert assessment_count() == 2


def test_the_exit_assessment_waits_for_the_initial_one(keyworker_client, eligible_case):
    response = keyworker_client.get(f"/cases/{eligible_case.id}/assessments/exit/new")
    assert_redirects(response, f"/cases/{eligible_case.id}/assessments")
    page = text(keyworker_client.get(response.headers["Location"]))
    assert "Record the initial assessment before the exit assessment" in page


def test_a_recorded_stage_cannot_be_recorded_again(keyworker_client, eligible_case):
    factories.assessment(eligible_case, "initial")
    response = keyworker_client.get(f"/cases/{eligible_case.id}/assessments/initial/new")
    assert_redirects(response, f"/cases/{eligible_case.id}/assessments")
    page = text(keyworker_client.get(response.headers["Location"]))
    assert "The initial assessment has already been recorded" in page


def test_only_initial_and_exit_are_stages(keyworker_client, eligible_case):
    assert (
        keyworker_client.get(f"/cases/{eligible_case.id}/assessments/midway/new").status_code == 404
    )
