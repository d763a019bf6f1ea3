"""The generated warm introductions of one case: a consent to each organisation, the
referral and its moves, weekly appointments with attendance, and the compliance concerns
that missed sessions raise. A referral's row is written once the case is drawn, with the
status its last move left it in."""

from __future__ import annotations

from datetime import date, timedelta

from app.dates import add_months
from app.demo_scale.clock import Weighted, at, working_days_after

ACKNOWLEDGEMENT_LAG = Weighted({0: 25, 1: 35, 2: 20, 3: 10, 5: 6, 8: 4})
ATTENDANCE = Weighted({"attended": 75, "late": 8, "did_not_attend": 12, "off": 5})
REFERRAL_OUTCOME = Weighted({"achieved": 60, "partially_achieved": 30, "not_achieved": 10})
DECLINE_REASON = Weighted({"no_capacity": 5, "outside_area": 1, "person_declined": 2})
DECISION = Weighted({"no_action": 35, "warning": 50, "proposed_breach": 10})


class _Referral:
    __slots__ = (
        "id", "org", "status", "sent", "ack_by", "acknowledged_at", "decline", "outcome", "moves",
    )  # fmt: skip


class ReferralDrawer:
    """Mixed into ``CaseDrawer``: needs ``w``, ``rng``, ``pick``, ``days``, ``uuid``,
    ``event``, ``staff`` and ``today``."""

    def referrals(self, case, keyworker, start: date, last_day: date, condition_id) -> None:
        rng = self.rng
        case.referrals = []
        for org in rng.sample(self.staff.organisations, rng.randint(3, 9)):
            sent = start + timedelta(days=rng.randint(0, 20))
            if sent > last_day:
                continue
            sent_at = at(sent, 10)
            self.w.add(
                "consents",
                (
                    self.uuid(),
                    case.id,
                    org.id,
                    ["contact_details"],
                    "written",
                    "2026-04",
                    keyworker,
                    at(sent, 9),
                    at(add_months(sent, 6), 23),
                    1,
                ),
            )
            self.event(case, "consent.given", "Consent to share recorded", at(sent, 9), keyworker)
            referral = _Referral()
            referral.id, referral.org, referral.status, referral.sent = (
                self.uuid(),
                org,
                "sent",
                sent_at,
            )
            referral.ack_by = working_days_after(sent, org.acknowledge_within_days)
            referral.acknowledged_at = referral.decline = referral.outcome = None
            referral.moves = [(None, "sent", keyworker, None, None, sent_at)]
            case.referrals.append(referral)
            self.w.add("referral_conditions", (referral.id, condition_id))
            self.event(case, "referral.sent", "Referral sent", sent_at, keyworker)
            lag = self.pick(ACKNOWLEDGEMENT_LAG)
            acknowledged = working_days_after(sent, lag)
            if acknowledged >= self.today or acknowledged > last_day:
                continue
            when = at(acknowledged, 14)
            referral.acknowledged_at = when
            self.move(case, referral, "acknowledged", org.partner, when)
            if rng.random() < 0.1:
                referral.decline = self.pick(DECLINE_REASON)
                self.move(case, referral, "declined", org.partner, when)
                continue
            self.move(case, referral, "accepted", org.partner, when)
            self.sessions(case, referral, acknowledged, last_day)

    def move(self, case, referral, to: str, actor, when, reason=None, outcome=None) -> None:
        referral.moves.append((referral.status, to, actor, reason, outcome, when))
        referral.status = to
        self.event(case, f"referral.{to}", f"Referral {to.replace('_', ' ')}", when, actor)

    def sessions(self, case, referral, acknowledged: date, last_day: date) -> None:
        rng = self.rng
        partner = referral.org.partner
        first = acknowledged + timedelta(days=2 + self.days(5))
        day = first
        # An open case has its next session booked; an ended one has none after its end.
        limit = last_day if last_day < self.today else self.today + timedelta(days=14)
        for week in range(rng.randint(3, 9)):
            day = first + timedelta(days=7 * week)
            if day > limit:
                return
            appointment_id, starts = self.uuid(), at(day, 14)
            booked = at(day - timedelta(days=3), 9)
            self.w.add(
                "appointments",
                (
                    appointment_id,
                    case.id,
                    referral.id,
                    starts,
                    "in_person",
                    partner,
                    booked,
                    booked,
                ),
            )
            self.event(case, "appointment.booked", "Appointment booked", booked, partner)
            if day + timedelta(days=2) > self.today:
                return  # to come, or waiting for the partner to record attendance
            status = self.pick(ATTENDANCE)
            record_id, recorded = self.uuid(), at(day, 17)
            self.w.add(
                "attendance_records",
                (
                    record_id,
                    appointment_id,
                    status != "off",
                    "did_not_attend" if status == "off" else status,
                    "partner_cancelled" if status == "off" else None,
                    False,
                    partner,
                    recorded,
                ),
            )
            self.event(case, "attendance.recorded", "Attendance recorded", recorded, partner)
            if referral.status == "accepted":
                self.move(case, referral, "in_progress", partner, recorded)
            if status == "did_not_attend":
                self.concern(case, record_id, day)
        if day <= last_day and rng.random() < 0.8:
            outcome = self.pick(REFERRAL_OUTCOME)
            referral.outcome = outcome
            self.move(case, referral, "completed", partner, at(day, 18), outcome=outcome)

    def concern(self, case, record_id, day: date) -> None:
        concern_id = self.uuid()
        decided = day + timedelta(days=3) < self.today
        decided_at = at(day + timedelta(days=2), 10) if decided else None
        self.w.add(
            "compliance_concerns",
            (concern_id, case.id, record_id, "A session was missed", at(day, 17), decided_at),
        )
        if decided:
            decision = self.pick(DECISION)
            self.w.add(
                "compliance_decisions",
                (
                    self.uuid(),
                    concern_id,
                    decision,
                    "Discussed with the person",
                    self.staff.supervisor,
                    decided_at,
                ),
            )

    def close_referrals(self, case, keyworker, ended: date) -> None:
        """The case ended: its referrals still open are cancelled by the keyworker."""
        for referral in getattr(case, "referrals", ()):
            if referral.status in ("sent", "acknowledged", "accepted", "in_progress"):
                when = max(at(ended, 15), referral.moves[-1][-1])
                self.move(case, referral, "cancelled", keyworker, when, reason="The case ended")

    def write_referrals(self, case) -> None:
        for r in getattr(case, "referrals", ()):
            snapshot = {"contact_details": case.contact}
            self.w.add(
                "referrals",
                (
                    r.id,
                    case.id,
                    r.org.id,
                    r.status,
                    "Support",
                    "three_way_call",
                    ["contact_details"],
                    snapshot,
                    r.ack_by,
                    r.moves[0][2],
                    r.sent,
                    r.acknowledged_at,
                    r.decline,
                    r.outcome,
                    # app.referrals.news: the decline is the partner's news (no updates here).
                    next((m[-1] for m in r.moves if m[1] == "declined"), None),
                    r.moves[-1][-1],
                    len(r.moves),
                ),
            )
            for source, target, actor, reason, outcome, when in r.moves:
                self.w.add(
                    "referral_transitions", (r.id, source, target, actor, reason, outcome, when)
                )
