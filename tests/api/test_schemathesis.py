"""Property-based run over the OpenAPI document (schemathesis), in-process.

For every operation in the document (so new endpoints are covered as they land) and for
every role's token, schemathesis generates requests from the schemas (valid ones and,
through its negative mode, invalid ones) against a small world of real objects; then, in
its stateful phase, it chains operations through the links it infers from the document
(a created case's id into the case's consents, contract and referrals, and so on), as
every role. Every answer must be no 500 and must match the document (status documented,
body valid against the schema of that status and media type).

Bounded in time: ``SCHEMATHESIS_MAX_EXAMPLES`` examples per operation, mode and role
(an operation's own roles; a role it refuses gets one, the 403), and
``SCHEMATHESIS_SCENARIOS`` stateful scenarios of at most ``SCHEMATHESIS_STEPS`` calls per
role. The whole module takes under two minutes; raise the numbers for a longer hunt.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.api.spec import document, operations
from tests.helpers import api_headers
from tests.referrals import support

pytestmark = pytest.mark.schemathesis

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))
SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "5"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "6"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(document())
ROLES = [role.value for role in Role]


@pytest.fixture
def world(app):
    """A case with a contract, consent and a referral, and a user of every role who may
    reach them (the case's keyworker, a partner of the referral's organisation); and
    their ids for the path parameters."""
    org = support.organisation()
    partner = support.partner(org)
    case = support.active_case()
    consent = support.consent(case, org)
    referral = support.send(case, org)
    users = {role: factories.user(role) for role in ROLES}
    users["keyworker"] = case.keyworker
    users["partner"] = partner
    ids = {
        "case_id": case.id,
        "referral_id": referral.id,
        "organisation_id": org.id,
        "consent_id": consent.id,
        "user_id": partner.id,
    }
    headers = {role: api_headers(issue_token(user, days=1).secret) for role, user in users.items()}
    return headers, ids


def _run(app, client, operation_doc, headers, path_ids, mode, examples):
    params = {
        name: str(value)
        for name, value in path_ids.items()
        if "{" + name + "}" in operation_doc.path
    }
    strategy = operation_doc.as_strategy(generation_mode=mode, path_parameters=params or None)

    @settings(
        max_examples=examples,
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
    headers, ids = world
    operation_doc = SCHEMA[operation.path][operation.method.upper()]
    for role in ROLES:
        allowed = role in operation.roles
        for mode in MODES if allowed else MODES[:1]:
            examples = MAX_EXAMPLES if allowed else 1
            _run(app, client, operation_doc, headers[role], ids, mode, examples)


@pytest.mark.parametrize("role", ROLES)
def test_stateful_sequences_as_every_role(app, client, world, role):
    """The stateful phase: sequences of calls that follow the links schemathesis infers
    (201's ids into the next operation's path), as ``role``."""
    headers, _ids = world
    assert SCHEMA.config.phases.stateful.enabled
    machine = SCHEMA.as_state_machine()
    assert SCHEMA.statistic.transitions.total > 50  # links were inferred: it is stateful

    answered: list[int] = []

    class Sequences(machine):  # type: ignore[misc, valid-type]
        def after_call(self, response, case):
            answered.append(response.status_code)

        def get_call_kwargs(self, case):
            return {"session": client, "headers": headers[role], "app": app}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Sequences.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    assert len(answered) >= SCENARIOS  # every scenario made calls
    assert 500 not in answered
