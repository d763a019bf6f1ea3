"""Fictional demonstration data for development: organisations, one user per role, three
cases (active with a contract, new, and ineligible), and a referral of the active case with
appointments and attendance, all made through the real services; then two years of
history for the reports (``app.demo_history``).

Never loaded in production (the command is not registered there), and only into an
empty database.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.assessments.models import NeedDomain
from app.assessments.services import record_assessment
from app.audit import services as audit
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.cases.intake import Intake
from app.cases.models import Case
from app.cases.services import record_case
from app.consent.services import give_consent
from app.contracts.services import agree_contract
from app.database import utcnow
from app.dates import today_in_london
from app.demo_history import load_history
from app.evidence.attendance import AttendanceAnswer, record_attendance
from app.evidence.services import book_appointment
from app.extensions import db
from app.partners.models import Organisation, ServiceType
from app.referrals.lifecycle import transition
from app.referrals.services import send_referral
from app.victims.services import VictimDetails

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

ORGANISATION_CONTACTS = {
    "Riverside Minds": ("Dana Reed", "0117 496 0101"),
    "Turning Point Recovery": ("Omar Patel", "0117 496 0102"),
    "Safe Harbour Housing": ("Grace Lee", "0117 496 0103"),
}

DEMO_USERS = [
    ("keyworker@demo.hub.example", "Kim Keyworker", Role.KEYWORKER, None),
    ("supervisor@demo.hub.example", "Sam Supervisor", Role.SUPERVISOR, None),
    ("admin@demo.hub.example", "Alex Administrator", Role.ADMIN, None),
    ("partner@demo.hub.example", "Pat Partner", Role.PARTNER, "Turning Point Recovery"),
    ("victim.liaison@demo.hub.example", "Vic Liaison", Role.VICTIM_LIAISON, None),
    ("analyst@demo.hub.example", "Ana Analyst", Role.ANALYST, None),
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
    today = today_in_london()
    for name, organisation in by_name.items():
        contact_name, phone = ORGANISATION_CONTACTS.get(name, ("Intake team", "0117 496 0100"))
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        organisation.contact_name = contact_name
        organisation.contact_phone = phone
        organisation.contact_email = f"referrals@{slug}.example.org"
        organisation.isa_reference = f"ISA-{slug[:6].upper()}-2026"
        organisation.isa_expires_on = today + timedelta(days=365)
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, role, organisation_name in DEMO_USERS:
        organisation = by_name.get(organisation_name)
        user = User(
            email=email,
            name=name,
            role=role.value,
            organisation_id=organisation.id if organisation else None,
            password_hash=password_hash,
            is_organisation_lead=role == Role.PARTNER,
        )
        db.session.add(user)
        db.session.flush()
        users[role] = user
        audit.record("user.created", "user", user.id, details={"role": role.value, "demo": True})
    db.session.commit()
    _load_demo_cases(users[Role.KEYWORKER], by_name, today)
    _load_demo_evidence(users[Role.KEYWORKER], users[Role.PARTNER], by_name)
    load_history(users[Role.KEYWORKER], users[Role.SUPERVISOR], users[Role.PARTNER], by_name, today)
    return True


def _intake(
    reference: str, given: str, family: str, born: date, committed: date, **answers
) -> Intake:
    values = {
        "crime_reference": reference,
        "offence_description": "Theft of food and toiletries worth 48 pounds from a supermarket",
        "offence_class": "summary",
        "offence_committed_on": committed,
        "offence_in_force_area": True,
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "address": "14 Example Row, Exampletown",
        "postcode": "EX1 2AB",
        "email": f"{given.lower()}.{family.lower()}@example.org",
        "phone": "07700 900456",
        "lives_in_force_area": True,
        "accepts_responsibility": True,
        "agrees_to_participate": True,
        "has_dvpn_or_dvpo": False,
        "on_court_order_or_sentence": False,
        "on_prison_licence": False,
        "on_bail_or_rui_other_offence": False,
        "offended_in_last_two_years": False,
    }
    values.update(answers)
    return Intake(**values)


def _load_demo_cases(keyworker: User, organisations: dict, today: date) -> None:
    """Three fictional cases through the real services: active, new, and ineligible."""
    active = record_case(
        keyworker,
        _intake(
            "DEMO/00101/26",
            "Jordan",
            "Fictional",
            date(1999, 3, 14),
            today - timedelta(days=60),
            victims=[
                VictimDetails(
                    name="Sam Example", email="sam.example@example.org", preferred_contact="email"
                )
            ],
        ),
    )
    levels = {domain: (1, None) for domain in NeedDomain}
    levels[NeedDomain.ALCOHOL] = (3, "Drinks most days; wants to cut down")
    levels[NeedDomain.EDUCATION_TRAINING_EMPLOYMENT] = (2, "Out of work for a year")
    record_assessment(
        keyworker,
        active.id,
        "initial",
        levels,
        goals="Find steady work",
        strengths="Close to their sister",
    )
    recovery = organisations["Turning Point Recovery"]
    give_consent(
        keyworker,
        active.id,
        recovery.id,
        ["contact_details", "substance_use"],
        "written",
        "2026-04",
    )
    agree_contract(
        keyworker,
        active.id,
        start_date=today - timedelta(days=20),
        conditions=[
            {
                "type": "rehabilitative",
                "description": "Attend 4 sessions with an alcohol service",
                "required_sessions": 4,
            },
            {
                "type": "restorative",
                "description": "Write a letter of apology to the shop",
                "victim_relevant": True,
            },
            {
                "type": "restrictive",
                "description": "Do not enter the shop during the contract",
                "victim_relevant": True,
            },
        ],
    )
    record_case(
        keyworker,
        _intake(
            "DEMO/00102/26", "Alex", "Placeholder", date(1990, 8, 2), today - timedelta(days=10)
        ),
    )
    record_case(
        keyworker,
        _intake(
            "DEMO/00103/26",
            "Chris",
            "Sample",
            date(1985, 1, 30),
            today - timedelta(days=12),
            has_dvpn_or_dvpo=True,
        ),
    )


def _load_demo_evidence(keyworker: User, partner: User, organisations: dict) -> None:
    """A referral of the active case to Turning Point Recovery, accepted, with one session
    attended, one missed without an acceptable reason (a compliance concern for the
    keyworker to decide) and one booked for next week."""
    active = db.session.scalar(select(Case).where(Case.crime_reference == "DEMO/00101/26"))
    alcohol = next(c for c in active.contract.current_conditions if c.type == "rehabilitative")
    referral = send_referral(
        keyworker,
        active.id,
        organisations["Turning Point Recovery"].id,
        [alcohol.id],
        "Support to cut down drinking",
        "They would prefer morning appointments.",
        "three_way_call",
        utcnow() - timedelta(days=18),
        ["contact_details", "substance_use"],
    )
    for status in ("acknowledged", "accepted", "in_progress"):
        transition(partner, referral.id, status)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    attended = book_appointment(
        partner,
        referral.id,
        starts_at=now - timedelta(days=14),
        mode="in_person",
        location="Turning Point, 12 Mill Lane",
    )
    record_attendance(partner, attended.id, AttendanceAnswer(status="attended"))
    missed = book_appointment(partner, referral.id, starts_at=now - timedelta(days=7), mode="phone")
    record_attendance(partner, missed.id, AttendanceAnswer(status="did_not_attend"))
    book_appointment(partner, referral.id, starts_at=now + timedelta(days=7), mode="video")


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
