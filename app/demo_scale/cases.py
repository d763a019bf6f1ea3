"""One generated case at a time: the person, eligibility, allocation, contract and
conditions, needs assessments, victims with consultations and updates, the outcome
decision, surveys and the reoffending check, with a timeline event for each step.
Referrals, appointments and attendance come from ``app.demo_scale.referrals``.

Every row is a tuple in the order of ``app.demo_scale.columns``; statuses follow the
steps drawn (an ended case's open referrals are cancelled, a case with a contract is
active until its outcome is decided), so the data agree with each other as the services
would have left them.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from functools import lru_cache

from app.assessments.models import NeedDomain
from app.cases.eligibility import RULES
from app.dates import contract_end
from app.demo_scale.clock import Weighted, at
from app.demo_scale.endings import EndingDrawer
from app.demo_scale.referrals import ReferralDrawer
from app.text import search_key

YEARS = 5
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)
GIVEN = (
    "Alex", "Sam", "Jo", "Chris", "Taylor", "Jordan", "Casey", "Robin", "Ali", "Kim",
    "Morgan", "Riley", "Jamie", "Charlie", "Drew", "Frankie", "Harper", "Jesse", "Kai",
    "Logan", "Nico", "Parker", "Quinn", "Reese", "Rowan", "Sage", "Skyler", "Toni",
    "Zoë", "Siân", "Aoife", "Rhys", "Priya", "Tariq", "Amara", "Kofi", "Mei", "Oskar",
)  # fmt: skip
FAMILY = (
    "Example", "Sample", "Fictional", "Placeholder", "Specimen", "Madeup", "Testcase",
    "Dummy", "Mockley", "Pretend", "Notreal", "Invented", "Imaginary", "Storybook",
    "O'Sample", "Núñez-Example", "Ashdown", "Brookfield", "Coldharbour", "Dunmore",
    "Eastleigh", "Fernhill", "Greywell", "Hollowell", "Inkpen", "Juniper", "Kingsley",
    "Larchwood", "Millbrook", "Northam", "Oakridge", "Pennington", "Quarry", "Redmarley",
)  # fmt: skip
DISTRICTS = tuple(f"EX{n}" for n in range(1, 25))
OFFENCES = (
    ("Theft from a shop", "summary"),
    ("Criminal damage to a car", "either_way"),
    ("Common assault", "summary"),
    ("Possession of cannabis", "either_way"),
    ("Public order offence", "summary"),
    ("Theft of a bicycle", "either_way"),
)
CONDITIONS = (
    ("restorative", "Write a letter of apology", None, True),
    ("rehabilitative", "Attend sessions with a support service", 6, False),
    ("reparative", "Unpaid work for a community project", None, False),
    ("restrictive", "Do not contact the victim during the contract", None, True),
)

AGE_BAND = Weighted({"18_25": 35, "26_plus": 60, "under_18": 5})
SEX = Weighted({"male": 70, "female": 26, "not_stated": 4})
ETHNICITY = Weighted({"white": 78, "asian": 8, "black": 6, "mixed": 4, "other": 4})
VICTIMS = Weighted({0: 40, 1: 50, 2: 10})
RESULT = Weighted({"completed": 86, "breached": 7, "opted_out": 7})
NEED_LEVEL = Weighted({0: 30, 1: 30, 2: 25, 3: 15})
NEED_PROGRESS = Weighted({0: 45, 1: 45, 2: 10})


class CaseDrawer(ReferralDrawer, EndingDrawer):
    def __init__(self, writer, staff, today: date, seed: int):
        self.w, self.staff, self.today = writer, staff, today
        self.rng = random.Random(seed)  # noqa: S311 - fictional demo data, not security
        self.first_day = today - timedelta(days=365 * YEARS)

    def uuid(self):
        """A random (version 4) UUID: as text for ``COPY``, which is 5 times faster to
        make than a ``uuid.UUID``; as a ``uuid.UUID`` for SQLAlchemy's inserts."""
        bits = self.rng.getrandbits(128) & _UUID_CLEAR | _UUID_V4
        if self.w.postgres:
            text = f"{bits:032x}"
            return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return uuid.UUID(int=bits)

    def pick(self, weights):
        return weights.draw(self.rng)

    def days(self, mean: float) -> int:
        return int(self.rng.expovariate(1 / mean)) if mean else 0

    def event(self, case, kind: str, summary: str, when: datetime, actor) -> None:
        self.w.add("case_events", (case.id, when, actor, kind, summary))
        if when > case.updated_at:
            case.updated_at = when

    # One case ----------------------------------------------------------------------

    def case(self, n: int) -> None:
        rng = self.rng
        referred = self.first_day + timedelta(days=rng.randrange(365 * YEARS - 2))
        band = self.pick(AGE_BAND)
        age = {
            "18_25": rng.randint(18, 25),
            "26_plus": rng.randint(26, 60),
            "under_18": rng.randint(15, 17),
        }[band]
        committed = referred - timedelta(days=rng.randint(3, 30))
        born = committed - timedelta(days=int(age * 365.25) + rng.randint(1, 300))
        failed = [] if age >= 18 else ["age"]
        description, offence_class = rng.choice(OFFENCES)
        if rng.random() < 0.03:
            description, offence_class = "Robbery", "indictable"
            failed.insert(0, "offence_class")
        if rng.random() < 0.04:
            failed.append(rng.choice(RULES[4:]).code)
        keyworker = rng.choice(self.staff.keyworkers)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        created = at(referred, 9)
        person_id = self.uuid()
        self.w.add(
            "people",
            (
                person_id,
                given,
                family,
                born,
                f"{n} Scale Road, Exampletown",
                f"{rng.choice(DISTRICTS)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}Z",
                None,
                "07700 900000",
                True,
                self.pick(SEX),
                self.pick(ETHNICITY),
                created,
                _search_name(given, family),
            ),
        )
        case = _Case(self.uuid(), f"SCALE/{n:07d}/{referred:%y}", person_id, referred, created)
        case.born, case.committed, case.offence_class = born, committed, offence_class
        case.description, case.failed = description, failed
        case.keyworker, case.status = None, "ineligible" if failed else "eligible"
        case.contact = {
            "name": f"{given} {family}",
            "address": f"{n} Scale Road, Exampletown",
            "postcode": None,
            "phone": "07700 900000",
            "email": None,
        }
        self.event(case, "case.created", "Case recorded", created, keyworker)
        if not failed:
            self.run(case, keyworker)
        self.write_case(case, keyworker)

    def run(self, case, keyworker) -> None:
        rng = self.rng
        victims = [self.victim(case) for _ in range(self.pick(VICTIMS))]
        allocated = case.referred + timedelta(days=self.days(2))
        if allocated >= self.today:
            return
        case.keyworker, case.status = keyworker, "allocated"
        self.w.add(
            "case_allocations",
            (self.uuid(), case.id, keyworker, self.staff.supervisor, at(allocated, 11)),
        )
        self.event(
            case,
            "case.allocated",
            "Allocated to a keyworker",
            at(allocated, 11),
            self.staff.supervisor,
        )
        start = allocated + timedelta(days=5 + self.days(8))
        if start >= self.today:
            return
        if rng.random() < 0.08:
            self.decide(case, "opted_out", start, victims)
            return
        self.contract(case, keyworker, start, victims)

    def contract(self, case, keyworker, start: date, victims) -> None:
        rng = self.rng
        contract_id, agreed = self.uuid(), at(start, 10)
        end = contract_end(start)
        self.w.add(
            "contracts",
            (contract_id, case.id, start, end, start, "signed", keyworker, agreed),
        )
        chosen = [CONDITIONS[1]] + rng.sample(
            [CONDITIONS[0], CONDITIONS[2], CONDITIONS[3]], rng.randint(1, 3)
        )
        conditions = []
        for kind, text, sessions, victim_relevant in chosen:
            condition_id = self.uuid()
            conditions.append((condition_id, kind))
            self.w.add(
                "conditions",
                (
                    condition_id,
                    contract_id,
                    kind,
                    text,
                    sessions,
                    victim_relevant,
                    1,
                    keyworker,
                    agreed,
                ),
            )
        case.status = "active"
        self.event(case, "contract.agreed", "Contract agreed", agreed, keyworker)
        self.tell_victims(case, victims, agreed)
        levels = self.assess(case, keyworker, "initial", start, None)
        last_day = min(end, self.today)
        result = None
        if end <= self.today:
            result = self.pick(RESULT)
        elif rng.random() < 0.04:
            result = "opted_out"
        ended = (
            end if result in (None, "completed") else start + timedelta(days=rng.randint(30, 100))
        )
        last_day = min(ended, last_day, self.today)
        rehabilitative = conditions[0][0]
        self.referrals(case, keyworker, start, last_day, rehabilitative)
        if result is None:
            return
        if result == "completed" and ended + timedelta(days=10) > self.today:
            self.propose(case, keyworker, ended)
            return
        if result != "opted_out" and rng.random() < 0.9:
            self.assess(case, keyworker, "exit", ended, levels)
        self.close_referrals(case, keyworker, ended)
        self.decide(case, result, ended, victims)

    def assess(self, case, keyworker, stage, on: date, before: dict | None) -> dict:
        assessment_id, when = self.uuid(), at(on, 12)
        self.w.add(
            "needs_assessments",
            (assessment_id, case.id, stage, "Find steady work", keyworker, when),
        )
        levels = {}
        for domain in NeedDomain:
            if before is None:
                level = self.pick(NEED_LEVEL)
            else:
                level = max(0, before[domain] - self.pick(NEED_PROGRESS))
            levels[domain] = level
            self.w.add("need_scores", (self.uuid(), assessment_id, domain.value, level))
        self.event(
            case, "assessment.recorded", f"Needs assessment recorded ({stage})", when, keyworker
        )
        return levels

    def write_case(self, case, keyworker) -> None:
        self.write_referrals(case)
        self.w.add(
            "cases",
            (
                case.id,
                case.reference,
                case.person_id,
                case.keyworker,
                case.status,
                case.description,
                case.offence_class,
                case.committed,
                True,
                True,
                True,
                False,
                False,
                False,
                False,
                False,
                case.failed,
                case.outcome_code,
                case.decided_at,
                False,
                keyworker,
                case.created,
                case.updated_at,
                1,
            ),
        )


class _Case:
    __slots__ = (
        "id", "reference", "person_id", "referred", "created", "born", "committed",
        "offence_class", "description", "failed", "keyworker", "status", "outcome_code",
        "decided_at", "updated_at", "contact", "referrals",
    )  # fmt: skip

    def __init__(self, case_id, reference, person_id, referred, created):
        self.id, self.reference, self.person_id = case_id, reference, person_id
        self.referred, self.created, self.updated_at = referred, created, created
        self.outcome_code = self.decided_at = None


@lru_cache(maxsize=10_000)
def _search_name(given: str, family: str) -> str:
    return search_key(f"{given} {family}")
