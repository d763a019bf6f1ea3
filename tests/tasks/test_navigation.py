"""The navigation's task counts are kept for each user for a short time
(``KEPT_COUNTS_SECONDS``; the other tests work them out on every page): what others do
shows once they are worked out again, the "Your tasks" page always counts afresh, and the
user's own changes count again at once."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.referrals.services import post_update
from tests import factories
from tests.helpers import post_form
from tests.referrals.support import World
from tests.tasks.support import browser_for
from tests.tasks.test_counts_and_queries import nav


@pytest.fixture
def kept(app):
    app.config["KEPT_COUNTS_SECONDS"] = 60  # the shared app's config is put back after


@pytest.fixture
def world(app):
    return World.build()


def tasks_shown(browser, path="/cases/") -> int:
    response = browser.get(path)
    assert response.status_code == 200
    return nav(response)["Your tasks"]


def test_what_others_do_shows_when_the_tasks_page_counts_afresh(app, kept, world):
    keyworker = browser_for(app, world.keyworker)
    before = tasks_shown(keyworker)

    post_update(world.partner, world.referral.id, "First session booked for Tuesday")

    assert tasks_shown(keyworker) == before  # kept
    assert tasks_shown(keyworker, "/tasks/") == before + 1  # the tasks page counts afresh
    assert tasks_shown(keyworker) == before + 1  # ... and keeps what it found


def test_opening_the_referral_counts_its_news_read_at_once(app, kept, world):
    post_update(world.partner, world.referral.id, "First session booked for Tuesday")
    keyworker = browser_for(app, world.keyworker)
    unread = tasks_shown(keyworker, "/tasks/")
    assert unread >= 1

    assert keyworker.get(f"/referrals/{world.referral.id}").status_code == 200

    assert tasks_shown(keyworker) == unread - 1


def test_a_change_the_user_makes_counts_again(app, kept, world):
    keyworker = browser_for(app, world.keyworker)
    before = tasks_shown(keyworker)
    post_update(world.partner, world.referral.id, "First session booked for Tuesday")
    assert tasks_shown(keyworker) == before

    # A refused change changes nothing, so the kept counts stay.
    refused = post_form(keyworker, "/account/tokens/new", {"name": "", "days": "30"})
    assert refused.status_code == 400
    assert tasks_shown(keyworker) == before

    # Any change of theirs (here, an API token) counts again.
    created = post_form(keyworker, "/account/tokens/new", {"name": "Sync", "days": "30"})
    assert created.status_code == 200
    assert tasks_shown(keyworker) == before + 1


def test_each_user_has_their_own_counts(app, kept, world):
    mine = browser_for(app, world.keyworker)
    before = tasks_shown(mine)
    other = factories.user(Role.KEYWORKER)
    theirs = browser_for(app, other)
    assert tasks_shown(theirs) == 0
    post_update(world.partner, world.referral.id, "First session booked for Tuesday")
    assert tasks_shown(mine, "/tasks/") == before + 1
    assert tasks_shown(theirs) == 0
