"""``flask jobs``: see the schedule, or run one task now in this process."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.registry import SCHEDULE, TASKS
from app.jobs.runner import runner_of

jobs_cli = AppGroup("jobs", help="Background tasks and their schedule.")


@jobs_cli.command("list")
def list_jobs():
    """Print every task, and when the periodic ones run."""
    runner = runner_of(current_app)
    click.echo(f"Background tasks run by: {runner.mode}")
    when = {entry.task: entry.when for entry in SCHEDULE}
    for task in TASKS.values():
        click.echo(
            f"  {task.name:30} {when.get(task.name, 'after a commit'):26} {task.description}"
        )


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(TASKS)))
@click.option("--id", "ids", multiple=True, help="An id the task takes (repeatable).")
def run_job(name, ids):
    """Run one task now, in this process (whatever runs the others), and print its counts."""
    task = TASKS[name]
    if task.takes_ids != bool(ids):
        raise click.UsageError(
            f"{name} takes {'one --id or more' if task.takes_ids else 'no --id'}"
        )
    runner = runner_of(current_app)
    result = runner.run(name, ids)
    click.echo(f"{name}: {json.dumps(result)}")
