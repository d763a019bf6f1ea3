"""The API's victim-update view and update log (shared/API.md), allow-listed.

``VictimUpdateViewSchema`` dumps ``app.victims.redacted.VictimUpdateView``, itself built
from a query that selects only what the victim may be told. Each field here is named
for this audience; nothing reaches the JSON without being named below.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.contracts.progress import ConditionStatus
from app.schema_fields import Date, Text, UTCDateTime
from app.victims.stages import OVERALL_CODES, STAGE_CODES, VICTIM_TYPES
from app.victims.vocabulary import CONTACT_METHODS, FREQUENCIES, TEXT_MAX

CONDITION_TYPES = [*VICTIM_TYPES, "restrictive"]
CONDITION_STATUSES = [s.value for s in ConditionStatus]


class VictimConditionSchema(Schema):
    type = Text(
        metadata={
            "enum": CONDITION_TYPES,
            "description": "restorative, reparative, or restrictive (when it protects the "
            "victim). Rehabilitative conditions are never listed",
        }
    )
    description = Text()
    status = Text(metadata={"enum": CONDITION_STATUSES})
    protects_victim = fields.Boolean(
        metadata={"description": "True for a restrictive condition that protects the victim"}
    )


class UpdateEntrySchema(Schema):
    id = fields.UUID()
    given_at = UTCDateTime()
    method = Text(metadata={"enum": CONTACT_METHODS})
    summary = Text(metadata={"description": "What the victim was told"})
    given_by = Text(metadata={"description": "The name of the member of staff"})
    victim_id = fields.UUID(
        allow_none=True, metadata={"description": "Null when all the victims were told"}
    )


class VictimDueSchema(Schema):
    id = fields.UUID()
    wants_updates = fields.Boolean()
    enhanced_rights = fields.Boolean()
    update_frequency = Text(allow_none=True, metadata={"enum": list(FREQUENCIES)})
    next_update_due = Date(
        allow_none=True,
        metadata={
            "description": "The last day to tell them about a key decision they have not "
            "been told about (5 working days, 1 with enhanced rights); null if none is owed"
        },
    )
    overdue = fields.Boolean()


class VictimUpdateViewSchema(Schema):
    crime_reference = Text()
    stage = Text(metadata={"enum": STAGE_CODES})
    stage_text = Text(metadata={"description": "The stage in plain English"})
    contract_start = Date(allow_none=True)
    contract_end = Date(
        allow_none=True, metadata={"description": "The expected end: start + 112 days"}
    )
    conditions = fields.List(fields.Nested(VictimConditionSchema))
    overall = Text(
        metadata={
            "enum": OVERALL_CODES,
            "description": "`on_track`, `concerns` (a condition not met, or an open "
            "compliance concern), `completed`, `not_completed_referred_for_prosecution` "
            "(breached or opted out), or `not_on_scheme` (ineligible or withdrawn)",
        }
    )
    outcome_code = Text(
        allow_none=True, metadata={"description": '"24", "23" or "charge" once decided'}
    )
    outcome_decided_on = Date(allow_none=True)
    updates = fields.List(
        fields.Nested(UpdateEntrySchema), metadata={"description": "Newest first"}
    )
    next_update_due = Date(
        allow_none=True, metadata={"description": "The earliest date an update is due"}
    )
    update_overdue = fields.Boolean()
    victims = fields.List(
        fields.Nested(VictimDueSchema),
        metadata={"description": "Each victim's update preferences (no contact details)"},
    )
    suggested_update = Text(
        metadata={"description": "A plain-English update built from this view, to edit"}
    )


class NewVictimUpdateSchema(Schema):
    method = Text(
        required=True,
        validate=validate.OneOf(CONTACT_METHODS),
        metadata={"enum": CONTACT_METHODS},
    )
    summary = Text(
        required=True,
        validate=validate.Length(min=1, max=TEXT_MAX),
        metadata={"description": "What the victim was told"},
    )
    victim_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The victim told; leave out when all were told"},
    )
    given_at = UTCDateTime(
        load_default=None,
        allow_none=True,
        format="iso",
        metadata={"description": "When it was given (default: now); not in the future"},
    )


class VictimUpdateSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    victim_id = fields.UUID(allow_none=True)
    method = Text(metadata={"enum": CONTACT_METHODS})
    summary = Text()
    given_at = UTCDateTime()
    given_by_id = fields.UUID()
