"""Kept figures in Redis, as production keeps them (``CACHE_REDIS_URL``): what each page
keeps goes there and comes back whole, and a committed change forgets it there."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from app.auth.roles import Role
from app.cases.models import CaseStatus
from app.extensions import db
from tests import factories
from tests.cases.test_team_counts import counted
from tests.referrals.support import World
from tests.tasks.support import browser_for
from tests.tasks.test_counts_and_queries import nav

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PREFIX = f"test-kept-{uuid.uuid4().hex}:"  # this run's own keys


@pytest.fixture
def app_config():
    return {
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
        "KEPT_COUNTS_SECONDS": 60,
        "REPORT_FIGURES_SECONDS": 600,
    }


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    for key in client.scan_iter(PREFIX + "*"):
        client.delete(key)


def test_counts_and_tables_are_kept_in_redis_and_forgotten_there(app, store):
    assert app.config["CACHE_TYPE"] == "RedisCache"
    world = World.build()
    supervisor = factories.user(Role.SUPERVISOR)
    boss = browser_for(app, supervisor)
    keyworker = browser_for(app, world.keyworker)

    tasks = nav(keyworker.get("/tasks/"))["Your tasks"]
    assert nav(keyworker.get("/cases/"))["Your tasks"] == tasks
    assert boss.get("/tasks/").status_code == 200  # the late-by-keyworker table
    assert boss.get("/reports/").status_code == 200  # report figures
    shown = counted(boss.get("/cases/team"))
    assert f"{world.keyworker.name} 1 1" in shown
    keys = [key.decode().removeprefix(PREFIX) for key in store.scan_iter(PREFIX + "*")]
    kept = {key.split(":")[0] for key in keys}
    assert {"task-counts", "overdue-by-keyworker", "report-figures", "team-counts"} <= kept

    world.case.status = CaseStatus.COMPLETED.value
    db.session.commit()
    assert f"{world.keyworker.name} 0 1" in counted(boss.get("/cases/team"))
