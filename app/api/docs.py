"""What the OpenAPI document says of every operation, beyond its own schemas.

``document_operations`` runs once the API's blueprints are registered and, for every
operation under /api/v1:

- states the roles allowed (``x-roles`` and a "Roles:" line in the description), read
  from the ``roles_required`` decorator on the view, so the document cannot drift from
  the checks;
- documents the errors every operation can give (401, 429; 400, 413, 415 and 422 where
  there is a body; 422 where there are query parameters) and answers every error as
  ``application/problem+json`` (schema ``Problem``) with an example;
- adds request examples from ``REQUEST_EXAMPLES`` (keyed by endpoint).
"""

from __future__ import annotations

import copy
import re

from flask import Flask
from marshmallow import Schema, fields

from app.auth.roles import Role
from app.schema_fields import Text

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
EVERY_ROLE = "every signed-in role"


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details)."""

    type = Text(metadata={"example": "about:blank"})
    title = Text(metadata={"description": "The HTTP status's name"})
    status = fields.Integer()
    detail = Text(metadata={"description": "What went wrong, for a person to read"})
    code = Text(
        metadata={
            "description": "A machine-readable reason where API.md names one: "
            "`unauthorized`, `stale_version`, `invalid_transition`, `consent_required`, ..."
        }
    )
    errors = fields.Dict(
        keys=Text(),
        values=fields.Raw(),
        metadata={
            "description": "Invalid input: each field at fault with its messages "
            "(nested objects are nested the same way)"
        },
    )


def _problem(status: int, title: str, detail: str, **extra) -> dict:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


PROBLEM_EXAMPLES = {
    400: _problem(400, "Bad Request", "The body is not valid JSON."),
    401: _problem(401, "Unauthorized", "A valid bearer token is required.", code="unauthorized"),
    403: _problem(403, "Forbidden", "Your role may not do this."),
    404: _problem(404, "Not Found", "No such object."),
    405: _problem(405, "Method Not Allowed", "The method is not allowed for the URL."),
    409: _problem(
        409,
        "Conflict",
        "It was changed by someone else since you read it.",
        code="stale_version",
    ),
    413: _problem(413, "Payload Too Large", "The body is larger than the hub accepts."),
    415: _problem(415, "Unsupported Media Type", "Send the body as application/json."),
    422: _problem(
        422,
        "Unprocessable Content",
        "The request was well formed but could not be processed.",
        errors={"name": ["Missing data for required field."]},
    ),
    429: _problem(429, "Too Many Requests", "Too many requests: try again later."),
}

STANDARD_DESCRIPTIONS = {
    400: "Malformed JSON",
    401: "No valid bearer token: missing, unknown, expired or revoked (`code: unauthorized`)",
    413: "The body is larger than the hub accepts (1 MB by default)",
    415: "The body is not `application/json`",
    422: "Invalid input: `errors` names each field at fault",
    429: "Over the rate limit of the token; `Retry-After` says how many seconds to wait",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}

_UUID = "3f2b8c1e-5d7a-4c69-9a0e-2b4d6f8a1c3e"
_ORG = "8d1c6a2f-0b9e-4e57-a3c4-6f2e9b1d7a50"

# Request bodies as a partner system or a script would send them (API.md's examples).
REQUEST_EXAMPLES = {
    "api_users.create_user": {
        "email": "j.smith@turningpoint.example",
        "name": "Jo Smith",
        "role": "partner",
        "organisation_id": _ORG,
    },
    "api_users.create_token": {"days": 90, "name": "Case system sync"},
    "api_users.update_user": {"role": "supervisor", "organisation_id": None, "version": 3},
    "api_organisations.create_organisation": {
        "name": "Turning Point Recovery",
        "service_types": ["substance_misuse"],
        "areas": ["Northtown", "Southvale"],
        "acknowledge_within_days": 2,
    },
    "api_cases.create_case": {
        "crime_reference": "EX/12345/26",
        "offence": {
            "description": "Theft from a shop",
            "offence_class": "either_way",
            "committed_on": "2026-10-02",
            "committed_in_force_area": True,
        },
        "person": {
            "given_name": "Sam",
            "family_name": "Example",
            "date_of_birth": "1990-05-17",
            "address": "1 High Street, Northtown",
            "postcode": "NT1 1AA",
            "phone": "07700 900123",
            "lives_in_force_area": True,
        },
        "eligibility": {
            "accepts_responsibility": True,
            "agrees_to_participate": True,
            "has_dvpn_or_dvpo": False,
            "on_court_order_or_sentence": False,
            "on_prison_licence": False,
            "on_bail_or_rui_other_offence": False,
            "offended_in_last_two_years": False,
        },
        "victims": [{"name": "A Shopkeeper", "email": "shop@example.org"}],
    },
    "api_cases.allocate_case": {"keyworker_id": _UUID, "version": 1},
    "api_consents.create_consent": {
        "organisation_id": _ORG,
        "categories": ["contact_details", "substance_use"],
        "method": "written",
        "notice_version": "2026-04",
    },
    "api_consents.withdraw_consent": {"reason": "Asked to stop sharing", "version": 1},
    "api_contracts.create_contract": {
        "start_date": "2026-11-23",
        "conditions": [
            {"type": "restorative", "description": "Write a letter of apology"},
            {
                "type": "rehabilitative",
                "description": "Attend a substance misuse service",
                "required_sessions": 6,
            },
        ],
    },
    "api_referrals.create_referral": {
        "organisation_id": _ORG,
        "condition_ids": [_UUID],
        "need": "Support to reduce alcohol use",
        "message": "Prefers morning appointments",
        "shared_categories": ["contact_details", "substance_use"],
    },
    "api_referrals.create_transition": {"to": "acknowledged", "version": 1},
    "api_referrals.create_update": {"body": "First session booked"},
    "api_referrals.assign_worker": {"worker_id": _UUID, "version": 2},
    "api_appointments.book_appointment": {
        "starts_at": "2026-11-30T10:00:00Z",
        "mode": "in_person",
    },
    "api_appointments.record_attendance": {"status": "attended"},
    "api_appointments.reschedule_appointment": {
        "starts_at": "2026-12-02T14:00:00Z",
        "reason": "The clinic is closed that day",
    },
    "api_appointments.decide_concern": {"decision": "warning", "reason": "Warned by phone"},
    "api_outcomes.record_outcome": {
        "result": "breached",
        "reason": "Missed three sessions without an acceptable reason",
    },
    "api_victims.create_victim_update": {
        "method": "phone",
        "summary": "Told the victim the contract has started",
    },
}

_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _document_denied_filters(operation: dict, endpoint: str) -> None:
    """A query parameter some roles may not send (app.auth.filters) says which."""
    from app.auth.filters import DENIED_FILTERS

    for role, names in DENIED_FILTERS.get(endpoint, {}).items():
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] in names:
                note = f"Not for the `{role.value}` role (422)."
                parameter["description"] = (parameter.get("description", "") + " " + note).strip()


def openapi_path(rule: str) -> str:
    """``/api/v1/cases/<uuid:case_id>`` as ``/api/v1/cases/{case_id}``."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule)


