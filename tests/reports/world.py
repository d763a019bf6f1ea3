"""Small known worlds for the report tests: cases, referrals and checks with the dates the
test chooses, written as the services would leave them (built on tests/factories.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta  # noqa: F401  (date for tests)

from app.auth.roles import Role
from app.cases.models import Case, CaseAllocation, CaseStatus
from app.contracts.models import AgreementMethod, Contract
from app.dates import LONDON, contract_end, today_in_london
from app.evidence.models import Appointment, AttendanceRecord
from app.extensions import db
from app.outcomes.models import ReoffendingCheck
from app.referrals.models import Referral, ReferralStatus, ReferralTransition
from tests import factories


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in London, as UTC."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def days_ago(n: int) -> date:
    return today_in_london() - timedelta(days=n)


def keyworker():
    return factories.user(Role.KEYWORKER)


def case(
    status: CaseStatus | str = CaseStatus.ELIGIBLE,
    *,
    referred_on: date | None = None,
    keyworker_user=None,
    allocated_on: date | None = None,
    contract_on: date | None = None,
    outcome_on: date | None = None,
    outcome_code: str | None = None,
    date_of_birth: date = date(1990, 5, 17),
    offence_on: date = date(2026, 1, 10),
    sex: str = "not_stated",
    ethnicity: str = "not_stated",
    postcode: str = "EX1 1AA",
    given_name: str = "Jordan",
    **fields,
) -> Case:
    """A case referred on ``referred_on`` (default 100 days ago), optionally allocated,
    with a contract and an outcome on the days given (``keyworker_user=False``: none)."""
    status = CaseStatus(status)
    kw = keyworker_user if keyworker_user is not None else keyworker()
    made = factories.case(
        kw or False,
        status=status,
        offence_committed_on=offence_on,
        person_fields={
            "date_of_birth": date_of_birth,
            "sex": sex,
            "ethnicity": ethnicity,
            "postcode": postcode,
            "given_name": given_name,
        },
        **fields,
    )
    made.created_at = at(referred_on or days_ago(100), 9)
    if allocated_on is not None:
        db.session.add(
            CaseAllocation(
                case_id=made.id,
                keyworker_id=kw.id,
                allocated_by_id=kw.id,
                allocated_at=at(allocated_on, 11),
            )
        )
    if contract_on is not None:
        db.session.add(
            Contract(
                case_id=made.id,
                start_date=contract_on,
                end_date=contract_end(contract_on),
                agreed_on=contract_on,
                agreement_method=AgreementMethod.SIGNED.value,
                created_by_id=kw.id,
            )
        )
    if outcome_on is not None:
        made.outcome_decided_at = at(outcome_on, 15)
        made.outcome_code = outcome_code or ("24" if status == CaseStatus.COMPLETED else "charge")
    db.session.commit()
    return made


def ended(
    result: str,
    *,
    reoffended: bool | None = None,
    due_on: date | None = None,
    harm_days: int | None = None,
    check: bool = True,
    outcome_on: date | None = None,
    **fields,
) -> Case:
    """A case that ended with ``result`` and (unless ``check`` is False) its reoffending
    check: done when ``reoffended`` is given, due on ``due_on`` (default: already due)."""
    outcome_on = outcome_on or days_ago(400)
    contract_on = None if result == "opted_out" else outcome_on - timedelta(days=112)
    made = case(
        result,
        outcome_on=outcome_on,
        contract_on=fields.pop("contract_on", contract_on),
        referred_on=fields.pop("referred_on", outcome_on - timedelta(days=150)),
        **fields,
    )
    if check:
        db.session.add(
            ReoffendingCheck(
                case_id=made.id,
                due_on=due_on or outcome_on + timedelta(days=365),
                reoffended=reoffended,
                checked_at=at(today_in_london()) if reoffended is not None else None,
                harm_days=harm_days,
            )
        )
        db.session.commit()
    return made


def referral(
    for_case: Case,
    organisation,
    *,
    sent_on: date,
    acknowledged_on: date | None = None,
    acknowledge_by: date | None = None,
    status: ReferralStatus | str = ReferralStatus.SENT,
    accepted: bool = False,
    decline_reason: str | None = None,
    outcome: str | None = None,
) -> Referral:
    made = Referral(
        case_id=for_case.id,
        organisation_id=organisation.id,
        status=ReferralStatus(status).value,
        need="Support with housing",
        acknowledge_by=acknowledge_by or sent_on + timedelta(days=2),
        sent_by_id=for_case.keyworker_id,
        sent_at=at(sent_on, 10),
        acknowledged_at=at(acknowledged_on, 12) if acknowledged_on else None,
        decline_reason=decline_reason,
        outcome=outcome,
    )
    db.session.add(made)
    db.session.flush()
    moves = [(None, "sent")]
    if acknowledged_on:
        moves.append(("sent", "acknowledged"))
    if accepted:
        moves.append((moves[-1][1], "accepted"))
    if made.status not in {m[1] for m in moves}:
        moves.append((moves[-1][1], made.status))
    for source, target in moves:
        db.session.add(
            ReferralTransition(referral_id=made.id, from_status=source, to_status=target)
        )
    db.session.commit()
    return made


def session(
    on_referral: Referral,
    *,
    on: date,
    status: str | None = "attended",
    happened: bool = True,
    rescheduled: bool = False,
    corrected_to: str | None = None,
) -> Appointment:
    """An appointment on the referral, with its attendance (and a correction) if given."""
    made = Appointment(
        case_id=on_referral.case_id,
        referral_id=on_referral.id,
        starts_at=at(on, 14),
        mode="in_person",
        created_by_id=on_referral.sent_by_id,
        rescheduled_at=at(on, 9) if rescheduled else None,
    )
    db.session.add(made)
    db.session.flush()
    if status is not None:
        record = AttendanceRecord(
            appointment_id=made.id,
            happened=happened,
            status=status,
            recorded_by_id=on_referral.sent_by_id,
        )
        db.session.add(record)
        db.session.flush()
        if corrected_to is not None:
            db.session.add(
                AttendanceRecord(
                    appointment_id=made.id,
                    happened=True,
                    status=corrected_to,
                    recorded_by_id=on_referral.sent_by_id,
                    corrects_id=record.id,
                    correction_reason="Recorded against the wrong session",
                )
            )
    db.session.commit()
    return made
