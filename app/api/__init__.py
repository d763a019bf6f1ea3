"""The JSON API, version 1, under /api/v1 (contract: shared/API.md).

Authentication is by bearer token (see app.auth.hooks); errors are
application/problem+json (see app.web_errors). The OpenAPI document is generated from
the marshmallow schemas at /api/v1/openapi.json, with each operation's roles, errors and
examples added by app.api.docs. Every resource shares one rate limit per token
(app.api.limits).
"""

from __future__ import annotations

import copy

from flask import Flask, current_app
from flask_smorest import Api

from app.api import (
    appointments,
    audit,
    cases,
    consents,
    contracts,
    imports,
    me,
    organisations,
    outcomes,
    referrals,
    reoffending_checks,
    reports,
    tasks,
    users,
    victims,
    webhooks,
)
from app.api.docs import ProblemSchema, document_operations
from app.api.errors import check_json_body
from app.api.limits import api_limit, api_limit_key
from app.auth.filters import refuse_denied_filters
from app.extensions import csrf
from app.rate_limits import limiter_of
from app.webhooks.docs import document_webhooks

API_PREFIX = "/api/v1"
RATE_LIMIT_SCOPE = "api"


class HubApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Errors are answered by app.web_errors, for the pages and the API alike."""


SPEC_KWARGS = {
    "info": {
        "description": (
            "The virtual offender hub's API for partner systems and force systems.\n\n"
            "- Authenticate with `Authorization: Bearer <token>`. A token acts with its "
            "user's role and organisation; each operation states the roles allowed.\n"
            "- Errors are `application/problem+json` (`Problem`), with `errors` per "
            "field for invalid input and a `code` where API.md names one.\n"
            "- Objects outside your scope answer 404, as if they did not exist.\n"
            "- Lists answer `{items, total, page, per_page}`, ordered by the time of "
            "the last change then id; `updated_since` keeps what changed since then. "
            "A page beyond the last has no items; `page` < 1 or `per_page` outside "
            "1..200 answers 422.\n"
            "- Times are ISO 8601 in UTC (`2026-11-22T09:30:00Z`); dates `YYYY-MM-DD`.\n"
            "- Each token may make `RATELIMIT_API` requests (1200 a minute by "
            "default); beyond that the answer is 429 with `Retry-After`."
        )
    },
    "servers": [{"url": "/"}],
}


BLUEPRINTS = (
    me.blp,
    tasks.blp,
    users.blp,
    organisations.blp,
    cases.blp,
    consents.blp,
    contracts.blp,
    referrals.blp,
    victims.blp,
    appointments.blp,
    outcomes.blp,
    reoffending_checks.blp,
    imports.blp,
    audit.blp,
    reports.blp,
    webhooks.blp,
)


def init_api(app: Flask) -> None:
    # Each app has its own Api (and so its own OpenAPI document) and its own limit.
    api = HubApi(spec_kwargs=copy.deepcopy(SPEC_KWARGS))
    app.extensions["hub_api"] = api
    api.init_app(app)
    # One limit shared by every resource, counted per token.
    per_token = limiter_of(app).shared_limit(
        api_limit, scope=RATE_LIMIT_SCOPE, key_func=api_limit_key
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    document_webhooks(api.spec)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + blueprint.url_prefix)
        # Bearer tokens, not cookies, authenticate the API: CSRF cannot ride on them.
        csrf.exempt(blueprint)
        per_token(blueprint)
    # After the authentication hook (init_auth ran first): no token still answers 401.
    app.before_request(lambda: check_json_body(API_PREFIX))
    app.before_request(refuse_denied_filters)
    document_operations(app, api.spec, API_PREFIX)


def current_api() -> HubApi:
    return current_app.extensions["hub_api"]
