"""The README's schedule table is the registry's, row for row."""

from __future__ import annotations

from pathlib import Path

from app.jobs.registry import SCHEDULE, TASKS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_every_task_and_when_it_runs():
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in README.read_text().splitlines()
        if line.startswith("| `") and line.split("|")[1].strip().strip("`") in TASKS
    }
    assert set(rows) == set(TASKS)
    for entry in SCHEDULE:
        assert rows[entry.task] == entry.when
    assert rows["notifications.deliver"].startswith("after the commit")
