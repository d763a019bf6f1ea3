"""Two years of fictional history for the demo, so the report pages have a story to tell.

A fast loader: it writes the rows the services would have written (people, cases,
allocations, timeline events, contracts and conditions, needs assessments, consents,
referrals with their moves, appointments and attendance, compliance concerns and
decisions, outcome decisions, victims with consultations and updates, ending surveys and
reoffending checks) in one transaction, with one audit entry saying the history was
loaded. Every figure is drawn from a random distribution with a fixed seed, so the demo
is the same each time; nothing on a report page is typed in.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from app.assessments.models import NeedDomain, NeedsAssessment, NeedScore
from app.audit import services as audit
from app.auth.models import User
from app.cases.eligibility import RULES
from app.cases.models import Case, CaseAllocation, CaseEvent, Person
from app.contracts.models import Condition, Contract
from app.database import UUIDPrimaryKey
from app.dates import LONDON, contract_end
from app.demo_referrals import ReferralHistory
from app.extensions import db
from app.outcomes.codes import crime_outcome
from app.outcomes.models import OutcomeProposal, ReoffendingCheck, Survey
from app.victims.models import Victim, VictimConsultation, VictimUpdate
from app.workdays import add_working_days

SEED = 2026
CASES = 320
DAYS = 730
DISTRICTS = ("EX1", "EX2", "EX3", "EX4", "EX5", "EX6")
GIVEN = ("Alex", "Sam", "Jo", "Chris", "Taylor", "Jordan", "Casey", "Robin", "Ali", "Kim")
FAMILY = ("Example", "Sample", "Fictional", "Placeholder", "Specimen", "Madeup", "Testcase")
REOFFEND = {"completed": 0.19, "opted_out": 0.40, "breached": 0.45}
CONDITIONS = (
    ("restorative", "Write a letter of apology", None),
    ("rehabilitative", "Attend sessions with a support service", 4),
    ("reparative", "Unpaid work for a community project", None),
    ("restrictive", "Do not enter the shop during the contract", None),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


class _History(ReferralHistory):
    def __init__(self, keyworkers: list[User], supervisor: User, partners: dict, orgs, today):
        self.rng = random.Random(SEED)  # noqa: S311 - fictional demo data, not security
        self.keyworkers, self.supervisor, self.partners = keyworkers, supervisor, partners
        self.orgs, self.today = orgs, today
        self.rows: dict[type, list] = {}
        self.cases = 0

    at = staticmethod(_at)

    def add(self, row):
        """Kept with its id set now, so rows can refer to each other; ``write`` adds them
        table by table in foreign-key order."""
        if isinstance(row, UUIDPrimaryKey) and row.id is None:
            row.id = uuid.uuid4()
        self.rows.setdefault(type(row), []).append(row)
        return row

    def write(self) -> None:
        order = {table.name: i for i, table in enumerate(db.metadata.sorted_tables)}
        for kind in sorted(self.rows, key=lambda k: order[k.__table__.name]):
            db.session.add_all(self.rows[kind])
            db.session.flush()

    def event(self, case: Case, kind: str, summary: str, at: datetime, actor: User | None):
        self.add(
            CaseEvent(
                case_id=case.id,
                kind=kind,
                summary=summary,
                occurred_at=at,
                actor_id=actor.id if actor else None,
            )
        )

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def days(self, mean: float) -> int:
        return int(self.rng.expovariate(1 / mean)) if mean else 0

    # One case ----------------------------------------------------------------------

    def case(self, n: int) -> None:
        rng = self.rng
        referred = self.today - timedelta(days=rng.randrange(5, DAYS))
        band = self.pick({"18_25": 35, "26_plus": 60, "under_18": 5})
        age = {
            "18_25": rng.randint(18, 25),
            "26_plus": rng.randint(26, 60),
            "under_18": rng.randint(15, 17),
        }[band]
        committed = referred - timedelta(days=rng.randint(3, 30))
        born = committed - timedelta(days=int(age * 365.25) + rng.randint(1, 300))
        failed = [] if age >= 18 else ["age"]
        offence_class = self.pick({"summary": 60, "either_way": 37, "indictable": 3})
        if offence_class == "indictable":
            failed.insert(0, "offence_class")
        if rng.random() < 0.05:
            failed.append(rng.choice(RULES[4:]).code)
        keyworker = rng.choice(self.keyworkers)
        person = self.add(
            Person(
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                date_of_birth=born,
                address=f"{n} History Road, Exampletown",
                postcode=f"{rng.choice(DISTRICTS)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}Z",
                phone="07700 900000",
                lives_in_force_area=True,
                sex=self.pick({"male": 70, "female": 26, "not_stated": 4}),
                ethnicity=self.pick(
                    {"white": 78, "asian": 8, "black": 6, "mixed": 4, "other": 2, "not_stated": 2}
                ),
                created_at=_at(referred, 9),
            )
        )
        case = self.add(
            Case(
                crime_reference=f"HIST/{n:05d}/{referred:%y}",
                person=person,
                keyworker_id=keyworker.id,
                status="ineligible" if failed else "eligible",
                offence_description="Theft from a shop",
                offence_class=offence_class,
                offence_committed_on=committed,
                offence_in_force_area=True,
                accepts_responsibility=True,
                agrees_to_participate=True,
                has_dvpn_or_dvpo=False,
                on_court_order_or_sentence=False,
                on_prison_licence=False,
                on_bail_or_rui_other_offence=False,
                offended_in_last_two_years=False,
                eligibility_failed=failed,
                created_by_id=keyworker.id,
                created_at=_at(referred, 9),
            )
        )
        self.cases += 1
        self.event(case, "case.created", "Case recorded", case.created_at, keyworker)
        if failed:
            return
        allocated = min(referred + timedelta(days=self.days(2)), self.today)
        self.add(
            CaseAllocation(
                case_id=case.id,
                keyworker_id=keyworker.id,
                allocated_by_id=self.supervisor.id,
                allocated_at=_at(allocated, 11),
            )
        )
        self.event(
            case,
            "case.allocated",
            f"Allocated to {keyworker.name}",
            _at(allocated, 11),
            self.supervisor,
        )
        case.status = "allocated"
        victim = self.victim(case, referred) if rng.random() < 0.6 else None
        start = allocated + timedelta(days=5 + self.days(8))
        if rng.random() < 0.09 or start >= self.today:
            if start < self.today:
                self.decide(case, "opted_out", min(start, self.today), keyworker, victim)
            return
        self.contract(case, keyworker, start, victim)

    def contract(self, case: Case, keyworker: User, start: date, victim) -> None:
        rng = self.rng
        contract = self.add(
            Contract(
                case_id=case.id,
                start_date=start,
                end_date=contract_end(start),
                agreed_on=start,
                agreement_method="signed",
                created_by_id=keyworker.id,
                created_at=_at(start, 10),
            )
        )
        chosen = [CONDITIONS[1]] + rng.sample(
            [CONDITIONS[0], CONDITIONS[2], CONDITIONS[3]], rng.randint(1, 2)
        )
        for kind, text, sessions in chosen:
            self.add(
                Condition(
                    contract_id=contract.id,
                    type=kind,
                    description=text,
                    required_sessions=sessions,
                    created_by_id=keyworker.id,
                    created_at=_at(start, 10),
                )
            )
        case.status = "active"
        agreed = _at(start, 10)
        self.event(case, "contract.agreed", "Contract agreed", agreed, keyworker)
        if victim is not None:
            self.tell_victim(case, victim, agreed)
        start_levels = self.assess(case, keyworker, "initial", start, None)
        self.referrals(case, keyworker, start)
        end = contract.end_date
        if end > self.today:
            if rng.random() < 0.04:
                self.decide(case, "opted_out", start + timedelta(days=30), keyworker, victim)
            return
        result = self.pick({"completed": 86, "breached": 7, "opted_out": 7})
        ended = end if result == "completed" else start + timedelta(days=rng.randint(30, 100))
        if result != "opted_out" and rng.random() < 0.9:
            self.assess(case, keyworker, "exit", ended, start_levels)
        self.decide(case, result, min(ended, self.today), keyworker, victim)

    def assess(self, case, keyworker, stage, on: date, before: dict | None) -> dict:
        assessment = self.add(
            NeedsAssessment(
                case_id=case.id, stage=stage, assessed_by_id=keyworker.id, assessed_at=_at(on, 12)
            )
        )
        levels = {}
        for domain in NeedDomain:
            if before is None:
                level = self.pick({0: 30, 1: 30, 2: 25, 3: 15})
            else:
                level = max(0, before[domain] - self.pick({0: 45, 1: 45, 2: 10}))
                level = min(3, level + (1 if self.rng.random() < 0.05 else 0))
            levels[domain] = level
            self.add(NeedScore(assessment_id=assessment.id, domain=domain.value, level=level))
        return levels

    def victim(self, case: Case, referred: date):
        victim = self.add(
            Victim(
                case_id=case.id,
                name="A fictional victim",
                preferred_contact="phone",
                enhanced_rights=self.rng.random() < 0.1,
                created_at=case.created_at,
            )
        )
        if self.rng.random() < 0.8:
            self.add(
                VictimConsultation(
                    case_id=case.id,
                    victim_id=victim.id,
                    consulted_on=referred + timedelta(days=3),
                    views="Would like an apology",
                    recorded_by_id=case.keyworker_id,
                )
            )
        return victim

    def tell_victim(self, case, victim, decided: datetime) -> None:
        lag = self.pick({0: 20, 1: 30, 3: 25, 5: 15, 8: 10})
        day = add_working_days(decided.astimezone(LONDON).date(), lag)
        if day < self.today:
            self.add(
                VictimUpdate(
                    case_id=case.id,
                    victim_id=victim.id,
                    method="phone",
                    summary="Told the victim about the decision",
                    given_at=_at(day, 16),
                    given_by_id=case.keyworker_id,
                )
            )

    def decide(self, case: Case, result: str, on: date, keyworker: User, victim) -> None:
        rng = self.rng
        decided = _at(on, 15)
        code = crime_outcome(
            result,
            born=case.person.date_of_birth,
            committed_on=case.offence_committed_on,
            decided_on=on,
        )
        self.add(
            OutcomeProposal(
                case_id=case.id,
                result=result,
                proposed_by_id=keyworker.id,
                proposed_at=decided,
                decision="approved",
                decided_by_id=self.supervisor.id,
                decided_at=decided,
                outcome_code=code,
                reason=None if result == "completed" else "Recorded in the demo",
            )
        )
        case.status, case.outcome_code, case.outcome_decided_at = result, code, decided
        self.event(
            case, "case.outcome_decided", f"Outcome decided: {result}", decided, self.supervisor
        )
        if victim is not None:
            self.tell_victim(case, victim, decided)
            if rng.random() < 0.5:
                self.add(
                    Survey(
                        case_id=case.id,
                        respondent="victim",
                        victim_id=victim.id,
                        satisfaction=self.pick({2: 1, 3: 2, 4: 4, 5: 3}),
                        kept_informed=self.pick({1: 1, 2: 1, 3: 2, 4: 4, 5: 3}),
                        recorded_by_id=keyworker.id,
                        recorded_at=decided,
                    )
                )
        if result == "completed" and rng.random() < 0.7:
            self.add(
                Survey(
                    case_id=case.id,
                    respondent="person",
                    satisfaction=self.pick({2: 1, 3: 2, 4: 4, 5: 4}),
                    police_legitimacy=self.pick({1: 1, 2: 2, 3: 3, 4: 4, 5: 2}),
                    recorded_by_id=keyworker.id,
                    recorded_at=decided,
                )
            )
        due = on + timedelta(days=365)
        check = self.add(ReoffendingCheck(case_id=case.id, due_on=due))
        if due <= self.today and rng.random() < 0.92:
            check.checked_at = _at(due + timedelta(days=rng.randint(0, 20)), 12)
            check.reoffended = rng.random() < REOFFEND[result]
            if check.reoffended:
                check.reoffence_date = on + timedelta(days=rng.randint(20, 360))
                check.offence_class = self.pick({"summary": 6, "either_way": 4})
                if rng.random() < 0.7:
                    check.harm_days = int(rng.lognormvariate(2.5, 1.2))


def load_history(keyworker: User, supervisor: User, partner: User, organisations, today: date):
    """Write the history (see the module) and return how many cases it holds."""
    extra = [
        User(
            id=uuid.uuid4(),
            email=f"{slug}@demo.hub.example",
            name=name,
            role="keyworker",
            password_hash=keyworker.password_hash,
        )
        for slug, name in (
            ("kai.keyworker", "Kai Keyworker"),
            ("lee.keyworker", "Lee Keyworker"),
            ("max.keyworker", "Max Keyworker"),
        )
    ]
    db.session.add_all(extra)
    orgs = list(organisations.values())
    partners = {org.id: partner for org in orgs}
    history = _History([keyworker, *extra], supervisor, partners, orgs, today)
    for n in range(1, CASES + 1):
        history.case(n)
    history.write()
    audit.record(
        "demo.history_loaded",
        "demo",
        "history",
        actor=supervisor,
        details={"cases": history.cases, "seed": SEED},
    )
    db.session.commit()
    return history.cases
