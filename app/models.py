"""Every feature's tables, imported in one place so that Alembic sees the whole schema."""

from app.audit.models import AuditEntry
from app.auth.models import ApiToken, User, UserSession
from app.partners.models import Organisation

__all__ = ["ApiToken", "AuditEntry", "Organisation", "User", "UserSession"]
