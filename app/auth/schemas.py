"""The API's view of users and tokens."""

from marshmallow import Schema, fields, validate

from app.auth.roles import Role
from app.schema_fields import Text, UTCDateTime

ROLES = [r.value for r in Role]


class UserSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = Text()
    name = Text()
    role = Text(metadata={"enum": ROLES})
    organisation_id = fields.UUID(allow_none=True)
    active = fields.Boolean(dump_only=True)
    mfa_enrolled = fields.Boolean(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    version = fields.Integer(
        dump_only=True, metadata={"description": "Send it with a change (`PATCH`)"}
    )


class UserChangesSchema(Schema):
    """Send only the fields to change. The same rules as creating a user: the email
    address valid and not another user's; a partner user needs `organisation_id`, any
    other role must have none (send `null` when moving a partner user to another role);
    nobody changes their own role."""

    name = Text(validate=validate.Length(min=1, max=200))
    email = Text(validate=validate.Length(max=320))
    role = Text(validate=validate.OneOf(ROLES), metadata={"enum": ROLES})
    organisation_id = fields.UUID(allow_none=True)
    version = fields.Integer(
        load_default=None,
        metadata={"description": "The version you read; 409 `stale_version` if it changed"},
    )


class NewUserSchema(Schema):
    email = Text(required=True, validate=validate.Length(max=320))
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    role = Text(required=True, validate=validate.OneOf(ROLES))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    password = Text(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=256),
        metadata={
            "description": "Optional, and best left out: without it the user is emailed a "
            "single-use set-up link, valid for 72 hours, to choose their own password (then "
            "set up two-factor sign-in), so no one else ever knows it. If given: a temporary "
            "password, 8 characters or more, not a common one"
        },
    )


class NewTokenSchema(Schema):
    days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Days until it expires, 1 to 365. Default: 90"},
    )
    name = Text(load_default=None, validate=validate.Length(max=100))


class TokenCreatedSchema(Schema):
    id = fields.UUID()
    token = Text(metadata={"description": "Shown once; store it securely"})
    expires_at = UTCDateTime(allow_none=True)
