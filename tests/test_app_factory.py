"""Apps do not share mutable state: the test run (and a deployment's workers) can build
several, and one app's settings must never reach another."""

from __future__ import annotations

from tests.conftest import make_app
from tests.helpers import csrf_token


def _attempts_until_refused(app, limit: int) -> list[int]:
    client = app.test_client()
    with app.app_context():
        token = csrf_token(client, "/sign-in")
    statuses = []
    for attempt in range(limit + 1):
        with app.app_context():
            response = client.post(
                "/sign-in",
                data={"email": f"guess{attempt}@hub.example", "password": "x", "csrf_token": token},
            )
        statuses.append(response.status_code)
    return statuses


def test_a_rate_limited_app_does_not_limit_another_app(database_template, tmp_path):
    url = f"sqlite:///{database_template}"
    limited = make_app(url, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    unlimited = make_app(url, RATELIMIT_ENABLED=False)

    assert _attempts_until_refused(limited, 3)[-1] == 429
    # Made after the limited app, and used after it was exhausted: never limited.
    assert 429 not in _attempts_until_refused(unlimited, 3)
    assert 429 not in _attempts_until_refused(unlimited, 3)


def test_each_app_has_its_own_openapi_document(database_template):
    url = f"sqlite:///{database_template}"
    first, second = make_app(url), make_app(url)
    first_spec = first.test_client().get("/api/v1/openapi.json").json
    second_spec = second.test_client().get("/api/v1/openapi.json").json
    assert first_spec == second_spec  # the second app's document is not doubled up
    assert first_spec["paths"]
