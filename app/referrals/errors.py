"""The referral feature's domain errors, each with the machine-readable code of API.md."""

from __future__ import annotations

from app.errors import Conflict, ValidationFailed


class InvalidTransition(Conflict):
    """The move is not in the transition table for this user and this status."""

    code = "invalid_transition"


class ReferralClosed(Conflict):
    code = "referral_closed"


class ConsentRequired(ValidationFailed):
    """No consent in force covers one or more of the categories to share."""

    code = "consent_required"

    def __init__(self, message: str, categories: list[str]):
        super().__init__(message, field="shared_categories")
        self.categories = categories


class IsaExpired(ValidationFailed):
    code = "isa_expired"


class NotAccepting(ValidationFailed):
    code = "not_accepting"
