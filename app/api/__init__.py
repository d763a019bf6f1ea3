"""The JSON API, version 1, under /api/v1 (contract: shared/API.md).

Authentication is by bearer token (see app.auth.hooks); errors are
application/problem+json (see app.web_errors). The OpenAPI document is generated from
the marshmallow schemas at /api/v1/openapi.json.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from app.api import (
    appointments,
    cases,
    consents,
    contracts,
    me,
    organisations,
    outcomes,
    referrals,
    users,
    victims,
)
from app.extensions import csrf

API_PREFIX = "/api/v1"


class HubApi(Api):
    def _register_error_handlers(self):
        """Errors are answered by app.web_errors, for the pages and the API alike."""


api = HubApi(
    spec_kwargs={
        "info": {
            "description": (
                "The virtual offender hub's API for partner systems and force systems. "
                "Authenticate with `Authorization: Bearer <token>`. Errors are "
                "`application/problem+json`. Objects outside your scope answer 404."
            )
        },
        "servers": [{"url": "/"}],
    }
)


def init_api(app: Flask) -> None:
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    for blueprint in (
        me.blp,
        users.blp,
        organisations.blp,
        cases.blp,
        consents.blp,
        contracts.blp,
        referrals.blp,
        victims.blp,
        appointments.blp,
        outcomes.blp,
    ):
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + blueprint.url_prefix)
        # Bearer tokens, not cookies, authenticate the API: CSRF cannot ride on them.
        csrf.exempt(blueprint)
