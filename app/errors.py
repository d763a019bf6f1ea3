"""Domain errors raised by services and turned into messages by views and the API."""


class DomainError(Exception):
    """A rule was broken. ``field`` names the input at fault, if one is."""

    code = "invalid"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SignInFailed(DomainError):
    code = "sign_in_failed"


class SignInThrottled(DomainError):
    """Too many failed sign-in attempts: wait ``retry_after`` seconds."""

    code = "sign_in_throttled"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    code = "validation_failed"


class Conflict(DomainError):
    code = "conflict"


class StaleVersion(Conflict):
    """Someone else changed the object since the caller read it (the ``version`` sent, or
    a row changed underneath a write, is not the current one)."""

    code = "stale_version"


class InvalidState(Conflict):
    """The case (or object) is not in a status that allows this."""

    code = "invalid_state"


class AlreadyRecorded(Conflict):
    """Something recorded once only (a survey, a reoffending check) already has been."""

    code = "already_recorded"


class NotFound(DomainError):
    """No such object, or one outside the caller's scope (the two look the same)."""

    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidInput(ValidationFailed):
    """Several fields at fault: ``errors`` maps each field name to its GOV.UK message."""

    def __init__(self, errors: dict[str, str], message: str = "The details are not valid"):
        super().__init__(message)
        self.errors = errors
