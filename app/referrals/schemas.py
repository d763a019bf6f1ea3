"""The API's view of referrals (shared/API.md): what is accepted, and what each audience
is answered. The partner's schemas name every field a partner may receive: nothing else
can reach them (the presenters build the same allow-list for the pages)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from app.consent.models import ConsentCategory
from app.referrals.models import (
    DeclineReason,
    IntroductionMethod,
    ReferralOutcome,
    ReferralStatus,
)
from app.referrals.moves import REASON_MAX
from app.referrals.queries import API_MAX_PER_PAGE, API_PAGE_SIZE
from app.referrals.services import MESSAGE_MAX, NEED_MAX, UPDATE_MAX
from app.schema_fields import Date, Text, UTCDateTime

CATEGORIES = [c.value for c in ConsentCategory]
STATUSES = [s.value for s in ReferralStatus]
METHODS = [m.value for m in IntroductionMethod]
OUTCOMES = [o.value for o in ReferralOutcome]
DECLINE_REASONS = [r.value for r in DeclineReason]


# Requests ---------------------------------------------------------------------------------


class NewReferralSchema(Schema):
    organisation_id = fields.UUID(
        required=True, metadata={"description": "An active partner organisation"}
    )
    condition_ids = fields.List(
        fields.UUID(),
        load_default=list,
        metadata={"description": "Current conditions of this case's contract that it serves"},
    )
    need = Text(
        required=True,
        validate=validate.Length(min=1, max=NEED_MAX),
        metadata={"description": "What the person needs from the organisation"},
    )
    message = Text(load_default=None, allow_none=True, validate=validate.Length(max=MESSAGE_MAX))
    shared_categories = fields.List(
        Text(validate=validate.OneOf(CATEGORIES)),
        required=True,
        metadata={
            "description": "What to share. Each must be covered by a consent in force to "
            "this organisation, else 422 with `code: consent_required`",
            "items": {"enum": CATEGORIES},
        },
    )
    introduction_method = Text(load_default=None, allow_none=True, validate=validate.OneOf(METHODS))
    introduction_at = UTCDateTime(
        load_default=None,
        allow_none=True,
        default_timezone=UTC,
        metadata={"description": "When the warm introduction will be made (UTC)"},
    )


class TransitionSchema(Schema):
    to = Text(
        required=True,
        validate=validate.OneOf(STATUSES),
        metadata={
            "description": "The status to move to. A partner, from `sent`: `accepted` or "
            "`declined` (either records the acknowledgement too, `acknowledged_at`), or "
            "`acknowledged`; from `acknowledged`: `accepted` or `declined`; from "
            "`accepted`: `in_progress` or `completed`; from `in_progress`: `completed`. "
            "The first attendance recorded for a session that took place moves an "
            "`accepted` referral to `in_progress` by itself. Case staff: `cancelled`, "
            "and from `on_hold` back to the status it was held from"
        },
    )
    reason = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=REASON_MAX),
        metadata={
            "description": "For `declined`: one of "
            + ", ".join(f"`{r}`" for r in DECLINE_REASONS)
            + ". For `cancelled`: why, in words"
        },
    )
    details = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=REASON_MAX),
        metadata={"description": "For `declined`: details, required with reason `other`"},
    )
    outcome = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={"description": "For `completed`"},
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version you read: a change since then answers 409"},
    )


class NewUpdateSchema(Schema):
    body = Text(required=True, validate=validate.Length(min=1, max=UPDATE_MAX))


class AssignmentSchema(Schema):
    worker_id = fields.UUID(
        required=True,
        allow_none=True,
        metadata={"description": "An active user of your organisation; null to clear"},
    )
    version = fields.Integer(load_default=None, allow_none=True)


class ReferralListQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(
        load_default=API_PAGE_SIZE, validate=validate.Range(min=1, max=API_MAX_PER_PAGE)
    )
    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    updated_since = UTCDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "Only referrals changed at or after this time"},
    )
    case_id = fields.UUID(
        load_default=None, metadata={"description": "Case staff only: one case's referrals"}
    )
    q = Text(
        load_default=None,
        validate=validate.Length(min=2, max=100),
        metadata={
            "description": "Search: a referral reference, or the person's name (partners: "
            "only where a consent in force shares the person's contact details with them; "
            "case staff: also the case's crime reference or the person's date of birth)"
        },
    )


# The partner's view -------------------------------------------------------------------------


class _PartnerCondition(Schema):
    type = Text()
    description = Text()


class _Keyworker(Schema):
    name = Text()
    email = Text()


class _Person(Schema):
    id = fields.UUID()
    name = Text()


class _Update(Schema):
    author = Text()
    body = Text()
    created_at = UTCDateTime()


class _ContactDetails(Schema):
    name = Text()
    address = Text(allow_none=True)
    postcode = Text(allow_none=True)
    phone = Text(allow_none=True)
    email = Text(allow_none=True)


class _OffenceSummary(Schema):
    description = Text()
    offence_class = Text()
    committed_on = Date()


class _Level(Schema):
    domain = Text()
    label = Text()
    level = fields.Integer(metadata={"description": "0 no need, 1 low, 2 medium, 3 high"})
    level_label = Text()


class _LevelWithNotes(_Level):
    notes = Text(allow_none=True)


class _NeedsSummary(Schema):
    assessed_on = Date(allow_none=True)
    domains = fields.List(fields.Nested(_Level))


class _NeedsWithNotes(Schema):
    assessed_on = Date(allow_none=True)
    domains = fields.List(fields.Nested(_LevelWithNotes))


class SharedSchema(Schema):
    """Only the categories a consent in force allows now; after withdrawal, none."""

    contact_details = fields.Nested(_ContactDetails)
    offence_summary = fields.Nested(_OffenceSummary)
    needs_summary = fields.Nested(_NeedsSummary)
    health = fields.Nested(_NeedsWithNotes)
    substance_use = fields.Nested(_NeedsWithNotes)
    housing = fields.Nested(_NeedsWithNotes)
    finances = fields.Nested(_NeedsWithNotes)


class PartnerReferralSummarySchema(Schema):
    id = fields.UUID()
    reference = Text()
    status = Text(metadata={"enum": STATUSES})
    need = Text(
        allow_none=True,
        metadata={
            "description": "What the keyworker wrote the person needs; null once consent no "
            "longer covers what the referral shared (withdrawn or expired)"
        },
    )
    sent_at = UTCDateTime()
    acknowledge_by = Date()
    overdue = fields.Boolean()
    assigned_worker_id = fields.UUID(allow_none=True)
    updated_at = UTCDateTime()
    version = fields.Integer()


class PartnerReferralSchema(PartnerReferralSummarySchema):
    """What a partner user sees of a referral to their organisation."""

    message = Text(allow_none=True, metadata={"description": "Null once consent is gone"})
    conditions = fields.List(
        fields.Nested(_PartnerCondition),
        metadata={"description": "The linked conditions; empty once consent is gone"},
    )
    introduction_method = Text(allow_none=True, metadata={"enum": METHODS})
    introduction_at = UTCDateTime(allow_none=True)
    keyworker = fields.Nested(_Keyworker, allow_none=True)
    acknowledged_at = UTCDateTime(allow_none=True)
    decline_reason = Text(allow_none=True, metadata={"enum": DECLINE_REASONS})
    decline_details = Text(allow_none=True, metadata={"description": "Null once consent is gone"})
    outcome = Text(allow_none=True, metadata={"enum": OUTCOMES})
    assigned_worker = fields.Nested(_Person, allow_none=True)
    consent_withdrawn = fields.Boolean(
        metadata={"description": "Consent no longer covers what was shared: contact the keyworker"}
    )
    shared = fields.Nested(SharedSchema)
    updates = fields.List(
        fields.Nested(_Update), metadata={"description": "Empty once consent is gone"}
    )


class PartnerReferralListSchema(Schema):
    items = fields.List(fields.Nested(PartnerReferralSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


# Case staff's view -------------------------------------------------------------------------


class _StaffCondition(Schema):
    id = fields.UUID()
    type = Text()
    description = Text()


class _Transition(Schema):
    from_status = Text(allow_none=True)
    to_status = Text()
    actor = fields.Nested(_Person, allow_none=True)
    reason = Text(allow_none=True)
    outcome = Text(allow_none=True)
    occurred_at = UTCDateTime()


class StaffReferralSummarySchema(Schema):
    id = fields.UUID()
    reference = Text()
    case_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = Text()
    status = Text(metadata={"enum": STATUSES})
    need = Text()
    sent_at = UTCDateTime()
    acknowledge_by = Date()
    overdue = fields.Boolean()
    updated_at = UTCDateTime()
    version = fields.Integer()


class StaffReferralSchema(StaffReferralSummarySchema):
    """What the keyworker of the case and supervisors see of a referral."""

    message = Text(allow_none=True)
    conditions = fields.List(fields.Nested(_StaffCondition))
    introduction_method = Text(allow_none=True, metadata={"enum": METHODS})
    introduction_at = UTCDateTime(allow_none=True)
    shared_categories = fields.List(Text(metadata={"enum": CATEGORIES}))
    consent_in_force = fields.Boolean(
        metadata={"description": "A consent in force still covers every shared category"}
    )
    sent_by = fields.Nested(_Person, allow_none=True)
    acknowledged_at = UTCDateTime(allow_none=True)
    decline_reason = Text(allow_none=True, metadata={"enum": DECLINE_REASONS})
    decline_details = Text(allow_none=True)
    outcome = Text(allow_none=True, metadata={"enum": OUTCOMES})
    assigned_worker = fields.Nested(_Person, allow_none=True)
    held_from_status = Text(allow_none=True)
    transitions = fields.List(fields.Nested(_Transition))
    updates = fields.List(fields.Nested(_Update))


class StaffReferralListSchema(Schema):
    items = fields.List(fields.Nested(StaffReferralSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class UpdateSchema(Schema):
    id = fields.UUID()
    referral_id = fields.UUID()
    body = Text()
    author = fields.Function(lambda note: note.author.name)
    created_at = UTCDateTime()
