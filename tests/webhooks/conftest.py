"""Fixtures for the webhook tests: a real receiver on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def failing_receiver():
    """Answers 500 twice, then 200."""
    with Receiver(statuses=(500, 500, 200)) as running:
        yield running
