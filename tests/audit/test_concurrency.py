"""Many people reading at once: every read is answered and audited, and the chain holds.

The app is served by a real threaded server (as `make run` serves it), so the requests
really overlap, each on its own database connection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.audit import services as audit
from app.auth.roles import Role
from app.auth.tokens import issue_token
from tests import factories
from tests.helpers import CSRF_PATTERN, api_headers, assert_redirects

THREADS = 16
REQUESTS_EACH = 10


def _csrf(http: requests.Session, url: str) -> str:
    match = CSRF_PATTERN.search(http.get(url).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _signed_in_cookies(live_server: str, user) -> dict:
    """Sign in through the real pages, over HTTP, and return the session cookie."""
    http = requests.Session()
    url = f"{live_server}/sign-in"
    form = {"email": user.email, "password": factories.PASSWORD, "csrf_token": _csrf(http, url)}
    assert_redirects(http.post(url, data=form, allow_redirects=False), "/sign-in/code")
    url = f"{live_server}/sign-in/code"
    form = {"code": factories.next_code(user), "csrf_token": _csrf(http, url)}
    assert_redirects(http.post(url, data=form, allow_redirects=False), "/")
    return http.cookies.get_dict()


def _hammer(url: str, *, headers=None, cookies=None) -> list[int]:
    def one_reader(_):
        with requests.Session() as http:
            return [
                http.get(url, headers=headers, cookies=cookies, allow_redirects=False).status_code
                for _ in range(REQUESTS_EACH)
            ]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return [status for statuses in pool.map(one_reader, range(THREADS)) for status in statuses]


def _assert_all_answered_and_chained(statuses: list[int], app) -> None:
    failures = [status for status in statuses if not 200 <= status < 300]
    assert failures == [], f"{len(failures)} of {len(statuses)} reads failed: {set(failures)}"
    result = audit.verify()
    assert result.problems == []
    assert result.checked >= THREADS * REQUESTS_EACH
    output = app.test_cli_runner().invoke(args=["audit", "verify"]).output
    assert "chain intact" in output


@pytest.mark.parametrize("reader", ["api", "page"])
def test_many_concurrent_reads_of_one_case_are_all_answered_and_chained(app, live_server, reader):
    keyworker = factories.user(Role.KEYWORKER)
    case = factories.case(keyworker)
    if reader == "api":
        headers = api_headers(issue_token(keyworker, days=1).secret)
        statuses = _hammer(f"{live_server}/api/v1/cases/{case.id}", headers=headers)
    else:
        cookies = _signed_in_cookies(live_server, keyworker)
        statuses = _hammer(f"{live_server}/cases/{case.id}", cookies=cookies)
    _assert_all_answered_and_chained(statuses, app)