def roles_of(view) -> list[str] | None:
    """The roles ``roles_required`` allows on ``view`` (None: every signed-in role)."""
    while view is not None:
        roles = getattr(view, "required_roles", None)
        if roles is not None:
            return [r.value for r in Role if r in roles]
        view = getattr(view, "__wrapped__", None)
    return None


def _problem_response(status: int, description: str) -> dict:
    example = PROBLEM_EXAMPLES.get(status) or _problem(status, "Error", description)
    response = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF, "example": example}},
    }
    if status == 429:
        response["headers"] = copy.deepcopy(RETRY_AFTER)
    return response


def _document_operation(operation: dict, endpoint: str, roles: list[str] | None, method: str):
    role_text = ", ".join(f"`{r}`" for r in roles) if roles else EVERY_ROLE
    operation["x-roles"] = roles or [r.value for r in Role]
    description = operation.get("description", "")
    operation["description"] = (description + "\n\n" if description else "") + (
        f"Roles: {role_text}."
    )
    responses = operation.setdefault("responses", {})
    has_body = "requestBody" in operation
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    wanted = [401, 429]
    if has_body:
        wanted += [400, 413, 415, 422]
    if has_query:
        wanted.append(422)
    for status in wanted:
        if str(status) not in responses:
            responses[str(status)] = {"description": STANDARD_DESCRIPTIONS[status]}
    for code, response in list(responses.items()):
        if code == "default":
            responses.pop(code)  # every error the operation gives is listed by status
            continue
        if code.isdigit() and int(code) >= 400:
            responses[code] = _problem_response(int(code), response.get("description", ""))
    example = REQUEST_EXAMPLES.get(endpoint)
    if example is not None and has_body:
        for media in operation["requestBody"].get("content", {}).values():
            media["example"] = example


def document_operations(app: Flask, spec, prefix: str) -> None:
    """Roles, errors and examples for every operation under ``prefix`` (see above)."""
    if "Problem" not in spec.components.schemas:
        spec.components.schema("Problem", schema=ProblemSchema)
    paths = spec._paths  # apispec keeps the paths here until to_dict()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix + "/") or rule.endpoint.startswith("api-docs."):
            continue
        path_item = paths.get(openapi_path(rule.rule))
        if path_item is None:
            continue
        roles = roles_of(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = path_item.get(method.lower())
            if operation is not None and "x-roles" not in operation:
                _document_operation(operation, rule.endpoint, roles, method)
                _document_denied_filters(operation, rule.endpoint)
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        response = spec.components.responses.get(name)
        if response is not None:
            status = 422 if name == "UNPROCESSABLE_ENTITY" else 400
            response["content"] = {
                PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF, "example": PROBLEM_EXAMPLES[status]}
            }
