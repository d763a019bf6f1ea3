"""The generated organisations and users, at national proportions: a keyworker for about
every 400 cases over five years (some 30 open at a time), a supervisor for every six
keyworkers, a victim liaison officer for every twelve, and a partner organisation (with
its lead) for every 500 cases. The demo sign-ins of ``flask demo load`` are among them:
the demo keyworker holds a typical caseload and the demo partner leads the first
organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.demo import DEMO_PASSWORD, DEMO_USERS
from app.extensions import db
from app.partners.models import Organisation, ServiceType

AREAS = ("North", "South", "East", "West", "Central", "Coast", "Valleys", "Downs")


@dataclass
class Partner:
    id: object
    acknowledge_within_days: int
    partner: object  # the lead's user id


@dataclass
class Staff:
    keyworkers: list = field(default_factory=list)
    supervisor: object = None
    liaison: object = None
    organisations: list[Partner] = field(default_factory=list)
    users: int = 0


def create_staff(cases: int, today: date) -> Staff:
    keyworkers = max(4, cases // 400)
    counts = {
        Role.KEYWORKER: keyworkers,
        Role.SUPERVISOR: max(1, keyworkers // 6),
        Role.VICTIM_LIAISON: max(1, keyworkers // 12),
        Role.ADMIN: 2,
        Role.ANALYST: 1,
    }
    password_hash = hash_password(DEMO_PASSWORD)
    types = list(ServiceType)
    organisations = []
    for i in range(max(16, cases // 500)):
        kind = types[i % len(types)]
        area = AREAS[(i // len(types)) % len(AREAS)]
        name = "Turning Point Recovery" if i == 0 else f"{area} {kind.label} Service {i}"
        organisations.append(
            Organisation(
                name=name,
                service_types=[ServiceType.SUBSTANCE_MISUSE.value if i == 0 else kind.value],
                areas=[area],
                acknowledge_within_days=2 + i % 3,
                contact_name="Intake team",
                contact_phone="0117 496 0100",
                contact_email=f"referrals{i}@partner.example.org",
                isa_reference=f"ISA-{i:04d}",
                isa_expires_on=today + timedelta(days=365),
                version=1,
            )
        )
    db.session.add_all(organisations)
    db.session.flush()
    demo = {role: (email, name) for email, name, role, _org in DEMO_USERS}
    users: dict[Role, list[User]] = {}
    for role, count in counts.items():
        for i in range(count):
            email, name = (
                demo[role]
                if i == 0
                else (f"{role.value}.{i}@scale.hub.example", f"{role.label} {i}")
            )
            users.setdefault(role, []).append(
                User(
                    email=email, name=name, role=role.value, password_hash=password_hash, version=1
                )
            )
    leads = []
    for i, organisation in enumerate(organisations):
        email, name = (
            demo[Role.PARTNER]
            if i == 0
            else (f"lead.{i}@partner.scale.hub.example", f"Partner lead {i}")
        )
        leads.append(
            User(
                email=email,
                name=name,
                role=Role.PARTNER.value,
                organisation_id=organisation.id,
                is_organisation_lead=True,
                password_hash=password_hash,
                version=1,
            )
        )
    everyone = [user for group in users.values() for user in group] + leads
    db.session.add_all(everyone)
    db.session.flush()
    return Staff(
        keyworkers=[user.id for user in users[Role.KEYWORKER]],
        supervisor=users[Role.SUPERVISOR][0].id,
        liaison=users[Role.VICTIM_LIAISON][0].id,
        organisations=[
            Partner(org.id, org.acknowledge_within_days, lead.id)
            for org, lead in zip(organisations, leads, strict=True)
        ],
        users=len(everyone),
    )
