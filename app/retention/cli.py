"""``flask retention review``: the periodic retention review (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.retention.services import run_retention_review

retention_cli = AppGroup("retention", help="The retention schedule of personal data.")


@retention_cli.command("review")
def review():
    """Count the records past their retention period and tell the administrators, who
    review them at /retention/. Nothing is erased without an administrator's approval."""
    result = run_retention_review()
    counts = ", ".join(f"{rule.value}: {n}" for rule, n in result.counts.items())
    click.echo(
        f"{result.due} record(s) due for review ({counts}); told {result.notified} administrator(s)"
    )
