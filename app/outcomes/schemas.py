"""The API's view of outcomes (shared/API.md: ``POST /cases/{id}/outcome``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.cases.models import CaseStatus
from app.outcomes.models import OutcomeResult
from app.outcomes.services import REASON_MAX
from app.schema_fields import Text, UTCDateTime

RESULTS = [r.value for r in OutcomeResult]
CASE_STATUSES = [s.value for s in CaseStatus]
STATES = ["pending", "approved", "sent_back"]


class NewOutcomeSchema(Schema):
    result = Text(
        required=True,
        validate=validate.OneOf(RESULTS),
        metadata={"enum": RESULTS, "description": "The outcome proposed or decided"},
    )
    reason = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=REASON_MAX),
        metadata={
            "description": (
                "Needed for a breach or an opt-out from whoever proposes it, and from the "
                "deciding supervisor for a completion when some condition is not met "
                "(else 422, code reason_required)"
            )
        },
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "The case's version you read; 409 stale_version if changed"},
    )
    confirmed = fields.Boolean(
        load_default=False,
        metadata={
            "description": (
                "A completion before the contract's end date, or without the exit needs "
                "assessment or the person's ending survey, must be confirmed (true) with a "
                "reason (else 422, code confirmation_required, errors at confirmed and reason)"
            )
        },
    )


class SendBackSchema(Schema):
    reason = Text(
        required=True,
        validate=validate.Length(min=1, max=REASON_MAX),
        metadata={"description": "Why the proposal goes back; the keyworker reads it"},
    )
    version = fields.Integer(load_default=None, allow_none=True, strict=True)


class ProposalSchema(Schema):
    id = fields.UUID()
    result = Text(metadata={"enum": RESULTS})
    reason = Text(allow_none=True)
    state = Text(metadata={"enum": STATES})
    proposed_by = fields.UUID(metadata={"description": "The proposer's user id"})
    proposed_at = UTCDateTime()
    decided_by = fields.UUID(allow_none=True)
    decided_at = UTCDateTime(allow_none=True)
    decision_reason = Text(allow_none=True)
    outcome_code = Text(allow_none=True)


class OutcomeSchema(Schema):
    case_id = fields.UUID()
    status = Text(metadata={"enum": CASE_STATUSES, "description": "The case's status"})
    outcome_code = Text(
        allow_none=True,
        metadata={
            "enum": ["24", "23", "charge"],
            "description": (
                '"24" completed adult, "23" completed child (under 18 on the offence date), '
                '"charge" for breach and opt-out; null until a supervisor decides'
            ),
        },
    )
    outcome_decided_at = UTCDateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "The case's version"})
    proposal = fields.Nested(
        ProposalSchema,
        allow_none=True,
        metadata={"description": "The proposal made, approved or sent back by this request"},
    )


class OutcomeStateSchema(OutcomeSchema):
    proposals = fields.List(
        fields.Nested(ProposalSchema), metadata={"description": "Every proposal, newest first"}
    )
