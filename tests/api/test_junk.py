"""Junk in every text, time and date field of every operation is a 4xx, never a 500.

Generated from the OpenAPI document (so an operation or field added later is covered at
once): every string field of every request body, at any depth, and every string query
parameter, is sent text the database cannot store (a lone surrogate, a NUL character);
every time field (``format: date-time``) is sent times that parse but fall outside the
years a time can hold once in UTC (or outside the hub's years), and every date field
dates at the ends of the calendar; JSON is sent nested deeper than any body needs. Each
request is made, by every role the operation allows, against real objects in that role's
scope, with the rest of the body as the document's example has it, so the junk reaches
as far into the hub as it can. The answer must be 422 naming the field at fault (400 for
the nesting) as problem+json.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.auth.tokens import issue_token
from app.database import utcnow
from app.evidence import services as evidence_services
from app.evidence.models import AppointmentMode
from tests import factories
from tests.api.spec import document, operations, with_csv_body
from tests.helpers import api_headers
from tests.referrals import support

PROBLEM = "application/problem+json"
BAD_TEXT = [
    "\ud800",
    "\udfff",
    "before \ud83d after",  # half of a surrogate pair
    "Sam\ud800",
    "\x00",
    "Sam\x00Example",
    "line one\nline two\x00",
    "\x00\ud800",
]
BAD_QUERY_TEXT = ["\x00", "Sam\x00", "%\x00%", "a\x00b\x00c"]
BAD_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:59:59+01:00",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:00:00-01:00",
    "9999-12-31T23:59:59.999999-00:01",
    "0999-12-31T23:59:59Z",
    "9000-01-01T00:00:00Z",
    "2026-02-30T09:30:00Z",
    "2026-11-22T24:30:00Z",
    "2026-11-22T09:30:00+25:00",
]
BAD_DATES = ["0001-01-01", "9999-12-31", "0999-12-31", "9000-01-01", "2026-02-30"]
PREFERRED_ROLES = ("supervisor", "partner", "admin", "keyworker", "victim_liaison", "analyst")


@dataclass(frozen=True)
class Target:
    """One field of one operation: ``where`` is ``json`` or ``query``; ``path`` the keys
    (``[]`` for an array's item); ``kind`` ``text`` or ``time``."""

    operation: object
    where: str
    path: tuple[str, ...]
    kind: str

    @property
    def id(self) -> str:
        return f"{self.operation.id} {self.where}:{'.'.join(self.path)}"


def _resolve(schema: dict) -> dict:
    components = document()["components"]["schemas"]
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(schema: dict) -> str | None:
    if schema.get("type") != "string" or "enum" in schema:
        return None
    return {None: "text", "email": "text", "date-time": "time", "date": "date"}.get(
        schema.get("format")
    )


def _fields(schema: dict, path: tuple[str, ...] = ()):
    schema = _resolve(schema)
    for part in schema.get("allOf", []):
        yield from _fields(part, path)
    if schema.get("type") == "array":
        yield from _fields(schema["items"], (*path, "[]"))
        return
    for name, field in schema.get("properties", {}).items():
        if field.get("readOnly"):
            continue
        kind = _kind(_resolve(field))
        if kind:
            yield (*path, name), kind
        else:
            yield from _fields(field, (*path, name))


def _operation_doc(operation) -> dict:
    return document()["paths"][operation.path][operation.method]


def targets() -> list[Target]:
    found = []
    for operation in operations():
        doc = _operation_doc(operation)
        body = doc.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            found += [Target(operation, "json", p, k) for p, k in _fields(body["schema"])]
        for parameter in doc.get("parameters", []):
            kind = _kind(parameter.get("schema", {})) if parameter["in"] == "query" else None
            if kind:
                found.append(Target(operation, "query", (parameter["name"],), kind))
    return found


def _planted(body, path: tuple[str, ...], value):
    """``body`` with ``value`` at ``path`` (an array gets one item holding it, made from
    the example's first item)."""
    head, rest = path[0], path[1:]
    if head == "[]":
        item = copy.deepcopy(body[0]) if isinstance(body, list) and body else {}
        return [_planted(item, rest, value) if rest else value]
    body = dict(body) if isinstance(body, dict) else {}
    body[head] = _planted(body.get(head), rest, value) if rest else value
    return body


@pytest.fixture
def world(app):
    """Real objects for every path parameter, and a user of each role who may reach them."""
    keyworker = factories.user(Role.KEYWORKER)
    case = support.active_case(keyworker)
    org = support.organisation()
    partner = support.partner(org)
    consent = support.consent(case, org)
    referral = support.set_status(support.send(case, org, keyworker), "accepted")
    appointment = evidence_services.book_appointment(
        partner,
        referral.id,
        starts_at=utcnow() + timedelta(days=2),
        mode=AppointmentMode.IN_PERSON.value,
        location="The clinic",
    )
    users = {
        "keyworker": keyworker,
        "partner": partner,
        "supervisor": factories.user(Role.SUPERVISOR),
        "admin": factories.user(Role.ADMIN),
        "victim_liaison": factories.user(Role.VICTIM_LIAISON),
        "analyst": factories.user(Role.ANALYST),
    }
    ids = {
        "case_id": case.id,
        "referral_id": referral.id,
        "organisation_id": org.id,
        "consent_id": consent.id,
        "appointment_id": appointment.id,
        "user_id": partner.id,
        "keyworker_id": keyworker.id,
        "worker_id": partner.id,
        "condition_ids": [c.id for c in case.contract.current_conditions[:1]],
    }
    headers = {role: api_headers(issue_token(user, days=1).secret) for role, user in users.items()}
    return ids, headers


def _example(operation, ids) -> dict:
    doc = _operation_doc(operation)
    example = doc["requestBody"]["content"]["application/json"].get("example") or {}
    body = copy.deepcopy(example)
    for key in ("organisation_id", "keyworker_id", "worker_id"):
        if key in body:
            body[key] = str(ids[key])
    if "condition_ids" in body:
        body["condition_ids"] = [str(i) for i in ids["condition_ids"]]
    return body


def _names(errors: dict, field: str) -> bool:
    """Whether ``errors`` names ``field`` (nested, or flat as ``field.0.name``)."""
    return any(key == field or key.startswith(field + ".") for key in errors)


def _values(target: Target) -> list[str]:
    if target.kind == "time":
        return BAD_TIMES
    if target.kind == "date":
        return BAD_DATES
    return BAD_TEXT if target.where == "json" else BAD_QUERY_TEXT


def test_junk_in_every_text_and_time_field_is_refused_never_a_500(client, world):
    ids, headers = world
    statuses: Counter = Counter()
    wrong = []
    for target in targets():
        operation = target.operation
        url = operation.url(**ids)
        for role in operation.roles:
            for value in _values(target):
                if target.where == "json":
                    body = _planted(_example(operation, ids), target.path, value)
                    response = client.open(
                        url, method=operation.method.upper(), json=body, headers=headers[role]
                    )
                else:
                    response = client.open(
                        url,
                        method=operation.method.upper(),
                        query_string={target.path[0]: value},
                        headers=headers[role],
                    )
                statuses[response.status_code] += 1
                errors = (response.get_json(silent=True) or {}).get("errors") or {}
                if (
                    response.status_code != 422
                    or response.mimetype != PROBLEM
                    or not _names(errors, target.path[0])
                ):
                    wrong.append((target.id, role, repr(value), response.status_code))
    total = sum(statuses.values())
    print(f"{total} junk requests: {dict(statuses)}")  # noqa: T201 (shown with -s)
    assert total >= 1000, statuses
    assert statuses[500] == 0, [w for w in wrong if w[3] == 500][:20]
    assert not wrong, (len(wrong), wrong[:30])


def test_the_junk_reaches_every_operation_with_a_text_or_time_field():
    covered = {target.operation.id for target in targets()}
    times = {t.operation.id for t in targets() if t.kind == "time"}
    # The document's time fields, and every list's updated_since, are among them.
    assert {
        "POST /api/v1/referrals/{referral_id}/appointments",
        "POST /api/v1/appointments/{appointment_id}/reschedule",
        "POST /api/v1/cases/{case_id}/victim-updates",
        "POST /api/v1/cases/{case_id}/referrals",
    } <= times
    lists = {op.id for op in operations() if "updated_since" in op.query}
    assert lists <= times
    assert "POST /api/v1/cases" in covered


@pytest.mark.parametrize("depth", [100, 1000, 100_000])
@pytest.mark.parametrize(
    "operation",
    [op for op in operations() if op.has_body and "application/json" in op.body_types],
    ids=lambda op: op.id,
)
def test_json_nested_too_deep_is_400(client, world, operation, depth):
    ids, headers = world
    role = next(r for r in PREFERRED_ROLES if r in operation.roles)
    response = client.open(
        operation.url(**ids),
        method=operation.method.upper(),
        data='{"a": ' * depth + "1" + "}" * depth,
        content_type="application/json",
        headers=headers[role],
    )
    assert response.status_code == 400, response.get_data()
    assert response.mimetype == PROBLEM
    assert "nested" in response.get_json()["detail"]


@pytest.mark.parametrize("operation", with_csv_body(), ids=lambda op: op.id)
def test_a_nul_in_a_csv_body_is_422(client, world, operation):
    _, headers = world
    role = next(r for r in PREFERRED_ROLES if r in operation.roles)
    header = document()["paths"][operation.path][operation.method].get("x-csv-columns")
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data=(",".join(header) if header else "crime_reference") + "\nEX/1/26\x00,Sam\n",
        content_type="text/csv",
        headers=headers[role],
    )
    assert response.status_code == 422, response.get_data()
    assert response.mimetype == PROBLEM
    assert "NUL" in str(response.get_json()["errors"])
