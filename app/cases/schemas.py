"""The API's view of cases (shared/API.md). Per audience: the full case for its keyworker
and supervisors, and ``CaseReferenceSchema`` (id, crime reference, status, nothing else)
for victim liaison staff."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.cases.eligibility import RULES
from app.cases.intake import ANSWERS, CRIME_REFERENCE_MAX, MAX_VICTIMS
from app.cases.models import Case, CaseStatus, Ethnicity, OffenceClass, Sex
from app.schema_fields import Date, Text, UTCDateTime
from app.victims.models import ContactMethod

STATUSES = [s.value for s in CaseStatus]
OFFENCE_CLASSES = [c.value for c in OffenceClass]
CONTACT_METHODS = [m.value for m in ContactMethod]
RULE_CODES = [rule.code for rule in RULES]
SEXES = [s.value for s in Sex]
ETHNIC_GROUPS = [e.value for e in Ethnicity]
SEX_DESCRIPTION = "The person's sex: `female`, `male` or `not_stated` (the default)"
ETHNICITY_DESCRIPTION = (
    "The person's self-defined ethnic group, one of the 2021 census groups: `asian`, "
    "`black`, `mixed`, `white`, `other`, or `not_stated` (the default)"
)


def _flag(**kwargs) -> fields.Boolean:
    """A JSON true or false: strings and numbers are refused."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


# Input ---------------------------------------------------------------------------------


class OffenceInSchema(Schema):
    description = Text(required=True, validate=validate.Length(max=2000))
    offence_class = Text(required=True, metadata={"enum": OFFENCE_CLASSES})
    committed_on = Date(required=True)
    committed_in_force_area = _flag(required=True)


class PersonInSchema(Schema):
    given_name = Text(required=True)
    family_name = Text(required=True)
    date_of_birth = Date(required=True)
    address = Text(load_default=None, allow_none=True)
    postcode = Text(load_default=None, allow_none=True)
    email = Text(load_default=None, allow_none=True)
    phone = Text(load_default=None, allow_none=True)
    lives_in_force_area = _flag(required=True)
    gender = Text(load_default=None, allow_none=True)
    sex = Text(
        load_default=Sex.NOT_STATED.value,
        validate=validate.OneOf(SEXES),
        metadata={"enum": SEXES, "description": SEX_DESCRIPTION},
    )
    ethnicity = Text(
        load_default=Ethnicity.NOT_STATED.value,
        validate=validate.OneOf(ETHNIC_GROUPS),
        metadata={"enum": ETHNIC_GROUPS, "description": ETHNICITY_DESCRIPTION},
    )


class EligibilityInSchema(Schema):
    accepts_responsibility = _flag(required=True)
    agrees_to_participate = _flag(required=True)
    has_dvpn_or_dvpo = _flag(required=True)
    on_court_order_or_sentence = _flag(required=True)
    on_prison_licence = _flag(required=True)
    on_bail_or_rui_other_offence = _flag(required=True)
    offended_in_last_two_years = _flag(required=True)


class VictimInSchema(Schema):
    name = Text(required=True)
    email = Text(load_default=None, allow_none=True)
    phone = Text(load_default=None, allow_none=True)
    address = Text(load_default=None, allow_none=True)
    preferred_contact = Text(load_default=None, allow_none=True, metadata={"enum": CONTACT_METHODS})
    enhanced_rights = _flag(load_default=False)


class NewCaseSchema(Schema):
    crime_reference = Text(
        required=True,
        metadata={
            "description": (
                f"Letters, digits, slashes and hyphens, up to {CRIME_REFERENCE_MAX} characters"
            )
        },
    )
    offence = fields.Nested(OffenceInSchema, required=True)
    person = fields.Nested(PersonInSchema, required=True)
    eligibility = fields.Nested(
        EligibilityInSchema,
        required=True,
        metadata={"description": "The answers to the eligibility questions"},
    )
    victims = fields.List(
        fields.Nested(VictimInSchema),
        load_default=list,
        validate=validate.Length(max=MAX_VICTIMS),
    )


class AllocationSchema(Schema):
    keyworker_id = fields.UUID(required=True, metadata={"description": "An active keyworker"})
    reason = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "Required when the case is already allocated"},
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The case's version as read; 409 stale_version if it changed"},
    )


class CaseListQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    keyworker_id = fields.UUID(load_default=None)
    updated_since = UTCDateTime(
        load_default=None,
        format="iso",
        metadata={"description": "Only cases changed at or after this time (ISO 8601, UTC)"},
    )
    q = Text(
        load_default=None,
        validate=validate.Length(min=2, max=100),
        metadata={
            "description": "Search: the person's name (any part of it, whatever the case "
            "or accents), date of birth, crime reference or a referral's reference; "
            "victim liaison staff search crime references only"
        },
    )


# Output --------------------------------------------------------------------------------


class EligibilityResultSchema(Schema):
    eligible = fields.Boolean()
    failed = fields.List(
        Text(metadata={"enum": RULE_CODES}),
        metadata={"description": "The code of every eligibility rule that failed"},
    )
    answers = fields.Dict(
        keys=Text(metadata={"enum": list(ANSWERS)}),
        values=fields.Boolean(),
        metadata={"description": "The answers to the eligibility questions, as recorded"},
    )


class OffenceSchema(Schema):
    description = Text()
    offence_class = Text(metadata={"enum": OFFENCE_CLASSES})
    committed_on = Date()
    committed_in_force_area = fields.Boolean()


class PersonSchema(Schema):
    id = fields.UUID()
    given_name = Text()
    family_name = Text()
    date_of_birth = Date()
    address = Text(allow_none=True)
    postcode = Text(allow_none=True)
    email = Text(allow_none=True)
    phone = Text(allow_none=True)
    lives_in_force_area = fields.Boolean()
    gender = Text(allow_none=True)
    sex = Text(metadata={"enum": SEXES, "description": SEX_DESCRIPTION})
    ethnicity = Text(metadata={"enum": ETHNIC_GROUPS, "description": ETHNICITY_DESCRIPTION})


class PersonNameSchema(Schema):
    id = fields.UUID()
    given_name = Text()
    family_name = Text()


class VictimSchema(Schema):
    id = fields.UUID()
    name = Text()
    email = Text(allow_none=True)
    phone = Text(allow_none=True)
    address = Text(allow_none=True)
    preferred_contact = Text(allow_none=True, metadata={"enum": CONTACT_METHODS})
    enhanced_rights = fields.Boolean()


class CaseSummarySchema(Schema):
    """A case in a list."""

    id = fields.UUID()
    crime_reference = Text()
    status = Text(metadata={"enum": STATUSES})
    keyworker_id = fields.UUID(allow_none=True)
    person = fields.Nested(PersonNameSchema)
    eligibility = fields.Nested(EligibilityResultSchema)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    version = fields.Integer()


class CaseSchema(CaseSummarySchema):
    """One case in full."""

    offence = fields.Nested(OffenceSchema)
    person = fields.Nested(PersonSchema)
    victims = fields.List(fields.Nested(VictimSchema))


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSummarySchema))
    total = fields.Integer(metadata={"description": "How many cases match, on every page"})
    page = fields.Integer()
    per_page = fields.Integer()


class CaseReferenceSchema(Schema):
    """What a victim liaison user sees of a case in a list: nothing else."""

    id = fields.UUID()
    crime_reference = Text()
    status = Text(metadata={"enum": STATUSES})


class CaseReferenceListSchema(Schema):
    items = fields.List(fields.Nested(CaseReferenceSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def case_document(case: Case, *, full: bool = True) -> dict:
    """The case as the schemas above expect it (the nested parts built from its columns)."""
    document = {
        "id": case.id,
        "crime_reference": case.crime_reference,
        "status": case.status,
        "keyworker_id": case.keyworker_id,
        "person": case.person,
        "eligibility": {
            "eligible": not case.eligibility_failed,
            "failed": list(case.eligibility_failed or []),
            "answers": {name: getattr(case, name) for name in ANSWERS},
        },
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "version": case.version,
    }
    if full:
        document["offence"] = {
            "description": case.offence_description,
            "offence_class": case.offence_class,
            "committed_on": case.offence_committed_on,
            "committed_in_force_area": case.offence_in_force_area,
        }
        document["victims"] = list(case.victims)
    return document
