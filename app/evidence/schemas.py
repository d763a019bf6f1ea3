"""The API's view of appointments, attendance and compliance concerns (shared/API.md)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from app.evidence.models import AbsenceReason, AppointmentMode, AttendanceStatus, ConcernDecision
from app.evidence.services import LOCATION_MAX, TEXT_MAX
from app.schema_fields import Date, ListQuerySchema, Text, UTCDateTime

MODES = [m.value for m in AppointmentMode]
STATUSES = [s.value for s in AttendanceStatus]
REASONS = [r.value for r in AbsenceReason]
DECISIONS = [d.value for d in ConcernDecision]
STATES = ["booked", "rescheduled", "did_not_happen", *STATUSES]


# Requests ---------------------------------------------------------------------------------


class NewAppointmentSchema(Schema):
    starts_at = UTCDateTime(
        required=True,
        default_timezone=UTC,
        metadata={
            "description": "When it starts, ISO 8601 with a time zone (UTC preferred); "
            "within 365 days of now",
            "example": "2026-11-24T10:00:00Z",
        },
    )
    mode = Text(required=True, validate=validate.OneOf(MODES), metadata={"enum": MODES})
    location = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=LOCATION_MAX),
        metadata={"description": "Where (for an in-person appointment)"},
    )


class RescheduleSchema(NewAppointmentSchema):
    mode = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(MODES),
        metadata={"enum": MODES, "description": "Default: as before"},
    )
    reason = Text(
        required=True,
        validate=validate.Length(min=1, max=TEXT_MAX),
        metadata={"description": "Why it is rescheduled (kept in the history)"},
    )


class AttendanceSchema(Schema):
    status = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(STATUSES),
        metadata={
            "enum": STATUSES,
            "description": "Required when the appointment took place. `attended` and `late` "
            "count toward the linked conditions' `required_sessions`; `did_not_attend` "
            "without an acceptable reason raises a compliance concern on the case",
        },
    )
    happened = fields.Boolean(
        load_default=True,
        metadata={
            "description": "false when the appointment did not take place (then "
            "`absence_reason` is `partner_cancelled` or `logistics`)"
        },
    )
    absence_reason = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(REASONS),
        metadata={"enum": REASONS, "description": "Why the person did not attend"},
    )
    acceptable_absence = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Whether the absence had an acceptable reason (default: from "
            "`absence_reason`; none given means not acceptable)"
        },
    )
    notes = Text(load_default=None, allow_none=True, validate=validate.Length(max=TEXT_MAX))
    concern = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=TEXT_MAX),
        metadata={"description": "Any concern about behaviour or risk"},
    )
    tell_keyworker_now = fields.Boolean(
        load_default=False, metadata={"description": "Tell the keyworker about the concern now"}
    )
    correction_reason = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=TEXT_MAX),
        metadata={
            "description": "Needed once attendance is recorded: the new record corrects the "
            "one that stands, which is kept"
        },
    )


class DecisionSchema(Schema):
    decision = Text(required=True, validate=validate.OneOf(DECISIONS), metadata={"enum": DECISIONS})
    reason = Text(required=True, validate=validate.Length(min=1, max=TEXT_MAX))
    condition_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "For `varied_condition`: the current condition to vary"},
    )
    description = Text(
        load_default=None,
        allow_none=True,
        metadata={"description": "For `varied_condition`: the new wording"},
    )
    required_sessions = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "For `varied_condition`: the new number of sessions"},
    )
    due_date = Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "For `varied_condition`: the new due date"},
    )


class AppointmentQuerySchema(ListQuerySchema):
    """Paging, and ``updated_since``: an appointment changes when it is rescheduled or
    attendance is recorded or corrected."""


# Responses ----------------------------------------------------------------------------


class AttendanceRecordSchema(Schema):
    id = fields.UUID()
    happened = fields.Boolean()
    status = Text(metadata={"enum": STATUSES})
    absence_reason = Text(allow_none=True, metadata={"enum": REASONS})
    acceptable_absence = fields.Boolean(allow_none=True)
    notes = Text(allow_none=True)
    concern = Text(allow_none=True)
    tell_keyworker_now = fields.Boolean()
    recorded_at = UTCDateTime()
    recorded_by_id = fields.UUID()
    corrects_id = fields.UUID(
        allow_none=True, metadata={"description": "The record this one corrects"}
    )
    correction_reason = Text(allow_none=True)


class AppointmentSchema(Schema):
    id = fields.UUID()
    referral_id = fields.UUID(allow_none=True)
    starts_at = UTCDateTime()
    mode = Text(metadata={"enum": MODES})
    location = Text(allow_none=True)
    state = Text(metadata={"enum": STATES, "description": "Booked, rescheduled, or what happened"})
    created_at = UTCDateTime()
    updated_at = UTCDateTime(
        metadata={"description": "Last change: booked, rescheduled, attendance recorded"}
    )
    reschedules_id = fields.UUID(
        allow_none=True, metadata={"description": "The appointment this one replaced"}
    )
    rescheduled_at = UTCDateTime(allow_none=True)
    reschedule_reason = Text(allow_none=True)
    attendance = fields.Nested(
        AttendanceRecordSchema,
        allow_none=True,
        metadata={"description": "The record that stands (the latest correction, if any)"},
    )
    attendance_history = fields.List(
        fields.Nested(AttendanceRecordSchema),
        metadata={"description": "Every record, oldest first, corrections included"},
    )
    compliance_concern_raised = fields.Boolean(
        metadata={"description": "Whether the record that stands raised a compliance concern"}
    )


class AppointmentListSchema(Schema):
    items = fields.List(fields.Nested(AppointmentSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class DecisionRecordSchema(Schema):
    id = fields.UUID()
    decision = Text(metadata={"enum": DECISIONS})
    reason = Text()
    varied_condition_id = fields.UUID(allow_none=True)
    decided_by_id = fields.UUID()
    decided_at = UTCDateTime()


class ConcernSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    attendance_id = fields.UUID(allow_none=True)
    summary = Text()
    raised_at = UTCDateTime()
    open = fields.Boolean(metadata={"description": "No decision recorded yet"})
    decisions = fields.List(fields.Nested(DecisionRecordSchema))


class ConcernListSchema(Schema):
    items = fields.List(fields.Nested(ConcernSchema))
    total = fields.Integer()
