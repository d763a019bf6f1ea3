"""Every bad request to every operation is a 4xx problem+json, never a 500.

Parametrised over the OpenAPI document, so an endpoint added later is covered at once:
no token, malformed JSON, the wrong content type, unknown fields, wrong types, an
oversize body, out-of-range pages and a malformed ``updated_since``. Each request is
made by a role the operation allows (its ``x-roles``), so the refusal is about the
request and not the role.
"""

from __future__ import annotations

import pytest

from app.auth.tokens import issue_token
from tests import factories
from tests.api.spec import operations, paginated, with_body, with_csv_body
from tests.helpers import api_headers

PROBLEM = "application/problem+json"


def headers_for(operation) -> dict:
    return api_headers(issue_token(factories.user(operation.roles[0]), days=1).secret)


def assert_problem(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data())
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == response.status_code
    return body


@pytest.mark.parametrize("operation", operations(), ids=lambda op: op.id)
def test_no_token_is_401(client, operation):
    response = client.open(operation.url(), method=operation.method.upper(), json={})
    body = assert_problem(response, 401)
    assert body["code"] == "unauthorized"


@pytest.mark.parametrize("operation", with_body(), ids=lambda op: op.id)
def test_malformed_json_is_400(client, operation):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data='{"name": ',
        content_type="application/json",
        headers=headers_for(operation),
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("operation", with_body(), ids=lambda op: op.id)
def test_the_wrong_content_type_is_4xx(client, operation):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data="name=x",
        content_type="application/x-www-form-urlencoded",
        headers=headers_for(operation),
    )
    assert_problem(response, 415, 422)


@pytest.mark.parametrize("operation", with_body(), ids=lambda op: op.id)
def test_unknown_fields_are_422_naming_the_field(client, operation):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        json={"surprise_field": 1},
        headers=headers_for(operation),
    )
    body = assert_problem(response, 422)
    assert "surprise_field" in body["errors"]


@pytest.mark.parametrize("body", ["[]", '"text"', "7", "null", "true"], ids=str)
@pytest.mark.parametrize("operation", with_body(), ids=lambda op: op.id)
def test_a_body_of_the_wrong_type_is_422(client, operation, body):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data=body,
        content_type="application/json",
        headers=headers_for(operation),
    )
    assert_problem(response, 422)


@pytest.mark.parametrize("operation", with_body(), ids=lambda op: op.id)
def test_an_oversize_body_is_413(client, operation):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data='{"name": "' + "x" * (1024 * 1024) + '"}',
        content_type="application/json",
        headers=headers_for(operation),
    )
    assert_problem(response, 413)


def test_every_body_is_json_or_csv():
    bodies = [op for op in operations() if op.has_body]
    assert sorted(op.id for op in bodies) == sorted(op.id for op in with_body() + with_csv_body())


@pytest.mark.parametrize(
    ("data", "content_type", "statuses"),
    [
        ('{"name": "x"}', "application/json", (415,)),
        ("name=x", "application/x-www-form-urlencoded", (415,)),
        (b"\xff\xfe\x00not utf-8", "text/csv", (422,)),
        ("[]", "text/csv", (422,)),
        ("x" * (1024 * 1024 + 10), "text/csv", (413,)),
    ],
    ids=["json", "form", "not-utf-8", "not-a-header", "oversize"],
)
@pytest.mark.parametrize("operation", with_csv_body(), ids=lambda op: op.id)
def test_csv_bodies_are_checked_like_json_ones(client, operation, data, content_type, statuses):
    response = client.open(
        operation.url(),
        method=operation.method.upper(),
        data=data,
        content_type=content_type,
        headers=headers_for(operation),
    )
    assert_problem(response, *statuses)


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "per_page=0", "per_page=201", "per_page=x"],
)
@pytest.mark.parametrize("operation", paginated(), ids=lambda op: op.id)
def test_out_of_range_pages_are_422(client, operation, query):
    response = client.get(f"{operation.url()}?{query}", headers=headers_for(operation))
    body = assert_problem(response, 422, 404)
    if response.status_code == 422:
        assert set(body["errors"]) & {"page", "per_page"}


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-13-01T00:00:00Z", "2026-11-22T25:30:00Z"], ids=str
)
@pytest.mark.parametrize(
    "operation", [op for op in operations() if "updated_since" in op.query], ids=lambda op: op.id
)
def test_a_malformed_updated_since_is_422(client, operation, value):
    response = client.get(
        operation.url(), query_string={"updated_since": value}, headers=headers_for(operation)
    )
    body = assert_problem(response, 422, 404)
    if response.status_code == 422:
        assert "updated_since" in body["errors"]


def test_every_list_takes_paging_and_updated_since():
    lists = [op for op in operations() if op.method == "get" and "page" in op.query]
    assert lists, "no lists in the document"
    for operation in lists:
        assert {"page", "per_page", "updated_since"} <= operation.query, operation.id
