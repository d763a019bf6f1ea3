"""``flask referrals check``: the periodic referral job (run it from cron, e.g. hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.referrals.checks import check_referrals

referrals_cli = AppGroup("referrals", help="Referral housekeeping.")


@referrals_cli.command("check")
def check():
    """Flag overdue acknowledgements (once each) and put on hold the open referrals whose
    consent has expired, telling both sides."""
    result = check_referrals()
    click.echo(
        f"Flagged {result.overdue_flagged} overdue acknowledgement(s); "
        f"put {result.held} referral(s) on hold"
    )
