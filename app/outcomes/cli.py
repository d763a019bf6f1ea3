"""``flask outcomes backfill-checks``: give every ended case its reoffending check.

Cases decided through the hub get their check with the decision; run this once after
upgrading (it is idempotent) for cases that ended before checks existed for every ending.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.outcomes.checks import backfill_checks

outcomes_cli = AppGroup("outcomes", help="Outcome housekeeping.")


@outcomes_cli.command("backfill-checks")
def backfill():
    """Add the missing reoffending check of every completed, opted-out or breached case."""
    added = backfill_checks()
    click.echo(f"Added {added} reoffending check{'s' if added != 1 else ''}")
