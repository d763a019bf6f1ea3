"""Helpers that act as a person would: sign in through the real pages."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import event, select, text, update

from app.extensions import db
from tests.factories import PASSWORD, next_code

MIGRATIONS = Path(__file__).resolve().parent.parent / "app" / "migrations" / "versions"

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, **kwargs):
    """Fetch the form for its CSRF token, then post it."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def _target(url: str) -> tuple[str, list]:
    parts = urlsplit(url)
    return parts.path, sorted(parse_qsl(parts.query, keep_blank_values=True))


def redirects_to(response, expected: str, status: int = 302) -> bool:
    """True if ``response`` redirects to ``expected``: the same path and query (in any order
    and encoding), whatever scheme and host the Location names."""
    location = response.headers.get("Location")
    return response.status_code == status and _target(location or "") == _target(expected)


def assert_redirects(response, expected: str, status: int = 302) -> None:
    """Assert ``response`` redirects to ``expected`` (path and query, as ``redirects_to``)."""
    assert response.status_code == status, (response.status_code, response.text[:2000])
    assert redirects_to(response, expected, status), (
        f"redirected to {response.headers.get('Location')}, expected {expected}"
    )


def assert_landed_on(response, expected: str) -> None:
    """Assert a request made with ``follow_redirects=True`` was redirected and ended, with a
    200, on ``expected`` (path and query)."""
    assert response.history, f"not redirected: {response.status_code}"
    assert response.status_code == 200, (response.status_code, response.text[:2000])
    final = response.request
    landed = f"{final.path}?{final.query_string.decode()}"
    assert _target(landed) == _target(expected), f"landed on {landed}, expected {expected}"


def sign_in(client, user, password: str = PASSWORD):
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert_redirects(response, "/sign-in/code")
    response = post_form(client, "/sign-in/code", {"code": next_code(user)})
    assert_redirects(response, "/")
    return response


def api_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class FromNow:
    """A date or time relative to now, worked out when the test runs, never when the
    tests are collected (a run that crosses midnight must not change what a test means).

    ``FromNow(days=1)`` is tomorrow's date in London; ``FromNow(days=1, iso=True)`` its ISO
    text; ``FromNow(minutes=-1, moment=True)`` the UTC time a minute ago."""

    def __init__(self, *, moment: bool = False, iso: bool = False, **delta):
        self.delta = timedelta(**delta)
        self.moment = moment
        self.iso = iso

    def resolve(self):
        from app.database import utcnow
        from app.dates import today_in_london

        value = utcnow() + self.delta if self.moment else today_in_london() + self.delta
        return value.isoformat() if self.iso else value

    def __repr__(self) -> str:
        return f"FromNow({self.delta!r})"


def resolved(values: dict) -> dict:
    """``values`` with each FromNow worked out now."""
    return {key: v.resolve() if isinstance(v, FromNow) else v for key, v in values.items()}


def stored_by_id(column) -> dict:
    """Every row's stored ``column`` (a mapped attribute), by the row's id."""
    db.session.expire_all()
    return dict(db.session.execute(select(column.class_.id, column)).all())


def refilled_by_migration(number: str, column) -> dict:
    """Empty ``column`` in every row, fill it again with the ``FILL`` statement of the
    migration whose file starts with ``number`` (as when it first ran on a database with
    rows), and answer ``stored_by_id(column)``: for the tests that its fill agrees with
    what the app keeps."""
    [path] = MIGRATIONS.glob(f"{number}_*.py")
    spec = importlib.util.spec_from_file_location(f"migration_{number}", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(update(column.class_).values({column: None}))
    db.session.execute(text(migration.FILL))
    db.session.commit()
    return stored_by_id(column)


@contextmanager
def statements_containing(fragment: str) -> Iterator[list[str]]:
    """Within the block, the SQL statements run whose text contains ``fragment``."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if fragment in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
