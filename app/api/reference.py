"""A human-readable page of the API's documentation, built from the same OpenAPI document
as /api/v1/openapi.json, so the two cannot disagree. Public, like the document itself: it
holds no data, only the contract."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template

from app.auth.permissions import public

bp = Blueprint("api_reference", __name__)

METHOD_ORDER = {"get": 0, "post": 1, "patch": 2, "put": 3, "delete": 4}
METHOD_TAGS = {"get": "govuk-tag--blue", "post": "govuk-tag--green", "patch": "govuk-tag--yellow"}


@dataclass
class Field:
    name: str
    kind: str
    required: bool
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    roles: list[str]
    parameters: list[Field]
    body: list[Field]
    responses: list[tuple[str, str]]
    example: dict | None = None


@dataclass
class Section:
    name: str
    title: str
    operations: list[Operation] = field(default_factory=list)


def _kind(schema: dict, spec: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " or ".join(k for k in kind if k != "null")
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}), spec)}"
    if schema.get("enum"):
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fields(schema: dict, spec: dict) -> list[Field]:
    schema = _resolve(schema, spec)
    required = set(schema.get("required", []))
    return [
        Field(name, _kind(prop, spec), name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def sections(spec: dict) -> list[Section]:
    titles = {tag["name"]: tag.get("description", tag["name"]) for tag in spec.get("tags", [])}
    by_tag: dict[str, Section] = {name: Section(name, title) for name, title in titles.items()}
    for path, item in spec["paths"].items():
        for method, op in sorted(item.items(), key=lambda kv: METHOD_ORDER.get(kv[0], 9)):
            if method not in METHOD_ORDER:
                continue
            tag = (op.get("tags") or ["other"])[0]
            section = by_tag.setdefault(tag, Section(tag, tag))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            parameters = [
                Field(
                    p["name"],
                    f"{p['in']}: {_kind(p.get('schema', {}), spec)}",
                    p.get("required", False),
                    p.get("description", ""),
                )
                for p in op.get("parameters", [])
            ]
            section.operations.append(
                Operation(
                    anchor=op.get("operationId") or f"{method}-{path}".replace("/", "-"),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    roles=op.get("x-roles", []),
                    parameters=parameters,
                    body=_fields(body["schema"], spec) if body.get("schema") else [],
                    responses=sorted(
                        (code, answer.get("description", ""))
                        for code, answer in op.get("responses", {}).items()
                    ),
                    example=body.get("example"),
                )
            )
    return [s for s in by_tag.values() if s.operations]


@bp.get("/api-docs")
@public
def reference():
    from app.api import current_api

    spec = current_api().spec.to_dict()
    return render_template(
        "api/reference.html",
        info=spec.get("info", {}),
        sections=sections(spec),
        method_tags=METHOD_TAGS,
        webhooks=spec.get("x-webhooks"),
    )
