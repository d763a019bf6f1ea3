"""``flask ops backup --to PATH`` and ``flask ops restore --from PATH``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db
from app.ops import backup as backups

ops_cli = AppGroup("ops", help="Back up and restore the database.")


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


@ops_cli.command("backup")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False), help="The file.")
def backup(target):
    """Back up the database to a file (PostgreSQL: pg_dump's custom format; SQLite: a copy
    made with its online backup API). The file holds personal data: keep it safe."""
    try:
        result = backups.backup(_database_url(), target)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Backed up the {result.engine} database to {result.path} ({result.size} bytes)")


@ops_cli.command("restore")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False), help="The file.")
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(source, force):
    """Restore the database from a backup. Refuses to replace data unless --force."""
    db.session.remove()
    db.engine.dispose()  # no pooled connection may outlive the database it was opened on
    try:
        engine = backups.restore(_database_url(), source, force=force)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    finally:
        db.engine.dispose()
    click.echo(f"Restored the {engine} database from {source}. Check it: flask audit verify")
