"""Who is acting and from where, for the audit log.

Set once per request by the app (see app.auth.hooks); outside a request (the command
line, background jobs) entries are attributed to the system.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context


@dataclass(frozen=True)
class AuditContext:
    actor: object | None
    actor_role: str | None
    ip_address: str | None


SYSTEM_CONTEXT = AuditContext(actor=None, actor_role="system", ip_address=None)


def current_audit_context() -> AuditContext:
    if has_request_context():
        return g.get("audit_context", SYSTEM_CONTEXT)
    return SYSTEM_CONTEXT
