"""Command-line tools: users, tokens, the audit check and demo data."""

from __future__ import annotations

import sys
import uuid

import click
from flask import Flask
from flask.cli import AppGroup

from app import demo
from app.audit import checkpoints
from app.audit import services as audit
from app.auth import tokens
from app.auth import users as user_service
from app.auth.mfa import code_for
from app.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
audit_cli = AppGroup("audit", help="Check the audit log.")
demo_cli = AppGroup("demo", help="Demonstration data for development.")
notifications_cli = AppGroup("notifications", help="Deliver the notification outbox.")
keys_cli = AppGroup("keys", help="Manage the keys that encrypt TOTP secrets at rest.")


@keys_cli.command("new")
def new_key():
    """Print a new random key, for TOTP_ENCRYPTION_KEYS."""
    from app.auth.encryption import new_key as make_key

    click.echo(make_key())


@keys_cli.command("rotate")
def rotate_keys():
    """Re-encrypt every TOTP secret with the first key in TOTP_ENCRYPTION_KEYS."""
    from app.auth.encryption import DecryptionFailed
    from app.auth.keys import rotate_all

    try:
        count = rotate_all()
    except DecryptionFailed as error:
        click.echo(f"{error} Nothing was changed.", err=True)
        sys.exit(1)
    click.echo(f"Re-encrypted {count} secret(s) with the current key")


@notifications_cli.command("send")
def send_notifications():
    """Send the messages that are due now, once (the background tasks do this by themselves)."""
    from app.notifications.sender import sweep

    sent, failed = sweep()
    click.echo(f"Sent {sent}, failed {failed} (will retry)")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True)
@click.option("--organisation-id", default=None)
@click.option("--password", required=True, help="A temporary password; 8 characters or more.")
def create_user(email, name, role, organisation_id, password):
    """Create a user, who sets up two-factor sign-in at first sign-in."""
    try:
        organisation = uuid.UUID(organisation_id) if organisation_id else None
    except ValueError:
        raise click.BadParameter(
            "must be an organisation ID (a UUID)", param_hint="--organisation-id"
        ) from None
    try:
        user = user_service.create_user(
            user_service.NewUser(
                email=email, name=name, role=role, password=password, organisation_id=organisation
            )
        )
    except user_service.UserInvalid as invalid:
        for field, message in invalid.errors.items():
            click.echo(f"{field}: {message}", err=True)
        sys.exit(1)
    click.echo(f"Created user {user.id} ({user.role})")


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--days", type=click.IntRange(1, tokens.MAX_DAYS), default=None)
@click.option("--name", default="Command-line token")
def create_token(email, days, name):
    """Issue an API token. The token alone is printed on the last line."""
    user = user_service.find_by_email(email)
    if user is None:
        click.echo("No user has that email address", err=True)
        sys.exit(1)
    try:
        issued = tokens.issue_token(user, days=days, name=name)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    expiry = issued.token.expires_at.isoformat() if issued.token.expires_at else "never"
    click.echo(f"Token {issued.token.id} for {user.id}, expires {expiry}. It is shown once:")
    click.echo(issued.secret)


@audit_cli.command("verify")
@click.option(
    "--against",
    "checkpoint_file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="A checkpoint file (from `audit checkpoint`): the log must still hold its head.",
)
def verify_audit(checkpoint_file):
    """Check every entry's hash and its link to the entry before it."""
    checkpoint = None
    if checkpoint_file is not None:
        try:
            checkpoint = checkpoints.load(checkpoint_file.read())
        except checkpoints.CheckpointRefused as refused:
            raise click.BadParameter(
                f"checkpoint refused: {refused}", param_hint="--against"
            ) from None
    result = audit.verify(against=checkpoint)
    for problem in result.problems:
        click.echo(problem, err=True)
    if not result.ok:
        problems, checked = len(result.problems), result.checked
        click.echo(f"Audit log FAILED verification: {problems} problem(s) in {checked} entries")
        sys.exit(1)
    click.echo(f"Audit log verified: {result.checked} entries, chain intact")
    if result.legacy:
        vouched = (
            "the first entry signed with an audit key vouches for them"
            if result.legacy < result.checked
            else "the next entry written, signed with an audit key, will vouch for them"
        )
        click.echo(
            f"{result.legacy} entries from before audit keys have a plain SHA-256: {vouched}"
        )
    if checkpoint is not None:
        click.echo(
            f"Checkpoint of {checkpoint.taken_at} matched: entry {checkpoint.last_id} "
            f"is still entry {checkpoint.count} of the log"
        )


@audit_cli.command("checkpoint")
@click.option(
    "--to",
    "path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write it to this file (default: print it).",
)
def checkpoint_audit(path):
    """A signed statement of the log's head, to keep away from the database.

    `audit verify --against FILE` later shows the log still holds that head, so entries
    removed from the end are found.
    """
    checkpoint = checkpoints.take()
    if path is None:
        click.echo(checkpoint.to_text(), nl=False)
        return
    with open(path, "w", encoding="utf-8") as file:
        file.write(checkpoint.to_text())
    click.echo(
        f"Checkpoint written to {path}: {checkpoint.count} entries, the last "
        f"{checkpoint.last_id}, signed with audit key {checkpoint.key_id!r}"
    )


@demo_cli.command("load")
def load_demo():
    """Load demonstration organisations and users into an empty database."""
    if demo.load_if_empty():
        click.echo("Loaded demonstration data.")
    else:
        click.echo("The database already has data: demonstration data not loaded.")
    demo.print_sign_ins(click.echo)


@demo_cli.command("code")
@click.argument("secret")
def demo_code(secret):
    """Print the current 6-digit code for a set-up secret (stands in for an authenticator app)."""
    click.echo(code_for(secret.replace(" ", "").upper()))


def register_commands(app: Flask) -> None:
    from app.jobs.cli import jobs_cli
    from app.ops.cli import ops_cli
    from app.outcomes.cli import outcomes_cli
    from app.referrals.cli import referrals_cli
    from app.retention.cli import retention_cli

    groups = (
        users_cli,
        tokens_cli,
        audit_cli,
        notifications_cli,
        keys_cli,
        referrals_cli,
        outcomes_cli,
        jobs_cli,
        ops_cli,
        retention_cli,
    )
    for group in groups:
        app.cli.add_command(group)
    if app.config["HUB_ENV"] != "production":
        app.cli.add_command(demo_cli)


def main() -> None:
    """The ``hub`` command of an installed hub: the same commands as ``flask --app app``
    (``hub db upgrade``, ``hub users create ...``, ``hub run``), from any directory."""
    from flask.cli import FlaskGroup

    from app import create_app

    FlaskGroup(create_app=create_app, help="The virtual offender hub.").main(prog_name="hub")


@demo_cli.command("scale")
@click.option("--cases", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--seed", type=int, default=None, help="The random seed (the same data each time).")
def demo_scale(cases, seed):
    """Fill an empty database with CASES generated cases at national proportions."""
    from app import demo_scale as scale

    try:
        written = scale.load_scale(
            cases, seed=scale.SEED if seed is None else seed, echo=click.echo
        )
    except scale.RefusedError as refusal:
        raise click.ClickException(str(refusal)) from refusal
    for table, count in written.items():
        click.echo(f"  {table:<22} {count:>10}")
    click.echo(f"Generated {cases} cases.")
