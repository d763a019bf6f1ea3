"""The generated victims of a case (consultations, the updates they were given) and its
end (the outcome proposed or decided, surveys, the reoffending check)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.dates import LONDON, age_on
from app.demo_scale.clock import Weighted, at, working_days_after

REOFFEND = {"completed": 0.19, "opted_out": 0.40, "breached": 0.45}
FREQUENCY = ("key_decisions", "fortnightly", "monthly", None)
TELLING_LAG = Weighted({0: 20, 1: 30, 3: 25, 5: 15, 8: 10})
VICTIM_SATISFACTION = Weighted({2: 1, 3: 2, 4: 4, 5: 3})
SATISFACTION = Weighted({2: 1, 3: 2, 4: 4, 5: 4})
LEGITIMACY = Weighted({1: 1, 2: 2, 3: 3, 4: 4, 5: 2})
REOFFENCE_CLASS = Weighted({"summary": 6, "either_way": 4})


class EndingDrawer:
    """Mixed into ``CaseDrawer``: needs ``w``, ``rng``, ``pick``, ``uuid``, ``event``,
    ``staff`` and ``today``."""

    def victim(self, case):
        rng = self.rng
        victim_id, enhanced = self.uuid(), rng.random() < 0.1
        wants_updates, frequency = rng.random() < 0.9, rng.choice(FREQUENCY)
        consulted = case.referred + timedelta(days=3) if rng.random() < 0.8 else None
        consulted_at = at(consulted, 15) if consulted else None
        self.w.add(
            "victims",
            (
                victim_id,
                case.id,
                "A fictional victim",
                "07700 900111",
                "phone",
                enhanced,
                wants_updates,
                frequency,
                case.created,
                consulted_at,  # app.victims.consulted: the first consultation's time
            ),
        )
        if consulted:
            self.w.add(
                "victim_consultations",
                (
                    self.uuid(),
                    case.id,
                    victim_id,
                    consulted,
                    "Would like an apology",
                    self.staff.liaison,
                    consulted_at,
                ),
            )
        return victim_id

    def tell_victims(self, case, victims, decided: datetime) -> None:
        for victim_id in victims:
            lag = self.pick(TELLING_LAG)
            day = working_days_after(decided.astimezone(LONDON).date(), lag)
            if day < self.today and self.rng.random() > 0.04:  # some are missed: overdue
                self.w.add(
                    "victim_updates",
                    (
                        self.uuid(),
                        case.id,
                        victim_id,
                        "phone",
                        "Told the victim about the decision",
                        at(day, 16),
                        self.staff.liaison,
                    ),
                )

    def propose(self, case, keyworker, on: date) -> None:
        """A completion the keyworker proposed and the supervisor has not decided yet."""
        self.w.add(
            "outcome_proposals",
            (
                self.uuid(),
                case.id,
                "completed",
                None,
                keyworker,
                at(on, 15),
                None,
                None,
                None,
                None,
            ),
        )
        self.event(
            case, "case.outcome_proposed", "Outcome proposed: completed", at(on, 15), keyworker
        )

    def decide(self, case, result: str, on: date, victims) -> None:
        rng = self.rng
        decided, supervisor = at(on, 15), self.staff.supervisor
        code = "charge"
        if result == "completed":
            code = "24" if age_on(case.born, case.committed) >= 18 else "23"
        keyworker = case.keyworker
        self.w.add(
            "outcome_proposals",
            (
                self.uuid(),
                case.id,
                result,
                None if result == "completed" else "Recorded in the generated data",
                keyworker,
                decided,
                "approved",
                supervisor,
                decided,
                code,
            ),
        )
        case.status, case.outcome_code, case.decided_at = result, code, decided
        self.event(case, "case.outcome_decided", f"Outcome decided: {result}", decided, supervisor)
        self.tell_victims(case, victims, decided)
        for victim_id in victims:
            if rng.random() < 0.5:
                self.w.add(
                    "surveys",
                    (
                        self.uuid(),
                        case.id,
                        "victim",
                        victim_id,
                        self.pick(VICTIM_SATISFACTION),
                        None,
                        self.pick(VICTIM_SATISFACTION),
                        keyworker,
                        decided,
                    ),
                )
        if result == "completed" and rng.random() < 0.7:
            self.w.add(
                "surveys",
                (
                    self.uuid(),
                    case.id,
                    "person",
                    None,
                    self.pick(SATISFACTION),
                    self.pick(LEGITIMACY),
                    None,
                    keyworker,
                    decided,
                ),
            )
        due = on + timedelta(days=365)
        checked = reoffended = reoffence = reoffence_class = harm = None
        if due <= self.today and rng.random() < 0.92:
            checked = at(due + timedelta(days=rng.randint(0, 20)), 12)
            reoffended = rng.random() < REOFFEND[result]
            if reoffended:
                reoffence = on + timedelta(days=rng.randint(20, 360))
                reoffence_class = self.pick(REOFFENCE_CLASS)
                harm = int(rng.lognormvariate(2.5, 1.2)) if rng.random() < 0.7 else None
        self.w.add(
            "reoffending_checks",
            (
                self.uuid(),
                case.id,
                due,
                checked,
                reoffended,
                reoffence,
                reoffence_class,
                harm,
                checked or decided,
            ),
        )
