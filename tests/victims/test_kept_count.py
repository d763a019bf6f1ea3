"""The victims home's count of cases with victims is the same for every victim liaison
officer, so it is kept for ``KEPT_COUNTS_SECONDS`` (the other tests work it out every
time) and forgotten as soon as a victim is added or removed."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.extensions import db
from app.victims import listing
from tests import factories
from tests.helpers import statements_containing
from tests.victims import support


@pytest.fixture
def kept(app):
    app.config["KEPT_COUNTS_SECONDS"] = 60  # the shared app's config is put back after


def counted(officer) -> tuple[int, int]:
    """(cases with victims shown, statements run that counted them)."""
    with statements_containing("SELECT DISTINCT victims.case_id") as seen:
        shown = listing.home_page(officer).counts["all"]
    return shown, len(seen)


def test_the_count_is_kept_and_shared_until_a_victim_is_added_or_removed(app, kept):
    first, second = factories.user(Role.VICTIM_LIAISON), factories.user(Role.VICTIM_LIAISON)
    support.victim(factories.case())
    assert counted(first) == (1, 1)
    assert counted(second) == (1, 0)  # kept, and the same for every officer

    added = support.victim(factories.case())
    assert counted(second) == (2, 1)

    db.session.delete(added)
    db.session.commit()
    assert counted(first) == (1, 1)


def test_a_keyworkers_count_is_their_own_and_never_kept(app, kept):
    keyworker = factories.user(Role.KEYWORKER)
    support.victim(factories.case(keyworker))
    support.victim(factories.case())
    assert counted(factories.user(Role.VICTIM_LIAISON)) == (2, 1)
    assert counted(keyworker) == (1, 1)
    assert counted(keyworker) == (1, 1)
