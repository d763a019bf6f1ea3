"""The OpenAPI document's operations, read once at collection time to parametrise tests
over whatever the API offers (new endpoints are covered the moment they are added)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache

from tests.conftest import BASE_CONFIG

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    roles: tuple[str, ...]
    has_body: bool
    query: frozenset[str]
    body_types: tuple[str, ...] = ()  # the media types of the request body

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def url(self, **ids) -> str:
        return re.sub(r"{([^}]+)}", lambda m: str(ids.get(m.group(1), uuid.uuid4())), self.path)


@cache
def document() -> dict:
    from app import create_app

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for path, item in sorted(document()["paths"].items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            found.append(
                Operation(
                    method=method,
                    path=path,
                    roles=tuple(operation["x-roles"]),
                    has_body="requestBody" in operation,
                    query=frozenset(query),
                    body_types=tuple(operation.get("requestBody", {}).get("content", {})),
                )
            )
    return tuple(found)


def with_body() -> list[Operation]:
    """The operations that take a JSON body (nearly all that take a body)."""
    return [op for op in operations() if op.has_body and "application/json" in op.body_types]


def with_csv_body() -> list[Operation]:
    """The operations that take a CSV file as their body (shared/API.md: the imports)."""
    return [op for op in operations() if op.has_body and "text/csv" in op.body_types]


def paginated() -> list[Operation]:
    return [op for op in operations() if {"page", "per_page"} <= op.query]
