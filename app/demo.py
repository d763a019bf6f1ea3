"""Fictional demonstration data for development: organisations and one user per role.

Never loaded in production (the command is not registered there), and only into an
empty database.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit import services as audit
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.extensions import db
from app.partners.models import Organisation, ServiceType

DEMO_PASSWORD = "hub-demo-password-2026"  # noqa: S105 - fictional, development only

ORGANISATIONS = [
    ("Riverside Minds", [ServiceType.MENTAL_HEALTH], ["North", "Central"]),
    ("Talking Space Wellbeing", [ServiceType.MENTAL_HEALTH], ["South"]),
    ("Safe Harbour Housing", [ServiceType.HOUSING], ["North", "South", "Central"]),
    ("Open Door Tenancy Support", [ServiceType.HOUSING], ["Central"]),
    ("Turning Point Recovery", [ServiceType.SUBSTANCE_MISUSE], ["North", "South", "Central"]),
    ("Clear Path Alcohol Service", [ServiceType.SUBSTANCE_MISUSE], ["South"]),
    ("Hillside Community Trust", [ServiceType.VOLUNTARY_COMMUNITY], ["North"]),
    ("Lantern Volunteers", [ServiceType.VOLUNTARY_COMMUNITY], ["Central", "South"]),
    ("Square Deal Debt Advice", [ServiceType.DEBT_ADVICE], ["North", "South", "Central"]),
    ("Money Matters Advice Centre", [ServiceType.DEBT_ADVICE], ["Central"]),
    ("Next Step Skills", [ServiceType.EMPLOYMENT_TRAINING], ["North", "Central"]),
    ("WorkWise Training", [ServiceType.EMPLOYMENT_TRAINING], ["South"]),
    ("Meadow Women's Centre", [ServiceType.WOMENS_CENTRE], ["North", "South", "Central"]),
    ("Willow Women's Project", [ServiceType.WOMENS_CENTRE], ["South"]),
    ("Calm Choices Anger Management", [ServiceType.OTHER], ["North", "South", "Central"]),
    ("Bridges Mentoring", [ServiceType.OTHER, ServiceType.VOLUNTARY_COMMUNITY], ["Central"]),
]

DEMO_USERS = [
    ("keyworker@demo.hub.example", "Kim Keyworker", Role.KEYWORKER, None),
    ("supervisor@demo.hub.example", "Sam Supervisor", Role.SUPERVISOR, None),
    ("admin@demo.hub.example", "Alex Administrator", Role.ADMIN, None),
    ("partner@demo.hub.example", "Pat Partner", Role.PARTNER, "Riverside Minds"),
    ("victim.liaison@demo.hub.example", "Vic Liaison", Role.VICTIM_LIAISON, None),
]


def load_if_empty() -> bool:
    if db.session.scalar(select(func.count()).select_from(User)) or db.session.scalar(
        select(func.count()).select_from(Organisation)
    ):
        return False
    by_name = {}
    for name, types, areas in ORGANISATIONS:
        organisation = Organisation(name=name, service_types=[t.value for t in types], areas=areas)
        db.session.add(organisation)
        by_name[name] = organisation
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, organisation_name in DEMO_USERS:
        organisation = by_name.get(organisation_name)
        user = User(
            email=email,
            name=name,
            role=role.value,
            organisation_id=organisation.id if organisation else None,
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", "user", user.id, details={"role": role.value, "demo": True})
    db.session.commit()
    return True


def print_sign_ins(echo) -> None:
    existing = set(db.session.scalars(select(User.email)))
    rows = [(email, role) for email, _name, role, _org in DEMO_USERS if email in existing]
    if not rows:
        return
    echo("")
    echo("Demo sign-ins (development only). Password for each: " + DEMO_PASSWORD)
    for email, role in rows:
        echo(f"  {role.label:<22} {email}")
    echo("At first sign-in each user sets up two-factor sign-in: scan the QR code with an")
    echo(
        "authenticator app, or run: .venv/bin/flask --app app demo code <SECRET SHOWN ON THE PAGE>"
    )
    echo("")
