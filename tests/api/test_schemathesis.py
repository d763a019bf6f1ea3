"""Property-based run over the OpenAPI document (schemathesis), in-process.

For every operation in the document (so new endpoints are covered as they land) and
for two callers, a supervisor and a partner user, schemathesis generates requests from
the schemas (valid ones and, through its negative mode, invalid ones) against a small
world of real objects. Every answer must be no 500 and must match the document (status
documented, body valid against the schema of that status and media type).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.auth.tokens import issue_token
from tests import factories
from tests.api.spec import document, operations
from tests.helpers import api_headers
from tests.referrals import support

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(document())


@pytest.fixture
def world(app):
    """A case with a contract, consent and a referral; a partner of the referral's
    organisation and a supervisor; and their ids for the path parameters."""
    supervisor = factories.user("supervisor")
    org = support.organisation()
    partner = support.partner(org)
    case = support.active_case()
    consent = support.consent(case, org)
    referral = support.send(case, org)
    ids = {
        "case_id": case.id,
        "referral_id": referral.id,
        "organisation_id": org.id,
        "consent_id": consent.id,
        "user_id": partner.id,
    }
    return {
        "supervisor": (supervisor, ids),
        "partner": (partner, ids),
    }


def _run(app, client, operation_doc, headers, path_ids, mode):
    params = {
        name: str(value)
        for name, value in path_ids.items()
        if "{" + name + "}" in operation_doc.path
    }
    strategy = operation_doc.as_strategy(generation_mode=mode, path_parameters=params or None)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        case.call_and_validate(session=client, headers=headers, checks=CHECKS, app=app)

    check()


@pytest.mark.parametrize("operation", operations(), ids=lambda op: op.id)
def test_no_server_error_and_answers_match_the_document(app, client, world, operation):
    operation_doc = SCHEMA[operation.path][operation.method.upper()]
    for caller in ("supervisor", "partner"):
        user, ids = world[caller]
        headers = api_headers(issue_token(user, days=1).secret)
        for mode in MODES:
            _run(app, client, operation_doc, headers, ids, mode)
