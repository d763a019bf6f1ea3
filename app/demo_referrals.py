"""The demo history's warm introductions (``app.demo_history``): consent, referrals and
their moves, partners' appointments and attendance, and the compliance concerns that
missed sessions raise, drawn at random like the rest of the history."""

from __future__ import annotations

from datetime import date, timedelta

from app.auth.models import User
from app.cases.models import Case
from app.consent.models import Consent
from app.dates import add_months
from app.evidence.models import Appointment, AttendanceRecord, ComplianceConcern, ComplianceDecision
from app.referrals.models import Referral, ReferralTransition
from app.workdays import add_working_days


class ReferralHistory:
    """Mixed into the history: needs ``add``, ``pick``, ``days``, ``rng``, ``today``,
    ``orgs``, ``partners``, ``supervisor`` and ``at``."""

    def referrals(self, case: Case, keyworker: User, start: date) -> None:
        rng = self.rng
        for org in rng.sample(self.orgs, rng.randint(1, 3)):
            sent = min(start + timedelta(days=rng.randint(0, 10)), self.today)
            self.add(
                Consent(
                    case_id=case.id,
                    organisation_id=org.id,
                    categories=["contact_details"],
                    method="written",
                    notice_version="2026-04",
                    recorded_by_id=keyworker.id,
                    given_at=self.at(sent, 9),
                    expires_at=self.at(add_months(sent, 6), 23),
                )
            )
            referral = self.add(
                Referral(
                    case_id=case.id,
                    organisation_id=org.id,
                    status="sent",
                    need="Support",
                    shared_categories=["contact_details"],
                    introduction_method="three_way_call",
                    acknowledge_by=add_working_days(sent, org.acknowledge_within_days),
                    sent_by_id=keyworker.id,
                    sent_at=self.at(sent, 10),
                    updated_at=self.at(sent, 10),
                )
            )
            moves = [(None, "sent", self.at(sent, 10))]
            lag = self.pick({0: 25, 1: 35, 2: 20, 3: 10, 5: 6, 8: 4})
            acknowledged = add_working_days(sent, lag)
            if acknowledged >= self.today:
                self.transitions(referral, moves, org)
                continue
            referral.acknowledged_at = self.at(acknowledged, 14)
            moves.append(("sent", "acknowledged", referral.acknowledged_at))
            if rng.random() < 0.1:
                referral.status = "declined"
                referral.decline_reason = self.pick(
                    {
                        "no_capacity": 5,
                        "not_eligible_for_service": 2,
                        "outside_area": 1,
                        "person_declined": 2,
                    }
                )
                moves.append(("acknowledged", "declined", referral.acknowledged_at))
                self.transitions(referral, moves, org)
                continue
            moves.append(("acknowledged", "accepted", referral.acknowledged_at))
            referral.status = "accepted"
            self.sessions(case, referral, acknowledged, moves)
            self.transitions(referral, moves, org)

    def sessions(self, case, referral, acknowledged: date, moves) -> None:
        rng = self.rng
        partner = self.partners[referral.organisation_id]
        first = acknowledged + timedelta(days=2 + self.days(5))
        for week in range(rng.randint(2, 6)):
            day = first + timedelta(days=7 * week)
            if day >= self.today:
                return
            appointment = self.add(
                Appointment(
                    case_id=case.id,
                    referral_id=referral.id,
                    starts_at=self.at(day, 14),
                    mode="in_person",
                    created_by_id=partner.id,
                    created_at=self.at(day - timedelta(days=3), 9),
                )
            )
            status = self.pick({"attended": 75, "late": 8, "did_not_attend": 12, "off": 5})
            record = self.add(
                AttendanceRecord(
                    appointment_id=appointment.id,
                    happened=status != "off",
                    status="did_not_attend" if status == "off" else status,
                    absence_reason="partner_cancelled" if status == "off" else None,
                    recorded_by_id=partner.id,
                    recorded_at=self.at(day, 17),
                )
            )
            if referral.status == "accepted":
                referral.status = "in_progress"
                moves.append(("accepted", "in_progress", self.at(day, 17)))
            if status == "did_not_attend":
                self.concern(case, record, day)
        if rng.random() < 0.8:
            referral.status = "completed"
            referral.outcome = self.pick(
                {"achieved": 60, "partially_achieved": 30, "not_achieved": 10}
            )
            moves.append((moves[-1][1], "completed", self.at(day, 18)))

    def concern(self, case: Case, record, day: date) -> None:
        concern = self.add(
            ComplianceConcern(
                case_id=case.id,
                attendance_id=record.id,
                summary="A session was missed",
                raised_at=self.at(day, 17),
            )
        )
        if day + timedelta(days=3) < self.today:
            decision = self.pick(
                {"no_action": 35, "warning": 50, "varied_condition": 5, "proposed_breach": 10}
            )
            self.add(
                ComplianceDecision(
                    concern_id=concern.id,
                    decision=decision,
                    reason="Discussed with the person",
                    decided_by_id=self.supervisor.id,
                    decided_at=self.at(day + timedelta(days=2), 10),
                )
            )

    def transitions(self, referral, moves, org) -> None:
        actor = self.partners[org.id]
        for source, target, at in moves:
            self.add(
                ReferralTransition(
                    referral_id=referral.id,
                    from_status=source,
                    to_status=target,
                    occurred_at=at,
                    actor_id=actor.id if source else referral.sent_by_id,
                )
            )
        referral.updated_at = moves[-1][2]
