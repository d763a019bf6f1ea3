"""Kept figures only save work (app.kept): with the store (Redis) unreachable, every page
still answers, with counts and figures worked out from the records, and changes still
go through; a warning without personal data is logged."""

from __future__ import annotations

import logging

import pytest

from app.auth.roles import Role
from app.referrals.services import post_update
from tests import factories
from tests.helpers import post_form
from tests.referrals.support import World
from tests.smtp import free_port
from tests.tasks.support import browser_for
from tests.tasks.test_counts_and_queries import nav


@pytest.fixture
def app_config():
    return {
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "KEPT_COUNTS_SECONDS": 60,
        "REPORT_FIGURES_SECONDS": 600,
    }


def test_pages_answer_with_counts_worked_out_when_the_store_is_down(app, caplog):
    assert app.config["CACHE_TYPE"] == "RedisCache"
    world = World.build()
    keyworker = browser_for(app, world.keyworker)
    caplog.set_level(logging.WARNING, logger="app.kept")

    before = nav(keyworker.get("/cases/"))["Your tasks"]
    post_update(world.partner, world.referral.id, "First session booked for Tuesday")
    assert nav(keyworker.get("/cases/"))["Your tasks"] == before + 1  # nothing was kept
    assert keyworker.get("/tasks/").status_code == 200
    assert keyworker.get(f"/referrals/{world.referral.id}").status_code == 200
    created = post_form(keyworker, "/account/tokens/new", {"name": "Sync", "days": "30"})
    assert created.status_code == 200

    supervisor = browser_for(app, factories.user(Role.SUPERVISOR))
    for path in ("/cases/team", "/tasks/", "/reports/"):
        assert supervisor.get(path).status_code == 200, path

    warnings = [r.getMessage() for r in caplog.records if r.name == "app.kept"]
    assert warnings
    assert all(message.startswith("kept figures: could not ") for message in warnings)
    assert not any(world.case.person.family_name in message for message in warnings)
