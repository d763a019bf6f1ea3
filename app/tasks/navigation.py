"""The navigation's task counts, kept for each user for a short time.

Every page's navigation shows how many tasks wait for the signed-in user. Working them
out is one statement over the work queue's rules (``app.tasks.queue.counts``), which at
200,000 cases took 12-20 ms, the costliest statement of most pages (docs/bench/README.md).
So each user's counts are kept (``app.kept``) for ``KEPT_COUNTS_SECONDS`` (60 unless set;
0 works them out on every page):

- the "Your tasks" page always works them out afresh, and keeps what it found;
- a change the user makes (any request that is not a read and succeeds, and opening a
  referral, which marks the partner's news on it read) forgets them, so the next page
  counts again: doing a task takes it off the count at once;
- what others do, or time passing, shows within ``KEPT_COUNTS_SECONDS``.

The key names the user, their role and organisation and the day, so a role change or a
new day is counted afresh. Counts are numbers only: no personal data is kept.
"""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from app import kept
from app.dates import today_in_london
from app.tasks.queue import counts

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _key(user) -> str:
    lead = "lead" if user.is_organisation_lead else "member"
    return (
        f"task-counts:{user.id}:{user.role}:{user.organisation_id}:{lead}:"
        f"{today_in_london().isoformat()}"
    )


def navigation_counts(user) -> dict[str, int]:
    """``user``'s task counts: kept ones if recent enough, else worked out and kept."""
    return kept.kept(_key(user), kept.counts_seconds(), lambda: counts(user)).value


def keep(user, found: dict[str, int]) -> None:
    """Keep counts just worked out by the tasks page."""
    kept.keep(_key(user), kept.counts_seconds(), dict(found))


def forget(user) -> None:
    """Count ``user``'s tasks again on their next page."""
    if kept.counts_seconds():
        kept.forget(_key(user))


def forget_after_a_change(response: Response) -> Response:
    """After a successful change by a signed-in user, count their tasks again."""
    changed = request.method not in READS and response.status_code < 400
    if changed and current_user.is_authenticated:
        forget(current_user)
    return response
